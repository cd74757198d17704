"""Fixtures for the statistics tests: logged-in staff, and a fresh institution per test so counts stay apart."""

import pytest
from statistics_support import new_institution, staff_headers_for

from mortgage_cloud.review.models import StaffRole


@pytest.fixture
async def institution(runtime):
    return await new_institution()


@pytest.fixture
async def reviewer_headers(client, runtime) -> dict[str, str]:
    return await staff_headers_for(client, StaffRole.REVIEWER)
