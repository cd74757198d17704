"""The register's service functions, gathered here for the other domains to import."""

from mortgage_cloud.registry.assessment import assess_unit, blocking_reasons_for_display, next_rank
from mortgage_cloud.registry.chain import ChainCheck, append_entry, verify_chain
from mortgage_cloud.registry.mortgages import cancel_mortgage, get_mortgage_by_proof_no, register_mortgage
from mortgage_cloud.registry.proofs import allocate_proof_no
from mortgage_cloud.registry.snapshot import (
    MortgageView,
    OwnershipView,
    OwnerView,
    RestrictionView,
    UnitSnapshot,
    get_unit_snapshot,
    units_owned_by,
)

__all__ = [
    "ChainCheck",
    "MortgageView",
    "OwnerView",
    "OwnershipView",
    "RestrictionView",
    "UnitSnapshot",
    "allocate_proof_no",
    "append_entry",
    "assess_unit",
    "blocking_reasons_for_display",
    "cancel_mortgage",
    "get_mortgage_by_proof_no",
    "get_unit_snapshot",
    "next_rank",
    "register_mortgage",
    "units_owned_by",
    "verify_chain",
]
