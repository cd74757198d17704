"""Face verification (liveness + face-to-ID match) behind a small interface, with a hardened Baidu client.

baidu-aip 4.16.13 sends every request with `verify=False` and silences urllib3's warnings for the
whole process when imported. `BaiduFaceVerifier` undoes both: its HTTP session forces certificate
verification on every request, and the warning filter is put back below.
"""

import asyncio
import base64
import json
import logging
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from aip import AipFace
from urllib3.exceptions import InsecureRequestWarning

from mortgage_cloud.errors import ProviderUnavailable, ValidationFailed
from mortgage_cloud.settings import Settings

warnings.filterwarnings("default", category=InsecureRequestWarning)  # undo aip.base's disable_warnings()

log = logging.getLogger(__name__)

PROVIDER = "baidu"
MODEL_VERSION = "face-v3-person-verify"  # Baidu's person/verify response names no model version, so the API version is recorded instead
LIVENESS_CONTROL = "NORMAL"
QUALITY_CONTROL = "NORMAL"

# Codes with which the provider decided about the person: a failed verification, not a provider error.
LIVENESS_FAILED = {223120}
DECISION_CODES = LIVENESS_FAILED | {222351, 222355, 222356, 222360}
# Codes for a photo the provider could not judge (no face, unreadable, covered, blurred, badly lit, cut off).
# The provider identified no one, so the borrower is asked to take the photo again and the attempt is not a failure.
RETAKE_CODES = {222202, 222203, 223113, 223114, 223115, 223116}


class FacePhotoUnusable(ValidationFailed):
    """The photo shows no clear, whole face, so the provider decided nothing."""

    code = "FACE_PHOTO_UNUSABLE"
    message = "照片中未检测到清晰、完整的人脸。请正对摄像头，在光线充足处重新拍摄，本次不计入失败次数。"


@dataclass(frozen=True)
class FaceResult:
    """A provider's decision. `provider_error` is None whenever the provider returned a decision, which
    `BaiduFaceVerifier` guarantees by raising ProviderUnavailable otherwise."""

    passed: bool
    liveness_passed: bool
    score: float | None
    provider: str
    model_version: str
    provider_error: str | None = None
    error_code: int | None = None  # the provider's code for a failed check, such as 223120 for liveness


class FaceVerifier(Protocol):
    async def verify(self, *, image: bytes, name: str, id_number: str) -> FaceResult: ...


class _VerifyingSession(requests.Session):
    """A requests session that verifies TLS certificates whatever the caller passes as `verify`."""

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs["verify"] = True
        return super().request(method, url, *args, **kwargs)


class _HardenedAipFace(AipFace):
    """AipFace with a configurable base URL, timeouts and TLS verification restored."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.face_app_id, settings.face_api_key, settings.face_secret_key.get_secret_value())
        base = settings.face_api_base.rstrip("/")
        session = _VerifyingSession()
        # The SDK keeps its URLs and HTTP client in name-mangled private attributes.
        self._AipBase__client = session
        self._AipBase__accessTokenUrl = f"{base}/oauth/2.0/token"
        self._AipFace__personVerifyUrl = f"{base}/rest/2.0/face/v3/person/verify"
        self.s = session
        timeout_ms = int(settings.face_timeout_seconds * 1000)
        self.setConnectionTimeoutInMillis(timeout_ms)
        self.setSocketTimeoutInMillis(timeout_ms)


class BaiduFaceVerifier:
    """Baidu's real-name face verification (quality, then liveness, then comparison with the ID photo)."""

    def __init__(self, settings: Settings) -> None:
        self.threshold = settings.face_match_threshold
        self._client = _HardenedAipFace(settings)

    async def verify(self, *, image: bytes, name: str, id_number: str) -> FaceResult:
        """Return the decision; raise ProviderUnavailable when the provider did not decide."""
        answer = await asyncio.to_thread(self._person_verify, image, name, id_number)
        code = answer.get("error_code")
        if code in (0, "0", None) and isinstance(answer.get("result"), dict):
            score = float(answer["result"].get("score", 0.0))
            return FaceResult(passed=score >= self.threshold, liveness_passed=True, score=score,
                              provider=PROVIDER, model_version=MODEL_VERSION)
        if code in RETAKE_CODES:
            raise FacePhotoUnusable(field="image_base64", provider_code=int(code))
        if code in DECISION_CODES:
            return FaceResult(passed=False, liveness_passed=code not in LIVENESS_FAILED, score=None,
                              provider=PROVIDER, model_version=MODEL_VERSION, error_code=int(code))

        log.warning("face provider error", extra={"provider": PROVIDER, "error_code": code,
                                                   "log_id": answer.get("log_id")})
        raise ProviderUnavailable(code="FACE_PROVIDER_UNAVAILABLE", provider_error=str(code))

    def _person_verify(self, image: bytes, name: str, id_number: str) -> dict[str, Any]:
        options = {"quality_control": QUALITY_CONTROL, "liveness_control": LIVENESS_CONTROL}
        try:
            answer = self._client.personVerify(base64.b64encode(image).decode(), "BASE64", id_number, name, options)
        except requests.RequestException as error:
            return {"error_code": f"HTTP_{type(error).__name__}"}
        except (ValueError, json.JSONDecodeError, KeyError):
            # A non-JSON body (such as an HTTP 5xx page) or a token response without a token.
            return {"error_code": "BAD_RESPONSE"}
        return answer if isinstance(answer, dict) else {"error_code": "BAD_RESPONSE"}
