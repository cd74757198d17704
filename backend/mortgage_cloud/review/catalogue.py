"""The rule catalogue: every automatic check's stable code, its Chinese message and where a failure leads.

A failed rule with outcome `reject` ends the application in `rejected`; one with outcome `review`
sends it to `manual_review`, where registry staff decide.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    REJECT = "reject"
    REVIEW = "review"


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    outcome: Outcome


@dataclass(frozen=True)
class Finding:
    """A failed rule on one application, with the facts that made it fail."""

    code: str
    message: str
    outcome: Outcome
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "outcome": str(self.outcome), "detail": self.detail}


_RULES = [
    # The unit itself (register facts).
    Rule("UNIT_NOT_FOUND", "登记簿中没有该不动产单元。", Outcome.REJECT),
    Rule("UNIT_SEIZED", "该不动产已被查封，依法不得办理抵押登记。", Outcome.REJECT),
    Rule("UNIT_PRE_SEIZED", "该不动产已被预查封，不得办理抵押登记。", Outcome.REJECT),
    Rule("UNIT_LOCKED", "该不动产已被登记机构锁定，暂不能办理抵押登记。", Outcome.REJECT),
    Rule("UNIT_OBJECTION", "该不动产存在异议登记，需转人工审核。", Outcome.REVIEW),
    Rule("ADVANCE_NOTICE_HELD_BY_OTHER", "该不动产存在他人持有的预告登记，未经其同意不得抵押。", Outcome.REJECT),
    Rule("OWNERSHIP_NOT_CURRENT", "该不动产的产权不是现势状态。", Outcome.REJECT),
    Rule("MORTGAGOR_NOT_OWNER", "抵押人不是该不动产的登记权利人。", Outcome.REJECT),
    Rule("DEBT_TERM_BEYOND_LAND_TERM", "债务履行期限超出土地使用权期限。", Outcome.REJECT),
    # The parties.
    Rule("MORTGAGEE_NOT_REGISTERED", "抵押权人不是平台登记的金融机构。", Outcome.REJECT),
    Rule("CO_OWNER_NOT_SIGNED", "尚有共有人未签署，共同共有须全体共有人签署，按份共有须抵押份额的共有人签署。", Outcome.REJECT),
    Rule("CONSENT_INVALID", "委托查询授权已过期、已撤回或不存在。", Outcome.REJECT),
    Rule("FACE_NOT_FRESH", "签署前的人脸核验已超出有效期，请重新核验。", Outcome.REJECT),
    # The documents.
    Rule("SIGNATURE_MISSING", "文件缺少必需的签名或签章。", Outcome.REJECT),
    Rule("SIGNATURE_INVALID", "文件签名验证未通过，文件可能已被篡改。", Outcome.REJECT),
    Rule("DOCUMENT_DATA_MISMATCH", "申请文件内容与登记簿或申请数据不一致。", Outcome.REJECT),
    # Cancellations (注销).
    Rule("MORTGAGE_NOT_FOUND", "登记簿中没有该不动产登记证明号对应的抵押权。", Outcome.REJECT),
    Rule("MORTGAGE_NOT_CURRENT", "该抵押权已经注销，不是现势抵押权。", Outcome.REJECT),
    Rule("NOT_MORTGAGEE", "申请注销的机构不是该抵押权的抵押权人。", Outcome.REJECT),
    Rule("MORTGAGE_UNIT_MISMATCH", "该抵押权所在的不动产单元与申请的不动产单元不一致。", Outcome.REJECT),
    # Other applications.
    Rule("REGISTER_CHAIN_BROKEN", "该不动产单元的登记簿记录校验未通过，需转人工核查。", Outcome.REVIEW),
    Rule("UNIT_IN_FLIGHT", "该不动产已有其他登记业务正在办理，请待其办结后再申请。", Outcome.REJECT),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def finding(code: str, **detail: Any) -> Finding:
    """Build the finding for a catalogued rule code; raise KeyError for an unknown code."""
    rule = RULES[code]
    return Finding(code=rule.code, message=rule.message, outcome=rule.outcome, detail=detail)
