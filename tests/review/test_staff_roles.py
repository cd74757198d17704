"""Registry staff roles over HTTP: admins manage accounts and see every application, reviewers work the queue only."""

import asyncio
import os
import secrets
import subprocess
import sys
from datetime import date

import pytest

from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.service import new_application_no
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.review.models import Staff, StaffRole
from mortgage_cloud.review.staff import create_staff

from factories import random_uscc
from test_staff_login import log_in

ADMIN_ROUTES = [
    ("GET", "/api/v1/staff/accounts"),
    ("POST", "/api/v1/staff/accounts"),
    ("GET", "/api/v1/staff/accounts/00000000-0000-4000-8000-000000000001"),
    ("POST", "/api/v1/staff/accounts/00000000-0000-4000-8000-000000000001/role"),
    ("POST", "/api/v1/staff/accounts/00000000-0000-4000-8000-000000000001/disable"),
    ("POST", "/api/v1/staff/accounts/00000000-0000-4000-8000-000000000001/enable"),
    ("GET", "/api/v1/staff/applications"),
]


async def logged_in(client, role: StaffRole) -> tuple[Staff, dict[str, str]]:
    """Create a staff account with the role, log it in and return it with its Authorization header."""
    username = f"{role}-{secrets.token_hex(4)}"
    staff, password = await create_staff(username=username, display_name="工作人员", role=role)
    token = (await log_in(client, username, password)).json()["token"]
    return staff, {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def admin(client, runtime) -> tuple[Staff, dict[str, str]]:
    return await logged_in(client, StaffRole.ADMIN)


@pytest.fixture
async def reviewer(client, runtime) -> tuple[Staff, dict[str, str]]:
    return await logged_in(client, StaffRole.REVIEWER)


async def draft_application() -> Application:
    """Store a draft application that never went to manual review."""
    onboarded = await onboard_institution(name="长沙审核测试银行", uscc=random_uscc(), kind="bank")
    return await Application.create(
        application_no=new_application_no(), institution=onboarded.institution, unit_no="430104001001GB00001F00010001",
        mortgage_type="general", debt_start=date(2026, 1, 1), debt_end=date(2046, 1, 1), guarantee_scope="主债权",
        loan_contract_no="HT-2026-0001", debtor_name="张三",
    )


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES, ids=[f"{m} {p}" for m, p in ADMIN_ROUTES])
async def test_reviewer_rejected_from_admin_route(client, reviewer, method: str, path: str):
    _, headers = reviewer
    response = await client.request(method, path, json={} if method == "POST" else None, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "STAFF_ROLE_FORBIDDEN"


async def test_reviewer_works_queue(client, reviewer):
    _, headers = reviewer
    response = await client.get("/api/v1/staff/reviews", headers=headers)
    assert response.status_code == 200


async def test_admin_works_queue(client, admin):
    _, headers = admin
    response = await client.get("/api/v1/staff/reviews", headers=headers)
    assert response.status_code == 200


async def test_me_returns_role(client, reviewer):
    staff, headers = reviewer
    response = await client.get("/api/v1/staff/me", headers=headers)
    assert response.json()["id"] == str(staff.id)
    assert response.json()["role"] == "reviewer"


async def test_admin_creates_account_that_logs_in(client, admin):
    _, headers = admin
    username = f"new-{secrets.token_hex(4)}"
    created = await client.post("/api/v1/staff/accounts", headers=headers,
                                json={"username": username, "display_name": "新审核员", "role": "reviewer"})
    login = await log_in(client, username, created.json()["password"])
    assert created.status_code == 201
    assert created.json()["account"]["role"] == "reviewer"
    assert created.headers["Cache-Control"] == "no-store"
    assert login.status_code == 200


async def test_admin_create_taken_username(client, admin, reviewer):
    _, headers = admin
    existing, _ = reviewer
    response = await client.post("/api/v1/staff/accounts", headers=headers,
                                 json={"username": existing.username, "display_name": "重名"})
    assert (response.status_code, response.json()["code"]) == (409, "STAFF_USERNAME_TAKEN")


async def test_admin_create_invalid_role(client, admin):
    _, headers = admin
    response = await client.post("/api/v1/staff/accounts", headers=headers,
                                 json={"username": f"x-{secrets.token_hex(4)}", "display_name": "甲", "role": "root"})
    assert (response.status_code, response.json()["context"]) == (422, {"field": "role"})


async def test_admin_lists_accounts_without_hashes(client, admin):
    _, headers = admin
    response = await client.get("/api/v1/staff/accounts", params={"page_size": 100}, headers=headers)
    assert response.status_code == 200
    assert all("password_hash" not in item for item in response.json()["items"])


async def test_admin_promotes_reviewer(client, admin, reviewer):
    _, admin_headers = admin
    promoted, reviewer_headers = reviewer
    changed = await client.post(f"/api/v1/staff/accounts/{promoted.id}/role", json={"role": "admin"},
                                headers=admin_headers)
    listed = await client.get("/api/v1/staff/accounts", headers=reviewer_headers)
    assert changed.json()["role"] == "admin"
    assert listed.status_code == 200


async def test_admin_cannot_change_own_role(client, admin):
    staff, headers = admin
    response = await client.post(f"/api/v1/staff/accounts/{staff.id}/role", json={"role": "reviewer"},
                                 headers=headers)
    assert (response.status_code, response.json()["code"]) == (409, "STAFF_SELF_CHANGE")


async def test_admin_disable_ends_sessions(client, admin, reviewer):
    _, admin_headers = admin
    disabled, reviewer_headers = reviewer
    response = await client.post(f"/api/v1/staff/accounts/{disabled.id}/disable", headers=admin_headers)
    queue = await client.get("/api/v1/staff/reviews", headers=reviewer_headers)
    assert response.json()["active"] is False
    assert (queue.status_code, queue.json()["code"]) == (401, "STAFF_SESSION_INVALID")


async def test_admin_enable_restores_login(client, admin):
    _, admin_headers = admin
    username = f"back-{secrets.token_hex(4)}"
    staff, password = await create_staff(username=username, display_name="复职员")
    await client.post(f"/api/v1/staff/accounts/{staff.id}/disable", headers=admin_headers)
    await client.post(f"/api/v1/staff/accounts/{staff.id}/enable", headers=admin_headers)
    assert (await log_in(client, username, password)).status_code == 200


async def test_admin_unknown_account_404(client, admin):
    _, headers = admin
    response = await client.get("/api/v1/staff/accounts/00000000-0000-4000-8000-000000000001", headers=headers)
    assert (response.status_code, response.json()["code"]) == (404, "STAFF_NOT_FOUND")


async def test_admin_lists_every_application(client, admin):
    _, headers = admin
    application = await draft_application()
    response = await client.get("/api/v1/staff/applications", params={"state": "draft", "page_size": 100},
                                headers=headers)
    assert str(application.id) in [item["id"] for item in response.json()["items"]]


async def test_admin_applications_invalid_state(client, admin):
    _, headers = admin
    response = await client.get("/api/v1/staff/applications", params={"state": "lost"}, headers=headers)
    assert (response.status_code, response.json()["context"]) == (422, {"field": "state"})


async def test_admin_reads_application_outside_queue(client, admin):
    _, headers = admin
    application = await draft_application()
    response = await client.get(f"/api/v1/staff/reviews/{application.id}", headers=headers)
    assert response.status_code == 200


async def test_reviewer_cannot_read_application_outside_queue(client, reviewer):
    _, headers = reviewer
    application = await draft_application()
    response = await client.get(f"/api/v1/staff/reviews/{application.id}", headers=headers)
    assert (response.status_code, response.json()["code"]) == (404, "APPLICATION_NOT_FOUND")


def staff_cli(settings, *arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MC_DATABASE_URL": settings.database_url, "MC_DATA_DIR": str(settings.data_dir),
           "MC_REDIS_URL": "", "MC_LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "mortgage_cloud.cli", "staff", *arguments], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


async def test_staff_cli_list_set_role_disable(settings, runtime):
    username = f"cli-role-{secrets.token_hex(4)}"
    await create_staff(username=username, display_name="命令行员")
    listed = await asyncio.to_thread(staff_cli, settings, "list", "--page-size", "100")
    promoted = await asyncio.to_thread(staff_cli, settings, "set-role", "--username", username, "--role", "admin")
    disabled = await asyncio.to_thread(staff_cli, settings, "disable", "--username", username)
    staff = await Staff.get(username=username)
    assert username in listed.stdout
    assert promoted.returncode == 0, promoted.stderr
    assert disabled.returncode == 0, disabled.stderr
    assert (staff.role, staff.active) == (StaffRole.ADMIN, False)


async def test_staff_cli_unknown_username(settings, runtime):
    result = await asyncio.to_thread(staff_cli, settings, "disable", "--username", "nobody-here")
    assert result.returncode == 2
    assert "STAFF_NOT_FOUND" in result.stderr
