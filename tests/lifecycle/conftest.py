"""Fixtures for the lifecycle tests: a logged-in registry reviewer. The applications come from `prepare`."""

import secrets

import pytest

from mortgage_cloud.review.staff import create_staff


@pytest.fixture(scope="session")
async def staff_headers(client, runtime) -> dict[str, str]:
    """Authorization headers of a logged-in reviewer."""
    username = f"lifecycle-{secrets.token_hex(4)}"
    _, password = await create_staff(username=username, display_name="审核员丙")
    response = await client.post("/api/v1/staff/login", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {response.json()['token']}"}

