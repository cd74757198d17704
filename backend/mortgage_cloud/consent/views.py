"""The view of a property given to a bank that queried it under a consent."""

from typing import Any


RESTRICTION_LABELS = {
    "seizure": "查封",
    "pre_seizure": "预查封",
    "registry_lock": "登记机构锁定",
    "objection": "异议登记",
    "advance_notice": "预告登记",
    "residence_right": "居住权",
}


def property_view(snapshot: Any, *, mortgagor_id_hashes: set[str]) -> dict[str, Any]:
    """Describe a unit with its rights, restrictions and the reasons it cannot be mortgaged automatically."""
    from mortgage_cloud.registry.service import assess_unit, next_rank

    findings = assess_unit(snapshot, mortgagor_id_hashes=mortgagor_id_hashes)
    blocked = [item for item in findings if item.outcome == "reject"]
    return {
        "unit_no": snapshot.unit_no,
        "location": snapshot.location,
        "district": snapshot.district,
        "property_type": snapshot.property_type,
        "use": snapshot.use,
        "area": str(snapshot.area),
        "certificate_no": snapshot.ownership.certificate_no if snapshot.ownership else None,
        "co_ownership": snapshot.ownership.co_ownership if snapshot.ownership else None,
        "owners": [{"name": owner.name, "share": _share(owner.share)} for owner in snapshot.owners],
        "mortgages": [
            {"rank": mortgage.rank, "mortgagee_name": mortgage.mortgagee_name, "mortgage_type": mortgage.mortgage_type}
            for mortgage in snapshot.mortgages
        ],
        "restrictions": [
            {"kind": item.kind, "label": RESTRICTION_LABELS.get(item.kind, item.kind), "holder_name": item.holder_name}
            for item in snapshot.restrictions
        ],
        "can_mortgage": not blocked,
        "needs_manual_review": any(item.outcome == "review" for item in findings),
        "next_rank": next_rank(snapshot),
        "reasons": [item.to_dict() for item in findings],
    }


def _share(share: Any) -> str | None:
    return None if share is None else str(share)


