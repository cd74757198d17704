import base64
import secrets
import warnings
from datetime import date, timedelta, datetime, timezone

import httpx
import pytest
from urllib3.exceptions import InsecureRequestWarning

from mortgage_cloud.errors import ProviderUnavailable
from mortgage_cloud.identifiers import make_id_number
from mortgage_cloud.identity.face import BaiduFaceVerifier
from mortgage_cloud.identity.models import Borrower, FaceVerification
from mortgage_cloud.identity.service import (
    INVALID_PURPOSE_MESSAGE,
    count_failed_face_verifications,
    latest_fresh_face_verification,
)
from mortgage_cloud.mocks.face_images import face_image_for, other_person_face


def random_id_number() -> str:
    birth = date(1960, 1, 1) + timedelta(days=secrets.randbelow(15000))
    return make_id_number("430104", birth, 1 + secrets.randbelow(999))


@pytest.fixture
async def borrower_headers(client, mock_wechat, mock_face):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        user = (await wechat.post("/mock/users", json={})).json()
        code = (await wechat.post("/mock/codes", json={"unionid": user["unionid"]})).json()["code"]
    token = (await client.post("/api/v1/auth/mini-program/login", json={"code": code})).json()["token"]
    return {"Authorization": f"Bearer {token}"}


async def _declare(client, headers, id_number):
    return await client.put("/api/v1/me/identity", headers=headers,
                            json={"name": "张三", "id_number": id_number, "phone": "13812345678"})


async def _verify(client, headers, image, purpose="login"):
    return await client.post("/api/v1/me/face-verifications", headers=headers,
                             json={"image_base64": base64.b64encode(image).decode(), "purpose": purpose})


async def _borrower(client, headers):
    borrower_id = (await client.get("/api/v1/me", headers=headers)).json()["id"]
    return await Borrower.get(id=borrower_id)


async def test_identity_me_masks_id_and_phone(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    me = (await client.get("/api/v1/me", headers=borrower_headers)).json()
    assert me["id_number_masked"] == id_number[:3] + "*" * 11 + id_number[-4:]
    assert me["phone_masked"] == "138****5678"


async def test_identity_stored_encrypted(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    borrower = await _borrower(client, borrower_headers)
    assert id_number not in borrower.id_number_enc
    assert borrower.id_hash is not None


async def test_identity_bad_id_number_names_field(client, borrower_headers):
    answer = await client.put("/api/v1/me/identity", headers=borrower_headers,
                              json={"name": "张三", "id_number": "110105194912310021", "phone": "13812345678"})
    assert answer.status_code == 422
    assert answer.json()["context"]["field"] == "id_number"


async def test_identity_bad_phone_names_field(client, borrower_headers):
    answer = await client.put("/api/v1/me/identity", headers=borrower_headers,
                              json={"name": "张三", "id_number": random_id_number(), "phone": "12345"})
    assert answer.json()["context"]["field"] == "phone"


async def test_identity_not_verified_before_face(client, borrower_headers):
    await _declare(client, borrower_headers, random_id_number())
    me = (await client.get("/api/v1/me", headers=borrower_headers)).json()
    assert me["identity_verified"] is False


async def test_identity_id_number_of_other_borrower_rejected(client, borrower_headers, mock_wechat):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        user = (await wechat.post("/mock/users", json={})).json()
        code = (await wechat.post("/mock/codes", json={"unionid": user["unionid"]})).json()["code"]
    other = {"Authorization": "Bearer " + (await client.post("/api/v1/auth/mini-program/login", json={"code": code})).json()["token"]}
    answer = await _declare(client, other, id_number)
    assert answer.json()["code"] == "ID_NUMBER_TAKEN"


async def test_face_holder_passes_and_verifies_identity(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = await _verify(client, borrower_headers, face_image_for(id_number))
    me = (await client.get("/api/v1/me", headers=borrower_headers)).json()
    assert answer.json()["passed"] is True
    assert me["identity_verified"] is True


async def test_face_answer_has_no_score(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = await _verify(client, borrower_headers, face_image_for(id_number))
    assert set(answer.json()) == {"verification_id", "passed", "liveness_passed", "valid_until"}


async def test_face_latest_fresh_until_window_ends(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = (await _verify(client, borrower_headers, face_image_for(id_number))).json()
    latest = (await client.get("/api/v1/me/face-verifications/latest", headers=borrower_headers)).json()
    assert latest["fresh"] is True
    assert latest["valid_until"] == answer["valid_until"]


async def test_face_latest_signing_needs_signing_check(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    await _verify(client, borrower_headers, face_image_for(id_number), purpose="login")
    latest = (await client.get("/api/v1/me/face-verifications/latest", headers=borrower_headers,
                               params={"purpose": "signing"})).json()
    assert latest["fresh"] is False


async def test_face_latest_signing_cancelled_by_failed_match(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    await _verify(client, borrower_headers, face_image_for(id_number), purpose="signing")
    await _verify(client, borrower_headers, other_person_face(), purpose="signing")
    latest = (await client.get("/api/v1/me/face-verifications/latest", headers=borrower_headers,
                               params={"purpose": "signing"})).json()
    assert latest["fresh"] is False


async def test_face_latest_unknown_purpose_rejected(client, borrower_headers):
    response = await client.get("/api/v1/me/face-verifications/latest", headers=borrower_headers,
                                params={"purpose": "payment"})
    assert response.status_code == 422


async def test_face_latest_repeated_purpose_rejected(client, borrower_headers):
    response = await client.get("/api/v1/me/face-verifications/latest?purpose=signing&purpose=bogus",
                                headers=borrower_headers)
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "purpose"
    assert "只能填写一次" in response.json()["message"]


async def test_face_latest_repeated_valid_purpose_rejected(client, borrower_headers):
    response = await client.get("/api/v1/me/face-verifications/latest?purpose=signing&purpose=signing",
                                headers=borrower_headers)
    assert response.status_code == 422


async def test_face_bad_purpose_message_shared(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    posted = await _verify(client, borrower_headers, face_image_for(id_number), purpose="bogus")
    queried = await client.get("/api/v1/me/face-verifications/latest", headers=borrower_headers,
                               params={"purpose": "bogus"})
    assert posted.json()["message"] == INVALID_PURPOSE_MESSAGE
    assert queried.json()["message"] == INVALID_PURPOSE_MESSAGE


async def test_face_score_recorded_for_audit(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = await _verify(client, borrower_headers, face_image_for(id_number))
    verification = await FaceVerification.get(id=answer.json()["verification_id"])
    assert verification.match_score >= 90
    assert verification.provider == "baidu"


async def test_face_other_person_fails(client, borrower_headers):
    await _declare(client, borrower_headers, random_id_number())
    answer = await _verify(client, borrower_headers, other_person_face())
    me = (await client.get("/api/v1/me", headers=borrower_headers)).json()
    assert answer.json()["passed"] is False
    assert me["identity_verified"] is False


async def test_face_photo_of_photo_fails_liveness(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = (await _verify(client, borrower_headers, face_image_for(id_number, live=False))).json()
    assert answer["passed"] is False
    assert answer["liveness_passed"] is False


async def test_face_rate_limit_not_counted_as_failure(client, borrower_headers, mock_face):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    borrower = await _borrower(client, borrower_headers)
    since = datetime.now(timezone.utc) - timedelta(days=1)
    before = await count_failed_face_verifications(borrower_id=borrower.id, since=since)

    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "rate_limit", "count": 1})
    answer = await _verify(client, borrower_headers, face_image_for(id_number))

    after = await count_failed_face_verifications(borrower_id=borrower.id, since=since)
    assert answer.status_code == 503
    assert answer.json()["code"] == "FACE_PROVIDER_UNAVAILABLE"
    assert after == before


def _photo_without_face() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 200, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_face_photo_without_face_asks_retake(client, borrower_headers):
    await _declare(client, borrower_headers, random_id_number())
    answer = await _verify(client, borrower_headers, _photo_without_face())
    assert answer.status_code == 422
    assert answer.json()["code"] == "FACE_PHOTO_UNUSABLE"
    assert answer.json()["context"]["field"] == "image_base64"


async def test_face_photo_without_face_not_counted(client, borrower_headers):
    await _declare(client, borrower_headers, random_id_number())
    borrower = await _borrower(client, borrower_headers)
    since = datetime.now(timezone.utc) - timedelta(days=1)
    for _ in range(6):
        await _verify(client, borrower_headers, _photo_without_face())
    failures = await count_failed_face_verifications(borrower_id=borrower.id, since=since)
    codes = await FaceVerification.filter(borrower_id=borrower.id).values_list("provider_error_code", flat=True)
    assert failures == 0
    assert codes == ["photo_222202"] * 6


async def test_face_photo_without_face_keeps_signing_pass(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    await _verify(client, borrower_headers, face_image_for(id_number), purpose="signing")
    await _verify(client, borrower_headers, _photo_without_face(), purpose="signing")
    latest = (await client.get("/api/v1/me/face-verifications/latest", headers=borrower_headers,
                               params={"purpose": "signing"})).json()
    assert latest["fresh"] is True


async def test_face_provider_error_recorded(client, borrower_headers, mock_face):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    borrower = await _borrower(client, borrower_headers)
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "quota", "count": 1})
    await _verify(client, borrower_headers, face_image_for(id_number))
    codes = await FaceVerification.filter(borrower_id=borrower.id).values_list("provider_error_code", flat=True)
    assert codes == ["17"]


async def test_face_attempts_limited_per_day(client, borrower_headers):
    await _declare(client, borrower_headers, random_id_number())
    statuses = [(await _verify(client, borrower_headers, other_person_face())).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]


async def test_face_requires_declared_identity(client, borrower_headers):
    answer = await _verify(client, borrower_headers, other_person_face())
    assert answer.json()["code"] == "IDENTITY_MISSING"


async def test_face_rejects_bad_purpose(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = await _verify(client, borrower_headers, face_image_for(id_number), purpose="fun")
    assert answer.json()["context"]["field"] == "purpose"


async def test_face_rejects_non_base64(client, borrower_headers):
    answer = await client.post("/api/v1/me/face-verifications", headers=borrower_headers,
                               json={"image_base64": "%%%", "purpose": "login"})
    assert answer.json()["context"]["field"] == "image_base64"


async def test_identity_locked_after_verification(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    await _verify(client, borrower_headers, face_image_for(id_number))
    answer = await _declare(client, borrower_headers, random_id_number())
    assert answer.json()["code"] == "IDENTITY_LOCKED"


async def test_fresh_verification_found(client, borrower_headers):
    id_number = random_id_number()
    await _declare(client, borrower_headers, id_number)
    answer = await _verify(client, borrower_headers, face_image_for(id_number), purpose="signing")
    borrower = await _borrower(client, borrower_headers)
    fresh = await latest_fresh_face_verification(borrower_id=borrower.id, max_age_seconds=600)
    assert str(fresh.id) == answer.json()["verification_id"]


async def test_fresh_verification_ignores_failures(client, borrower_headers):
    await _declare(client, borrower_headers, random_id_number())
    await _verify(client, borrower_headers, other_person_face())
    borrower = await _borrower(client, borrower_headers)
    assert await latest_fresh_face_verification(borrower_id=borrower.id, max_age_seconds=600) is None


async def test_baidu_verifier_timeout_is_provider_error(settings, mock_face):
    slow = settings.model_copy(update={"face_timeout_seconds": 0.5})
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "timeout", "count": 1, "sleep_seconds": 2})
    with pytest.raises(ProviderUnavailable):
        await BaiduFaceVerifier(slow).verify(image=face_image_for("11010519491231002X"), name="张三",
                                             id_number="11010519491231002X")


async def test_baidu_verifier_server_error_is_provider_error(settings, mock_face):
    async with httpx.AsyncClient(base_url=mock_face.url) as face:
        await face.post("/mock/failures", json={"kind": "server_error", "count": 1})
    with pytest.raises(ProviderUnavailable):
        await BaiduFaceVerifier(settings).verify(image=face_image_for("11010519491231002X"), name="张三",
                                                 id_number="11010519491231002X")


async def test_baidu_verifier_unreachable_is_provider_error(settings):
    unreachable = settings.model_copy(update={"face_api_base": "http://127.0.0.1:9"})
    with pytest.raises(ProviderUnavailable):
        await BaiduFaceVerifier(unreachable).verify(image=other_person_face(), name="张三", id_number="11010519491231002X")


def test_face_module_restores_insecure_request_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("plain HTTP to a TLS site", InsecureRequestWarning)
    assert len(caught) == 1


class _Captured(Exception):
    pass


def test_baidu_session_forces_tls_verification(settings):
    verifier = BaiduFaceVerifier(settings)

    def capture(request, **kwargs):
        raise _Captured(kwargs.get("verify"))

    verifier._client.s.send = capture  # stop before the network and keep what requests would have used
    with pytest.raises(_Captured) as captured:
        verifier._client.s.post("https://face.invalid/", data=b"", verify=False)
    assert captured.value.args[0] not in (False, None)
