"""Applications with state-change events at chosen times, stored straight in the test database."""

import secrets
from datetime import date, datetime, timedelta, timezone
from typing import Any

from mortgage_cloud.applications.models import Application, ApplicationEvent
from mortgage_cloud.applications.service import new_application_no
from mortgage_cloud.banks.models import Institution
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.identifiers import CHINA_TZ
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.staff import create_staff

from factories import random_uscc

OBJECTION = {"code": "UNIT_OBJECTION", "message": "该不动产存在异议登记，需转人工审核。", "outcome": "review"}
SEIZED = {"code": "UNIT_SEIZED", "message": "该不动产已被查封，依法不得办理抵押登记。", "outcome": "reject"}
CHAIN_BROKEN = {"code": "REGISTER_CHAIN_BROKEN", "message": "该不动产单元的登记簿记录校验未通过，需转人工核查。",
                "outcome": "review"}
STAFF_REJECTED = {"code": "MANUAL_REVIEW_REJECTED", "message": "异议人已起诉"}

# The states the automatic pipeline moves a submitted application through, in order.
AUTOMATIC = ["platform_checked", "accepted", "reviewed", "registered", "proof_issued", "archived"]


async def new_institution() -> Institution:
    onboarded = await onboard_institution(name=f"统计测试银行{secrets.token_hex(3)}", uscc=random_uscc(), kind="bank")
    return onboarded.institution


def china_time(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a moment of a China Standard Time day, in UTC as the database stores it."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TZ).astimezone(timezone.utc)


async def store_application(institution: Institution, *, submitted_at: datetime | None,
                            steps: list[tuple[str, float, list[dict[str, Any]]]], actors: dict[str, str] | None = None,
                            ) -> Application:
    """Store an application submitted at `submitted_at` whose events follow `steps` after submission.

    Each step is (to_state, seconds since the previous event, reasons). The application ends in the last
    step's state, or in `submitted` without steps. Drafting and signing events come an hour before submission.
    """
    actors = actors or {}
    final_state = "draft"
    if steps:
        final_state = steps[-1][0]
    elif submitted_at is not None:
        final_state = "submitted"
    application = await Application.create(
        application_no=new_application_no(), institution=institution, unit_no="430104001001GB00001F00010001",
        mortgage_type="general", debt_start=date(2025, 1, 1), debt_end=date(2045, 1, 1), guarantee_scope="主债权及利息",
        loan_contract_no="HT-STAT-0001", debtor_name="张三", state=final_state,
        submitted_at=submitted_at,
    )
    start = (submitted_at or datetime.now(timezone.utc)) - timedelta(hours=1)
    await _event(application, None, "draft", start)
    if submitted_at is None:
        return application

    await _event(application, "draft", "signed", start + timedelta(minutes=30))
    await _event(application, "signed", "submitted", submitted_at)
    moment, current = submitted_at, "submitted"
    for to_state, seconds, reasons in steps:
        moment += timedelta(seconds=seconds)
        await _event(application, current, to_state, moment, reasons=reasons, actor=actors.get(to_state))
        current = to_state
    return application


async def _event(application: Application, from_state: str | None, to_state: str, occurred_at: datetime, *,
                 reasons: list[dict[str, Any]] | None = None, actor: str | None = None) -> None:
    await ApplicationEvent.create(application=application, from_state=from_state, to_state=to_state,
                                  actor=actor or "system:pipeline", reasons=reasons or [], occurred_at=occurred_at)


def automatic(*seconds: float) -> list[tuple[str, float, list]]:
    """Return the last automatic steps up to archive, as many as seconds are given, taking those seconds each."""
    return [(state, value, []) for state, value in zip(AUTOMATIC[-len(seconds):], seconds, strict=True)]


async def staff_headers_for(client, role: StaffRole) -> dict[str, str]:
    """Create a staff account with the role, log it in over HTTP and return its Authorization header."""
    username = f"stats-{role}-{secrets.token_hex(4)}"
    _, password = await create_staff(username=username, display_name="统计员", role=role)
    response = await client.post("/api/v1/staff/login", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {response.json()['token']}"}
