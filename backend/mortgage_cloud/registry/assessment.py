"""Assessing a unit for a new mortgage from its register state: the failed rules and the next mortgage rank."""

from mortgage_cloud.registry.snapshot import UnitSnapshot
from mortgage_cloud.review.catalogue import Finding, Outcome, finding

# Restrictions whose presence alone fails a rule. An advance notice fails one only when someone other
# than the mortgagors has it, and a residence right does not stop a mortgage.
_RESTRICTION_CODES = {
    "seizure": "UNIT_SEIZED",
    "pre_seizure": "UNIT_PRE_SEIZED",
    "registry_lock": "UNIT_LOCKED",
    "objection": "UNIT_OBJECTION",
}


def assess_unit(snapshot: UnitSnapshot, *, mortgagor_id_hashes: set[str]) -> list[Finding]:
    """Return the rules the unit fails for a mortgage by these mortgagors; an existing mortgage fails none."""
    findings: list[Finding] = []

    document_nos: dict[str, list[str]] = {}
    for item in snapshot.restrictions:
        code = _RESTRICTION_CODES.get(item.kind)
        if code is None and item.kind == "advance_notice" and item.holder_id_hash not in mortgagor_id_hashes:
            code = "ADVANCE_NOTICE_HELD_BY_OTHER"
        if code is not None:
            document_nos.setdefault(code, []).append(item.document_no)
    for code, numbers in document_nos.items():
        findings.append(finding(code, unit_no=snapshot.unit_no, document_nos=numbers))

    if snapshot.ownership is None or not snapshot.ownership.is_current:
        findings.append(finding("OWNERSHIP_NOT_CURRENT", unit_no=snapshot.unit_no))

    owner_hashes = {owner.id_hash for owner in snapshot.owners}
    not_owners = mortgagor_id_hashes - owner_hashes
    if not_owners:
        findings.append(finding("MORTGAGOR_NOT_OWNER", unit_no=snapshot.unit_no, not_owner_count=len(not_owners)))
    return findings


def next_rank(snapshot: UnitSnapshot) -> int:
    """Return the rank a new mortgage on the unit gets: one after the highest current rank."""
    return max((mortgage.rank for mortgage in snapshot.mortgages), default=0) + 1


def blocking_reasons_for_display(findings: list[Finding]) -> list[str]:
    """Return the Chinese messages of the findings, those that reject first, each message once."""
    ordered = sorted(findings, key=lambda item: item.outcome != Outcome.REJECT)
    return list(dict.fromkeys(item.message for item in ordered))
