"""The signing API's error codes when the borrower has no fresh passed signing face check.

FACE_NOT_MATCHED means the latest decided signing check within the freshness window failed.
FACE_NOT_FRESH means there is no decided signing check in the window. Provider errors decide nothing.
"""

import base64
from datetime import timedelta

import httpx
import pytest

from mortgage_cloud.demo.actors import handwritten_signature
from mortgage_cloud.identity.models import FaceVerification
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.mocks.face_images import face_image_for


@pytest.fixture
async def rejected_signing(prepare):
    """An application whose only mortgagor failed the signing face check (another person faced the camera)."""
    prepared = await prepare("clean_single_owner", impostor_at_signing=True)
    _, application, _ = prepared.drafts[0]
    return prepared.primary, application


async def sign(actor, application_id: str) -> httpx.Response:
    return await actor.http.post(f"/api/v1/applications/{application_id}/signatures",
                                 json={"signature_image": handwritten_signature(actor.person.name)})


async def signing_checks(actor):
    borrower_id = (await actor.http.get("/api/v1/me")).json()["id"]
    return FaceVerification.filter(borrower_id=borrower_id, purpose="signing")


async def move_out_of_window(actor) -> None:
    """Stand in for the passing of time: age every signing check past the freshness window."""
    age = timedelta(seconds=runtime().settings.face_fresh_seconds + 60)
    for verification in await (await signing_checks(actor)):
        await FaceVerification.filter(id=verification.id).update(created_at=verification.created_at - age)


async def post_signing_check(actor) -> httpx.Response:
    """Send the borrower's own face for a signing check, returning the response even when it is an error."""
    image = base64.b64encode(face_image_for(actor.person.id_number)).decode()
    return await actor.http.post("/api/v1/me/face-verifications", json={"image_base64": image, "purpose": "signing"})


async def rate_limit_next_check(mock_face) -> None:
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "rate_limit", "count": 1})


async def test_signing_failed_match_rejection_code(rejected_signing):
    _, application = rejected_signing
    assert application["refusal"][0] == "FACE_NOT_MATCHED"


async def test_signing_failed_match_status_forbidden(rejected_signing):
    actor, application = rejected_signing
    response = await sign(actor, application["id"])
    assert response.status_code == 403


async def test_signing_failed_match_message_names_failure(rejected_signing):
    actor, application = rejected_signing
    response = await sign(actor, application["id"])
    assert "人脸核验未通过" in response.json()["message"]


async def test_signing_without_check_not_fresh(rejected_signing):
    actor, application = rejected_signing
    await (await signing_checks(actor)).delete()
    response = await sign(actor, application["id"])
    assert response.json()["code"] == "FACE_NOT_FRESH"


async def test_signing_expired_failure_not_fresh(rejected_signing):
    actor, application = rejected_signing
    await move_out_of_window(actor)
    response = await sign(actor, application["id"])
    assert response.json()["code"] == "FACE_NOT_FRESH"


async def test_signing_expired_pass_not_fresh(rejected_signing):
    actor, application = rejected_signing
    await actor.verify_face("signing")
    await move_out_of_window(actor)
    response = await sign(actor, application["id"])
    assert response.json()["code"] == "FACE_NOT_FRESH"


async def test_signing_provider_error_not_mismatch(rejected_signing, mock_face):
    actor, application = rejected_signing
    await move_out_of_window(actor)
    await rate_limit_next_check(mock_face)
    check = await post_signing_check(actor)
    assert check.json()["code"] == "FACE_PROVIDER_UNAVAILABLE"
    response = await sign(actor, application["id"])
    assert response.json()["code"] == "FACE_NOT_FRESH"


async def test_signing_provider_error_keeps_mismatch(rejected_signing, mock_face):
    actor, application = rejected_signing
    await rate_limit_next_check(mock_face)
    await post_signing_check(actor)
    response = await sign(actor, application["id"])
    assert response.json()["code"] == "FACE_NOT_MATCHED"


async def test_signing_pass_after_failure_signs(rejected_signing):
    actor, application = rejected_signing
    await actor.verify_face("signing")
    response = await sign(actor, application["id"])
    assert response.status_code == 201
