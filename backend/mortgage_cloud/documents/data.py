"""The fields of the mortgage contract, the application form and the power of attorney.

One `DocumentData` fills all three documents and is compared field by field with the register
entry, because the register prevails where it and the contract disagree.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PartyInfo:
    """A natural person or an organisation named in the documents."""

    name: str
    id_type: str  # "居民身份证" or "统一社会信用代码"
    id_number: str
    address: str = ""
    phone: str = ""
    legal_representative: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    share: str = ""  # the owned share for 按份共有, such as "50%"; empty otherwise


@dataclass(frozen=True)
class PropertyInfo:
    location: str
    unit_no: str
    certificate_no: str
    property_type: str  # 房屋类型, such as "住宅"
    use: str  # 用途
    area: Decimal  # building area in square metres
    co_ownership: str  # 单独所有, 共同共有 or 按份共有
    land_use_end: date | None = None


@dataclass(frozen=True)
class MortgageTerms:
    mortgage_type: str  # "general" or "maximum"
    secured_amount: Decimal | None  # yuan; general mortgage
    max_secured_amount: Decimal | None  # yuan; maximum-amount mortgage
    debt_start: date
    debt_end: date
    guarantee_scope: str
    transfer_restricted: bool
    loan_contract_no: str
    expected_rank: int = 1


@dataclass(frozen=True)
class DocumentData:
    """Everything the three documents show; the application number doubles as the receipt number."""

    application_no: str
    application_date: date
    registry_name: str
    registration_type: str  # "首次登记" for a new mortgage, "注销登记" for a cancellation
    reason: str  # 登记原因, such as "借款抵押"
    mortgagee: PartyInfo
    mortgagors: list[PartyInfo]
    debtor: PartyInfo
    property: PropertyInfo
    terms: MortgageTerms
    supporting_documents: list[str] = field(default_factory=list)
    right_type: str = "抵押权"

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain JSON-ready values (Decimal and date as strings)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value
