"""Registry staff reading the documents of an application in manual review, over HTTP."""

from datetime import date

import pytest
from registry_console_support import objection_in_review, staff_login

from mortgage_cloud.applications.models import Application
from mortgage_cloud.applications.service import new_application_no
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.review.models import StaffRole

from factories import random_uscc


@pytest.fixture
async def reviewer_headers(client, runtime) -> dict[str, str]:
    return (await staff_login(client))[2]


@pytest.fixture
async def in_review(prepare) -> dict:
    return await objection_in_review(prepare)


async def draft_application() -> Application:
    """Store a draft application that never went to manual review."""
    onboarded = await onboard_institution(name="长沙文件测试银行", uscc=random_uscc(), kind="bank")
    return await Application.create(
        application_no=new_application_no(), institution=onboarded.institution, unit_no="430104001001GB00001F00010001",
        mortgage_type="general", debt_start=date(2026, 1, 1), debt_end=date(2046, 1, 1), guarantee_scope="主债权",
        loan_contract_no="HT-2026-0002", debtor_name="李四",
    )


async def test_review_documents_listed_signed(client, reviewer_headers, in_review):
    response = await client.get(f"/api/v1/staff/reviews/{in_review['id']}/documents", headers=reviewer_headers)
    items = response.json()["items"]
    names = {item["kind"]: item["name"] for item in items}
    assert names == {"mortgage_contract": "抵押合同", "application_form": "不动产登记申请书", "power_of_attorney": "授权委托书"}
    assert all(item["signature_count"] >= 2 for item in items)


async def test_review_document_pdf_download(client, reviewer_headers, in_review):
    response = await client.get(f"/api/v1/staff/reviews/{in_review['id']}/documents/mortgage_contract/pdf",
                                headers=reviewer_headers)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")


async def test_review_document_unknown_kind_404(client, runtime):
    application = await draft_application()
    _, _, headers = await staff_login(client, StaffRole.ADMIN)
    response = await client.get(f"/api/v1/staff/reviews/{application.id}/documents/passwd/pdf", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "DOCUMENT_NOT_FOUND"


async def test_review_documents_without_token_401(client):
    response = await client.get("/api/v1/staff/reviews/00000000-0000-4000-8000-000000000001/documents")
    assert response.status_code == 401


async def test_review_documents_bad_id_422(client, reviewer_headers):
    response = await client.get("/api/v1/staff/reviews/not-a-uuid/documents", headers=reviewer_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "application_id"


async def test_review_documents_outside_queue_404_for_reviewer(client, reviewer_headers):
    application = await draft_application()
    response = await client.get(f"/api/v1/staff/reviews/{application.id}/documents", headers=reviewer_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "APPLICATION_NOT_FOUND"


async def test_review_documents_outside_queue_open_to_admin(client, runtime):
    application = await draft_application()
    _, _, headers = await staff_login(client, StaffRole.ADMIN)
    response = await client.get(f"/api/v1/staff/reviews/{application.id}/documents", headers=headers)
    assert response.status_code == 200
    assert response.json()["items"] == []
