"""`GET /api/v1/staff/statistics` over HTTP: authentication, roles, date validation and the institution filter."""

from datetime import date

import pytest
from statistics_support import automatic, china_time, staff_headers_for, store_application

from mortgage_cloud.review.models import StaffRole

PATH = "/api/v1/staff/statistics"
DAY = date(2024, 5, 6)


async def test_statistics_route_without_token_401(client):
    response = await client.get(PATH)
    assert response.status_code == 401


async def test_statistics_route_bad_token_401(client):
    response = await client.get(PATH, headers={"Authorization": "Bearer not-a-session"})
    assert response.status_code == 401
    assert response.json()["code"] == "STAFF_SESSION_INVALID"


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.ADMIN])
async def test_statistics_route_open_to_staff_roles(client, runtime, role):
    response = await client.get(PATH, headers=await staff_headers_for(client, role))
    assert response.status_code == 200


async def test_statistics_route_default_period_30_days(client, reviewer_headers):
    response = await client.get(PATH, headers=reviewer_headers)
    assert response.json()["period"]["days"] == 30


async def test_statistics_route_bad_from_422(client, reviewer_headers):
    response = await client.get(PATH, params={"from": "2024-02-30", "to": "2024-03-01"}, headers=reviewer_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "from"
    assert "开始日期" in response.json()["message"]


async def test_statistics_route_range_too_long_422(client, reviewer_headers):
    response = await client.get(PATH, params={"from": "2023-01-01", "to": "2024-12-31"}, headers=reviewer_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "to"


async def test_statistics_route_reversed_dates_422(client, reviewer_headers):
    response = await client.get(PATH, params={"from": "2024-03-02", "to": "2024-03-01"}, headers=reviewer_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "from"


async def test_statistics_route_bad_institution_id_422(client, reviewer_headers):
    response = await client.get(PATH, params={"institution_id": "42"}, headers=reviewer_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "institution_id"


async def test_statistics_route_unknown_institution_404(client, reviewer_headers):
    response = await client.get(PATH, params={"institution_id": "00000000-0000-4000-8000-000000000001"},
                                headers=reviewer_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "INSTITUTION_NOT_FOUND"


async def test_statistics_route_institution_filter(client, reviewer_headers, institution):
    await store_application(institution, submitted_at=china_time(DAY, 9), steps=automatic(1, 2, 3, 4, 5, 6))
    response = await client.get(PATH, params={"from": DAY.isoformat(), "to": DAY.isoformat(),
                                              "institution_id": str(institution.id)}, headers=reviewer_headers)
    body = response.json()
    assert body["volume"] == [{"date": DAY.isoformat(), "submitted": 1}]
    assert body["outcomes"]["automatic_pass_rate"] == 1.0
    assert body["submit_to_proof"]["median_seconds"] == 15.0


async def test_statistics_route_lists_institutions(client, reviewer_headers, institution):
    day = date(2024, 5, 7)
    await store_application(institution, submitted_at=china_time(day, 9), steps=[])
    response = await client.get(PATH, params={"from": day.isoformat(), "to": day.isoformat()}, headers=reviewer_headers)
    listed = {item["institution_id"]: item for item in response.json()["institutions"]}
    assert listed[str(institution.id)]["submitted"] == 1
    assert listed[str(institution.id)]["name"] == institution.name


async def test_statistics_route_not_cached(client, reviewer_headers):
    response = await client.get(PATH, headers=reviewer_headers)
    assert response.headers["Cache-Control"] == "no-store"
