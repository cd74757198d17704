"""The borrower's steps at the kiosk: face checks, consent, documents, signature, rating, and their evidence."""

import hashlib
from datetime import timedelta

import httpx
import pytest
from kiosk_support import KioskDevice, create_application

from mortgage_cloud.demo.actors import handwritten_signature
from mortgage_cloud.identity.models import FaceVerification
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.kiosk.models import EvidenceAppendOnly, KioskEvidence, KioskSession


async def bound_visit(open_visit, **options):
    """Open a visit, pass a face check, consent and bind the bank's new application to the session."""
    visit = await open_visit(**options)
    await visit.device.face_check(visit.person)
    consent = (await visit.device.consent()).json()
    application = await create_application(visit.bank, consent_id=consent["consent_id"], unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    return visit, application


async def test_face_check_passes_for_holder(open_visit):
    visit = await open_visit()
    response = await visit.device.face_check(visit.person)
    assert response.status_code == 201
    assert response.json()["passed"] is True


async def test_face_check_response_has_no_score(open_visit):
    visit = await open_visit()
    body = (await visit.device.face_check(visit.person)).json()
    assert set(body) == {"verification_id", "passed", "liveness_passed"}


async def test_face_check_impostor_fails(open_visit):
    visit = await open_visit(fresh=True)
    body = (await visit.device.face_check(visit.person, impostor=True)).json()
    assert body["passed"] is False


async def test_face_check_photo_of_photo_fails_liveness(open_visit):
    visit = await open_visit(fresh=True)
    body = (await visit.device.face_check(visit.person, live=False)).json()
    assert body["liveness_passed"] is False


async def test_face_check_evidence_keeps_score(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    row = await KioskEvidence.get(session_id=visit.session["id"], kind="face_check")
    assert row.match_score >= 90


async def test_face_check_evidence_view_hides_score(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    face = next(row for row in session["evidence"] if row["kind"] == "face_check")
    assert "score" not in str(face)


async def test_face_provider_error_not_failed_check(open_visit, mock_face):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "rate_limit", "count": 1})
    failed = await visit.device.face_check(visit.person)
    consent = await visit.device.consent()
    assert failed.json()["code"] == "FACE_PROVIDER_UNAVAILABLE"
    assert consent.status_code == 201


async def test_face_provider_error_recorded_as_evidence(open_visit, mock_face):
    visit = await open_visit()
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "quota", "count": 1})
    await visit.device.face_check(visit.person)
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    face_check = next(row for row in session["evidence"] if row["kind"] == "face_check")
    assert face_check["face_check"]["decided"] is False


async def test_face_check_missing_image_rejected(open_visit):
    visit = await open_visit()
    response = await visit.device.http.post("/kiosk/v1/face-checks", json={})
    assert response.json()["context"]["field"] == "image_base64"


async def test_consent_agreement_names_institution(open_visit):
    visit = await open_visit()
    agreement = (await visit.device.http.get("/kiosk/v1/consent-agreement")).json()
    assert visit.bank.name in agreement["agreement_text"]


async def test_consent_without_face_check_rejected(open_visit):
    visit = await open_visit()
    response = await visit.device.consent()
    assert (response.status_code, response.json()["code"]) == (403, "KIOSK_FACE_CHECK_REQUIRED")


async def age_face_checks(visit) -> None:
    """Stand in for the passing of time: move the session's face checks past the freshness window."""
    age = timedelta(seconds=runtime().settings.face_fresh_seconds + 60)
    for row in await KioskEvidence.filter(session_id=visit.session["id"], kind="face_check"):
        await KioskEvidence.filter(id=row.id).update(recorded_at=row.recorded_at - age)


async def test_consent_after_failed_face_check_not_matched(open_visit):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person)
    await visit.device.face_check(visit.person, impostor=True)
    response = await visit.device.consent()
    assert (response.status_code, response.json()["code"]) == (403, "FACE_NOT_MATCHED")


async def test_consent_not_matched_message_asks_new_check(open_visit):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person, impostor=True)
    message = (await visit.device.consent()).json()["message"]
    assert "人脸核验未通过" in message
    assert "本人在本设备上重新进行人脸核验" in message


async def test_consent_after_failed_liveness_not_matched(open_visit):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person, live=False)
    response = await visit.device.consent()
    assert response.json()["code"] == "FACE_NOT_MATCHED"


async def test_consent_provider_error_keeps_not_matched(open_visit, mock_face):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person, impostor=True)
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "rate_limit", "count": 1})
    await visit.device.face_check(visit.person)
    response = await visit.device.consent()
    assert response.json()["code"] == "FACE_NOT_MATCHED"


async def test_consent_after_provider_error_only_requires_face(open_visit, mock_face):
    visit = await open_visit()
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "quota", "count": 1})
    failed = await visit.device.face_check(visit.person)
    response = await visit.device.consent()
    assert failed.json()["code"] == "FACE_PROVIDER_UNAVAILABLE"
    assert response.json()["code"] == "KIOSK_FACE_CHECK_REQUIRED"


async def test_consent_after_expired_failed_check_requires_face(open_visit):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person, impostor=True)
    await age_face_checks(visit)
    response = await visit.device.consent()
    assert response.json()["code"] == "KIOSK_FACE_CHECK_REQUIRED"


async def test_consent_after_expired_pass_requires_face(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    await age_face_checks(visit)
    response = await visit.device.consent()
    assert response.json()["code"] == "KIOSK_FACE_CHECK_REQUIRED"


async def test_consent_pass_after_failure_granted(open_visit):
    visit = await open_visit(fresh=True)
    await visit.device.face_check(visit.person, impostor=True)
    await visit.device.face_check(visit.person)
    response = await visit.device.consent()
    assert response.status_code == 201


async def test_consent_grants_institution_lookup(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    consent = (await visit.device.consent()).json()
    query = await visit.bank.client.post("/bank/v1/property-queries", {"consent_id": consent["consent_id"]})
    assert visit.unit_no in {item["unit_no"] for item in query["items"]}


async def test_consent_evidence_names_face_check(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    consent = (await visit.device.consent()).json()
    face = await KioskEvidence.get(session_id=visit.session["id"], kind="face_check")
    row = await KioskEvidence.get(session_id=visit.session["id"], kind="consent")
    assert str(row.consent_id) == consent["consent_id"]
    assert row.face_verification_id == face.face_verification_id
    assert row.device_id == visit.device_id


async def test_consent_changed_agreement_rejected(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    response = await visit.device.http.post("/kiosk/v1/consents", json={"agreement_sha256": "0" * 64})
    assert (response.status_code, response.json()["code"]) == (409, "KIOSK_AGREEMENT_CHANGED")


async def test_consent_shown_agreement_recorded(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    shown = (await visit.device.http.get("/kiosk/v1/consent-agreement")).json()["agreement_sha256"]
    consent = await visit.device.http.post("/kiosk/v1/consents", json={"agreement_sha256": shown})
    assert consent.json()["agreement_sha256"] == shown


async def test_face_photo_without_face_undecided(open_visit):
    visit = await open_visit()
    response = await visit.device.http.post("/kiosk/v1/face-checks",
                                            json={"image_base64": handwritten_signature(visit.person.name)})
    row = await KioskEvidence.get(session_id=visit.session["id"], kind="face_check")
    assert response.json()["code"] == "FACE_PHOTO_UNUSABLE"
    assert row.provider_error_code == "photo_222202"


async def test_consent_twice_rejected(open_visit):
    visit = await open_visit()
    await visit.device.face_check(visit.person)
    await visit.device.consent()
    response = await visit.device.consent()
    assert response.json()["code"] == "KIOSK_CONSENT_EXISTS"


async def test_documents_before_binding_rejected(open_visit):
    visit = await open_visit()
    response = await visit.device.documents()
    assert (response.status_code, response.json()["code"]) == (409, "KIOSK_APPLICATION_NOT_BOUND")


async def test_documents_listed_after_binding(open_visit):
    visit, _ = await bound_visit(open_visit)
    kinds = [item["kind"] for item in (await visit.device.documents()).json()["items"]]
    assert sorted(kinds) == ["application_form", "mortgage_contract", "power_of_attorney"]


async def test_preview_page_out_of_range_not_found(open_visit):
    visit, _ = await bound_visit(open_visit)
    response = await visit.device.page("mortgage_contract", 99)
    assert response.json()["code"] == "PAGE_NOT_FOUND"


async def test_sign_after_failed_face_check_not_matched(open_visit):
    visit, _ = await bound_visit(open_visit, fresh=True)
    await visit.device.face_check(visit.person, impostor=True)
    response = await visit.device.sign(visit.person)
    assert response.json()["code"] == "FACE_NOT_MATCHED"


async def test_sign_after_expired_failed_check_requires_face(open_visit):
    visit, _ = await bound_visit(open_visit, fresh=True)
    await visit.device.face_check(visit.person, impostor=True)
    session = await KioskSession.get(id=visit.session["id"])
    age = timedelta(seconds=runtime().settings.face_fresh_seconds + 60)
    for verification in await FaceVerification.filter(borrower_id=session.borrower_id, purpose="signing"):
        await FaceVerification.filter(id=verification.id).update(created_at=verification.created_at - age)
    response = await visit.device.sign(visit.person)
    assert response.json()["code"] == "KIOSK_FACE_CHECK_REQUIRED"


async def test_sign_with_face_check_on_other_device_rejected(open_visit, flow_banks, server_url):
    visit, _ = await bound_visit(open_visit)
    other = await flow_banks[0].client.open_kiosk_session(
        device_id="kiosk-next-desk", borrower_name=visit.person.name, id_number=visit.person.id_number)
    device = KioskDevice(server_url, token=other["token"], device_id="kiosk-next-desk")
    await device.face_check(visit.person)
    await device.aclose()
    response = await visit.device.sign(visit.person)
    assert response.json()["code"] == "KIOSK_FACE_CHECK_REQUIRED"


async def test_sign_blank_signature_rejected(open_visit):
    visit, _ = await bound_visit(open_visit)
    response = await visit.device.http.post("/kiosk/v1/signatures", json={"signature_image": "bm90IGEgcG5n"})
    assert response.json()["context"]["field"] == "signature_image"


async def test_sign_marks_borrower_signed(open_visit):
    visit, _ = await bound_visit(open_visit)
    view = (await visit.device.sign(visit.person)).json()
    assert view["application"]["signed"] is True
    assert view["application"]["state"] == "signing"


async def test_sign_twice_rejected(open_visit):
    visit, _ = await bound_visit(open_visit)
    await visit.device.sign(visit.person)
    response = await visit.device.sign(visit.person)
    assert response.json()["code"] == "ALREADY_SIGNED"


async def test_sign_stores_signature_image(open_visit, runtime):
    visit, _ = await bound_visit(open_visit)
    await visit.device.sign(visit.person)
    row = await KioskEvidence.get(session_id=visit.session["id"], kind="signature")
    stored = await runtime.storage.get(row.signature_storage_key)
    assert hashlib.sha256(stored).hexdigest() == row.signature_image_sha256


@pytest.mark.parametrize("rating", ["非常满意", "great", None, 5])
async def test_rating_invalid_rejected(open_visit, rating):
    visit = await open_visit()
    response = await visit.device.http.post("/kiosk/v1/ratings", json={"rating": rating})
    assert response.json()["context"]["field"] == "rating"


async def test_rating_comment_too_long_rejected(open_visit):
    visit = await open_visit()
    response = await visit.device.rate("satisfied", "好" * 501)
    assert response.json()["context"]["field"] == "comment"


async def test_rating_recorded_with_label(open_visit):
    visit = await open_visit()
    view = (await visit.device.rate("basically_satisfied", "  等候时间稍长  ")).json()
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    rating = next(row for row in session["evidence"] if row["kind"] == "rating")
    assert view["rating"]["rating_label"] == "基本满意"
    assert rating["comment"] == "等候时间稍长"


async def test_rating_twice_rejected(open_visit):
    visit = await open_visit()
    await visit.device.rate("satisfied")
    response = await visit.device.rate("dissatisfied")
    assert response.json()["code"] == "KIOSK_RATING_EXISTS"


async def test_evidence_row_cannot_change(open_visit):
    visit = await open_visit()
    row = await KioskEvidence.get(session_id=visit.session["id"], kind="opened")
    row.device_id = "tampered"
    with pytest.raises(EvidenceAppendOnly):
        await row.save()


async def test_evidence_row_cannot_be_deleted(open_visit):
    visit = await open_visit()
    row = await KioskEvidence.get(session_id=visit.session["id"], kind="opened")
    with pytest.raises(EvidenceAppendOnly):
        await row.delete()
