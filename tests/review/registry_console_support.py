"""Helpers for the registry console and unit look-up tests: logged-in staff and an application in manual review."""

import secrets
from datetime import date

from mortgage_cloud.applications.models import Application, ApplicationEvent
from mortgage_cloud.applications.service import new_application_no
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.review.models import StaffRole
from mortgage_cloud.review.staff import create_staff

from factories import random_uscc

OBJECTION = {"code": "UNIT_OBJECTION", "message": "该不动产存在异议登记，需转人工审核。", "outcome": "review"}


async def staff_login(client, role: StaffRole = StaffRole.REVIEWER) -> tuple[str, str, dict[str, str]]:
    """Create a staff account with the role, log it in, and return its username, password and Authorization header."""
    username = f"console-{role}-{secrets.token_hex(4)}"
    _, password = await create_staff(username=username, display_name="工作人员乙", role=role)
    response = await client.post("/api/v1/staff/login", json={"username": username, "password": password})
    return username, password, {"Authorization": f"Bearer {response.json()['token']}"}


async def objection_in_review(prepare) -> dict:
    """Prepare an application on a unit with an objection, submit it and return its status once in manual review."""
    prepared = await prepare("objection")
    _, application, _ = prepared.drafts[0]
    response = await prepared.primary.submit(application["id"])
    assert response.status_code == 202, response.text
    status = await prepared.primary.wait_for_outcome(application["id"], timeout=60)
    assert status["state"] == "manual_review", status
    return status


async def store_reviews(count: int) -> list[Application]:
    """Store `count` applications waiting in manual review, straight in the database, the last one newest."""
    onboarded = await onboard_institution(name=f"队列测试银行{secrets.token_hex(3)}", uscc=random_uscc(), kind="bank")
    stored = []
    for _ in range(count):
        application = await Application.create(
            application_no=new_application_no(), institution=onboarded.institution,
            unit_no="430104001001GB00001F00010001", mortgage_type="general", debt_start=date(2026, 1, 1),
            debt_end=date(2046, 1, 1), guarantee_scope="主债权", loan_contract_no="HT-QUEUE-0001", debtor_name="王五",
            state="manual_review", findings=[OBJECTION])
        await ApplicationEvent.create(application=application, from_state="submitted", to_state="manual_review",
                                      actor="system:pipeline", reasons=[OBJECTION])
        stored.append(application)
    return stored
