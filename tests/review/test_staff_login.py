"""Registry staff login over HTTP: tokens, the shared error for bad credentials, the throttle, the CLI."""

import asyncio
import os
import secrets
import subprocess
import sys

from mortgage_cloud.identity.sessions import create_session
from mortgage_cloud.review.models import Staff
from mortgage_cloud.review.staff import MAX_FAILURES
from mortgage_cloud.review.staff_passwords import hash_password, verify_password


async def log_in(client, username: str, password: str):
    return await client.post("/api/v1/staff/login", json={"username": username, "password": password})


async def test_staff_login_returns_working_token(client, staff_account):
    response = await log_in(client, *staff_account)
    assert response.status_code == 200
    token = response.json()["token"]
    reviews = await client.get("/api/v1/staff/reviews", headers={"Authorization": f"Bearer {token}"})
    assert reviews.status_code == 200


async def test_staff_login_wrong_password_401(client, staff_account):
    username, _ = staff_account
    response = await log_in(client, username, "not-the-password")
    assert response.status_code == 401
    assert response.json()["code"] == "STAFF_LOGIN_FAILED"


async def test_staff_login_unknown_user_same_error(client, staff_account):
    username, _ = staff_account
    wrong_password = await log_in(client, username, "not-the-password")
    unknown_user = await log_in(client, f"nobody-{secrets.token_hex(4)}", "not-the-password")
    assert unknown_user.status_code == wrong_password.status_code
    assert unknown_user.json() == wrong_password.json()


async def test_staff_login_throttled_after_five_failures(client, staff_account):
    username, password = staff_account
    for _ in range(MAX_FAILURES):
        assert (await log_in(client, username, "not-the-password")).status_code == 401
    response = await log_in(client, username, password)
    assert response.status_code == 429
    assert response.json()["code"] == "STAFF_LOGIN_THROTTLED"


async def test_staff_login_success_not_throttled(client, staff_account):
    username, password = staff_account
    for _ in range(MAX_FAILURES + 1):
        assert (await log_in(client, username, password)).status_code == 200


async def test_staff_reviews_borrower_token_401(client, runtime):
    token = await create_session(borrower_id="00000000-0000-4000-8000-000000000001")
    response = await client.get("/api/v1/staff/reviews", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_staff_reviews_without_token_401(client):
    response = await client.get("/api/v1/staff/reviews")
    assert response.status_code == 401


async def test_staff_deactivated_session_401(client, staff_account):
    username, password = staff_account
    token = (await log_in(client, username, password)).json()["token"]
    await Staff.filter(username=username).update(active=False)
    response = await client.get("/api/v1/staff/reviews", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_staff_cli_create_prints_working_password(settings, runtime):
    username = f"cli-{secrets.token_hex(4)}"
    env = {**os.environ, "MC_DATABASE_URL": settings.database_url, "MC_DATA_DIR": str(settings.data_dir),
           "MC_REDIS_URL": ""}
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "mortgage_cloud.cli", "staff", "create", "--username", username,
                         "--name", "审核员乙"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    password = next(line.split(": ", 1)[1] for line in result.stdout.splitlines() if line.startswith("password: "))
    staff = await Staff.get(username=username)
    assert await verify_password(password, staff.password_hash)


async def test_staff_password_hash_salted_per_call():
    first, second = await hash_password("same-password"), await hash_password("same-password")
    assert first != second
    assert await verify_password("same-password", second)
