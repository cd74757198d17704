"""The manual-review queue end to end: an objection stops the pipeline, a reviewer approves or rejects it."""

from lifecycle_support import submit_and_wait

from mortgage_cloud.applications.models import ApplicationEvent
from mortgage_cloud.review.models import Staff


async def objection_in_review(prepare) -> tuple[object, dict]:
    prepared = await prepare("objection")
    status = await submit_and_wait(prepared)
    assert status["state"] == "manual_review", status
    return prepared, status


async def test_review_queue_lists_objection_with_findings(prepare, client, staff_headers):
    _, status = await objection_in_review(prepare)
    response = await client.get("/api/v1/staff/reviews", params={"page_size": 100}, headers=staff_headers)
    item = next(item for item in response.json()["items"] if item["id"] == status["id"])
    assert [finding["code"] for finding in item["findings"]] == ["UNIT_OBJECTION"]
    assert item["interrupted_state"] == "submitted"


async def test_review_queue_masks_borrower_name(prepare, client, staff_headers):
    prepared, status = await objection_in_review(prepare)
    response = await client.get(f"/api/v1/staff/reviews/{status['id']}", headers=staff_headers)
    name = prepared.primary.person.name
    assert response.json()["borrower_name"] == name[0] + "*" * (len(name) - 1)


async def test_review_detail_has_timeline(prepare, client, staff_headers):
    _, status = await objection_in_review(prepare)
    response = await client.get(f"/api/v1/staff/reviews/{status['id']}", headers=staff_headers)
    assert [event["state"] for event in response.json()["timeline"]][-2:] == ["submitted", "manual_review"]


async def test_review_approve_objection_resumes_to_archived(prepare, client, staff_headers):
    prepared, status = await objection_in_review(prepare)
    response = await client.post(f"/api/v1/staff/reviews/{status['id']}/approve", json={"note": "异议已核实，不影响抵押"},
                                 headers=staff_headers)
    assert response.status_code == 200, response.text
    final = await prepared.primary.wait_for_outcome(status["id"], timeout=60)
    assert final["state"] == "archived"
    assert final["proof_no"]


async def test_review_approve_recorded_with_staff_actor(prepare, client, staff_headers):
    _, status = await objection_in_review(prepare)
    await client.post(f"/api/v1/staff/reviews/{status['id']}/approve", json={"note": "异议已核实"},
                      headers=staff_headers)
    event = await ApplicationEvent.filter(application_id=status["id"], from_state="manual_review").first()
    staff_id = event.actor.removeprefix("staff:")
    assert event.to_state == "platform_checked"
    assert await Staff.exists(id=staff_id)
    assert event.reasons[0]["message"] == "异议已核实"


async def test_review_double_approval_409(prepare, client, staff_headers):
    _, status = await objection_in_review(prepare)
    path = f"/api/v1/staff/reviews/{status['id']}/approve"
    first = await client.post(path, json={"note": "同意"}, headers=staff_headers)
    second = await client.post(path, json={"note": "同意"}, headers=staff_headers)
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "NOT_IN_MANUAL_REVIEW"


async def test_review_reject_reason_in_timeline(prepare, client, staff_headers):
    prepared, status = await objection_in_review(prepare)
    response = await client.post(f"/api/v1/staff/reviews/{status['id']}/reject", json={"reason": "异议人已起诉，暂不登记"},
                                 headers=staff_headers)
    assert response.status_code == 200
    final = await prepared.primary.status(status["id"])
    assert final["state"] == "rejected"
    assert final["timeline"][-1]["reasons"][0]["message"] == "异议人已起诉，暂不登记"


async def test_review_reject_without_reason_422(prepare, client, staff_headers):
    _, status = await objection_in_review(prepare)
    response = await client.post(f"/api/v1/staff/reviews/{status['id']}/reject", json={"reason": " "},
                                 headers=staff_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "reason"


async def test_review_approve_without_token_401(client):
    response = await client.post("/api/v1/staff/reviews/00000000-0000-4000-8000-000000000001/approve", json={})
    assert response.status_code == 401


async def test_review_unknown_application_404(client, staff_headers):
    response = await client.get("/api/v1/staff/reviews/00000000-0000-4000-8000-000000000001", headers=staff_headers)
    assert response.status_code == 404
