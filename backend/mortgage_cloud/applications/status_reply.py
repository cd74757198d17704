"""The text a borrower gets back when they ask the official account for their application's progress."""

from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.states import LABELS, State


async def latest_status_text(borrower_id: object) -> str:
    """Describe the borrower's newest application in one short Chinese message."""
    application = await Application.filter(borrower_id=borrower_id).order_by("-created_at").first()
    if application is None:
        return "您目前没有抵押登记申请。"
    text = f"您的抵押登记申请 {application.application_no} 当前状态：{LABELS[State(application.state)]}。"
    if application.proof_no:
        text += f"登记证明号：{application.proof_no}。"
    return text
