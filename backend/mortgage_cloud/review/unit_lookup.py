"""Register look-up for registry staff: a unit's current rights, restrictions, recent entries and chain check."""

import logging
from typing import Any

from mortgage_cloud.errors import NotFound
from mortgage_cloud.identifiers import normalize_unit_no
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.logging import mask_id_number
from mortgage_cloud.registry.models import Party, RegisterEntry
from mortgage_cloud.registry.service import OwnerView, UnitSnapshot, get_unit_snapshot, verify_chain

log = logging.getLogger(__name__)

RECENT_ENTRIES = 20

RESTRICTION_LABELS = {
    "seizure": "查封",
    "pre_seizure": "预查封",
    "registry_lock": "登记机构锁定",
    "objection": "异议登记",
    "advance_notice": "预告登记",
    "residence_right": "居住权",
}

ENTRY_LABELS = {
    "ownership_registered": "所有权登记",
    "mortgage_registered": "抵押权登记",
    "mortgage_cancelled": "抵押权注销",
    "restriction_registered": "限制或其他权利登记",
}

MORTGAGE_TYPE_LABELS = {"general": "一般抵押", "maximum": "最高额抵押"}


async def look_up_unit(unit_no: object, *, staff_id: str) -> dict[str, Any]:
    """Return the unit's register view for staff, with owners' ID numbers masked, or raise NotFound.

    Every look-up is logged with the staff member's id, found or not.
    """
    unit_no = normalize_unit_no(unit_no)
    snapshot = await get_unit_snapshot(unit_no)
    log.info("staff looked up unit", extra={"staff_id": staff_id, "unit_no": unit_no, "found": snapshot is not None})
    if snapshot is None:
        raise NotFound("登记簿中没有该不动产单元，请核对不动产单元号。", code="UNIT_NOT_FOUND", field="unit_no")

    chain = await verify_chain(unit_no)
    entries = await RegisterEntry.filter(unit_no=unit_no).order_by("-seq").limit(RECENT_ENTRIES)
    return {
        **_unit_facts(snapshot),
        "owners": await _owners(snapshot.owners),
        "mortgages": [_mortgage(item) for item in snapshot.mortgages],
        "restrictions": [_restriction(item) for item in snapshot.restrictions],
        "entries": [_entry(entry) for entry in entries],
        "chain": {"ok": chain.ok, "entries": chain.entries, "first_bad_seq": chain.first_bad_seq},
    }


def _unit_facts(snapshot: UnitSnapshot) -> dict[str, Any]:
    ownership = snapshot.ownership
    return {
        "unit_no": snapshot.unit_no,
        "location": snapshot.location,
        "district": snapshot.district,
        "property_type": snapshot.property_type,
        "use": snapshot.use,
        "area": str(snapshot.area),
        "floor": snapshot.floor,
        "total_floors": snapshot.total_floors,
        "land_use_start": _day(snapshot.land_use_start),
        "land_use_end": _day(snapshot.land_use_end),
        "ownership": None if ownership is None else {
            "certificate_no": ownership.certificate_no,
            "co_ownership": ownership.co_ownership,
            "registered_at": ownership.registered_at.isoformat(),
        },
    }


async def _owners(owners: list[OwnerView]) -> list[dict[str, Any]]:
    parties = {party.id: party for party in await Party.filter(id__in=[owner.party_id for owner in owners])}
    return [{"name": owner.name, "id_type": parties[owner.party_id].id_type if owner.party_id in parties else None,
             "id_number": _masked_id(parties.get(owner.party_id)),
             "share": None if owner.share is None else str(owner.share)} for owner in owners]


def _masked_id(party: Party | None) -> str | None:
    if party is None:
        return None
    try:
        return mask_id_number(pii.decrypt(party.id_number_enc))
    except ValueError:
        # After a key mismatch or with a damaged value, the owner is shown without the number and the look-up goes on.
        log.warning("party id number failed to decrypt", extra={"party_id": party.id})
        return None


def _mortgage(item: Any) -> dict[str, Any]:
    return {
        "rank": item.rank,
        "mortgagee_name": item.mortgagee_name,
        "mortgage_type": item.mortgage_type,
        "mortgage_type_label": MORTGAGE_TYPE_LABELS.get(item.mortgage_type, item.mortgage_type),
        "amount": None if item.amount is None else str(item.amount),
        "proof_no": item.proof_no,
        "debt_end": item.debt_end.isoformat(),
        "registered_at": item.registered_at.isoformat(),
    }


def _restriction(item: Any) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "label": RESTRICTION_LABELS.get(item.kind, item.kind),
        "holder_name": item.holder_name,
        "document_no": item.document_no,
        "registered_at": item.registered_at.isoformat(),
    }


def _entry(entry: RegisterEntry) -> dict[str, Any]:
    """Describe an entry by its kind and the number it records. Owners' ID hashes in the payload stay inside."""
    payload = entry.payload or {}
    kind_label = ENTRY_LABELS.get(entry.kind, entry.kind)
    if entry.kind == "restriction_registered":
        kind_label = RESTRICTION_LABELS.get(payload.get("kind"), "限制") + "登记"
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "label": kind_label,
        "reference": payload.get("certificate_no") or payload.get("proof_no") or payload.get("document_no"),
        "recorded_at": entry.recorded_at.isoformat(),
        "recorded_by": entry.recorded_by,
        "entry_hash": entry.entry_hash,
    }


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()
