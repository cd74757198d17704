"""`GET /api/v1/me/face-verifications/latest`: the `reason` given when there is no fresh passed check.

For signing only signing checks count, and a failure cancels an earlier pass. For consent (no purpose
or `login`) any passed check within the window counts. A provider error never reads as a failed match.
"""

import base64
import io
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from PIL import Image
from test_identity_face import random_id_number

from mortgage_cloud.identity.models import FaceVerification
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.mocks.face_images import face_image_for, other_person_face

LATEST = "/api/v1/me/face-verifications/latest"


@dataclass
class LoggedInBorrower:
    """A logged-in borrower with a declared identity, and the mock face provider to inject failures into."""

    client: httpx.AsyncClient
    headers: dict
    id_number: str
    face_url: str

    async def verify(self, image: bytes, purpose: str) -> httpx.Response:
        return await self.client.post("/api/v1/me/face-verifications", headers=self.headers,
                                      json={"image_base64": base64.b64encode(image).decode(), "purpose": purpose})

    async def pass_check(self, purpose: str = "signing") -> httpx.Response:
        return await self.verify(face_image_for(self.id_number), purpose)

    async def fail_match(self, purpose: str = "signing") -> httpx.Response:
        return await self.verify(other_person_face(), purpose)

    async def fail_liveness(self, purpose: str = "signing") -> httpx.Response:
        return await self.verify(face_image_for(self.id_number, live=False), purpose)

    async def hit_provider_error(self, kind: str, purpose: str = "signing") -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.face_url) as face:
            await face.post("/mock/failures", json={"kind": kind, "count": 1})
        return await self.pass_check(purpose)

    async def latest(self, purpose: str | None = "signing") -> dict:
        params = {"purpose": purpose} if purpose else {}
        return (await self.client.get(LATEST, headers=self.headers, params=params)).json()

    async def age_checks(self) -> None:
        """Stand in for the passing of time: move every check made so far past the freshness window."""
        borrower_id = (await self.client.get("/api/v1/me", headers=self.headers)).json()["id"]
        age = timedelta(seconds=runtime().settings.face_fresh_seconds + 60)
        for verification in await FaceVerification.filter(borrower_id=borrower_id):
            await FaceVerification.filter(id=verification.id).update(created_at=verification.created_at - age)


def grey_photo() -> bytes:
    """Return a PNG showing no face, which the provider cannot judge."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 200, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
async def borrower(client, mock_wechat, mock_face) -> LoggedInBorrower:
    async with httpx.AsyncClient(base_url=mock_wechat.url) as wechat:
        user = (await wechat.post("/mock/users", json={})).json()
        code = (await wechat.post("/mock/codes", json={"unionid": user["unionid"]})).json()["code"]
    token = (await client.post("/api/v1/auth/mini-program/login", json={"code": code})).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    id_number = random_id_number()
    await client.put("/api/v1/me/identity", headers=headers,
                     json={"name": "张三", "id_number": id_number, "phone": "13812345678"})
    return LoggedInBorrower(client=client, headers=headers, id_number=id_number, face_url=mock_face.url)


async def test_latest_fresh_pass_has_no_reason(borrower):
    await borrower.pass_check()
    latest = await borrower.latest()
    assert latest["fresh"] is True
    assert latest["reason"] is None


async def test_latest_fields_reveal_no_id_number(borrower):
    await borrower.pass_check()
    latest = await borrower.latest()
    assert set(latest) == {"fresh", "verification_id", "purpose", "valid_until", "reason"}
    assert borrower.id_number[-6:] not in str(latest)


async def test_latest_without_check_reason_none(borrower):
    latest = await borrower.latest()
    assert latest["fresh"] is False
    assert latest["reason"] == "none"


async def test_latest_signing_after_login_pass_reason_none(borrower):
    await borrower.pass_check("login")
    latest = await borrower.latest("signing")
    assert latest["reason"] == "none"


async def test_latest_after_unusable_photo_reason_none(borrower):
    photo = await borrower.verify(grey_photo(), "signing")
    latest = await borrower.latest()
    assert photo.status_code == 422
    assert latest["reason"] == "none"


async def test_latest_expired_pass_reason_expired(borrower):
    await borrower.pass_check()
    await borrower.age_checks()
    latest = await borrower.latest()
    assert latest["fresh"] is False
    assert latest["reason"] == "expired"


async def test_latest_expired_failure_reason_expired(borrower):
    await borrower.fail_match()
    await borrower.age_checks()
    latest = await borrower.latest()
    assert latest["reason"] == "expired"


async def test_latest_failed_match_reason_not_matched(borrower):
    await borrower.fail_match()
    latest = await borrower.latest()
    assert latest["fresh"] is False
    assert latest["reason"] == "not_matched"


async def test_latest_failure_after_pass_not_matched(borrower):
    await borrower.pass_check()
    await borrower.fail_match()
    latest = await borrower.latest()
    assert latest["reason"] == "not_matched"


async def test_latest_failed_liveness_not_matched(borrower):
    await borrower.fail_liveness()
    latest = await borrower.latest()
    assert latest["reason"] == "not_matched"


@pytest.mark.parametrize("kind", ["rate_limit", "quota", "server_error"])
async def test_latest_provider_error_reason_provider_error(borrower, kind):
    check = await borrower.hit_provider_error(kind)
    latest = await borrower.latest()
    assert check.json()["code"] == "FACE_PROVIDER_UNAVAILABLE"
    assert latest["fresh"] is False
    assert latest["reason"] == "provider_error"


async def test_latest_provider_error_after_expiry(borrower):
    await borrower.pass_check()
    await borrower.age_checks()
    await borrower.hit_provider_error("rate_limit")
    latest = await borrower.latest()
    assert latest["reason"] == "provider_error"


async def test_latest_provider_error_keeps_not_matched(borrower):
    await borrower.fail_match()
    await borrower.hit_provider_error("rate_limit")
    latest = await borrower.latest()
    assert latest["reason"] == "not_matched"


async def test_latest_provider_error_keeps_fresh_pass(borrower):
    await borrower.pass_check()
    await borrower.hit_provider_error("quota")
    latest = await borrower.latest()
    assert latest["fresh"] is True
    assert latest["reason"] is None


async def test_latest_expired_provider_error_not_reported(borrower):
    await borrower.pass_check()
    await borrower.hit_provider_error("rate_limit")
    await borrower.age_checks()
    latest = await borrower.latest()
    assert latest["reason"] == "expired"


async def test_latest_pass_after_failure_fresh(borrower):
    await borrower.fail_match()
    await borrower.pass_check()
    latest = await borrower.latest()
    assert latest["fresh"] is True
    assert latest["reason"] is None


async def test_latest_consent_without_check_reason_none(borrower):
    latest = await borrower.latest(None)
    assert latest["reason"] == "none"


async def test_latest_consent_failed_match_not_matched(borrower):
    await borrower.fail_match("login")
    latest = await borrower.latest(None)
    assert latest["reason"] == "not_matched"


async def test_latest_consent_keeps_pass_after_failure(borrower):
    await borrower.pass_check("login")
    await borrower.fail_match("login")
    latest = await borrower.latest("login")
    assert latest["fresh"] is True
    assert latest["reason"] is None


async def test_latest_consent_counts_signing_failure(borrower):
    await borrower.fail_match("signing")
    latest = await borrower.latest("login")
    assert latest["reason"] == "not_matched"


async def test_latest_consent_expired_pass_reason_expired(borrower):
    await borrower.pass_check("login")
    await borrower.age_checks()
    latest = await borrower.latest(None)
    assert latest["reason"] == "expired"


async def test_latest_consent_provider_error_not_mismatch(borrower):
    await borrower.hit_provider_error("rate_limit", "login")
    latest = await borrower.latest(None)
    assert latest["reason"] == "provider_error"
