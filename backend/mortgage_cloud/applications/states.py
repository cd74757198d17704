"""Application states, their Chinese labels and which state may follow which."""

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    DOCUMENTS_READY = "documents_ready"
    SIGNING = "signing"
    SIGNED = "signed"
    SUBMITTED = "submitted"
    PLATFORM_CHECKED = "platform_checked"
    ACCEPTED = "accepted"
    REVIEWED = "reviewed"
    REGISTERED = "registered"
    PROOF_ISSUED = "proof_issued"
    ARCHIVED = "archived"
    LOAN_DISBURSED = "loan_disbursed"
    REJECTED = "rejected"
    MANUAL_REVIEW = "manual_review"
    WITHDRAWN = "withdrawn"


LABELS: dict[State, str] = {
    State.DRAFT: "申请已创建",
    State.DOCUMENTS_READY: "文件已生成",
    State.SIGNING: "签署中",
    State.SIGNED: "签署完成",
    State.SUBMITTED: "已提交",
    State.PLATFORM_CHECKED: "平台校验通过",
    State.ACCEPTED: "登记机构已受理",
    State.REVIEWED: "审核通过",
    State.REGISTERED: "已登簿",
    State.PROOF_ISSUED: "登记证明已出具",
    State.ARCHIVED: "已归档",
    State.LOAN_DISBURSED: "银行已放款",
    State.REJECTED: "不予登记",
    State.MANUAL_REVIEW: "转人工审核",
    State.WITHDRAWN: "已撤回",
}

# The states in which the pipeline, not a person, moves the application on.
PIPELINE_STATES = frozenset(
    {State.SUBMITTED, State.PLATFORM_CHECKED, State.ACCEPTED, State.REVIEWED, State.REGISTERED, State.PROOF_ISSUED}
)

# The states that end the application; a unit claim is released on entering one of them.
FINAL_STATES = frozenset({State.ARCHIVED, State.LOAN_DISBURSED, State.REJECTED, State.WITHDRAWN})

# States before acceptance, from which the bank or the borrower may still withdraw.
WITHDRAWABLE_STATES = frozenset(
    {State.DRAFT, State.DOCUMENTS_READY, State.SIGNING, State.SIGNED, State.SUBMITTED, State.PLATFORM_CHECKED}
)
