"""Fixtures: registry staff accounts created through the service, one per test so throttles do not interfere."""

import secrets

import pytest

from mortgage_cloud.review.staff import create_staff


@pytest.fixture
async def staff_account(runtime) -> tuple[str, str]:
    """A fresh reviewer account: (username, password)."""
    username = f"reviewer-{secrets.token_hex(4)}"
    _, password = await create_staff(username=username, display_name="审核员甲")
    return username, password
