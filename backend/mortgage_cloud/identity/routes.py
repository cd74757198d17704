"""Borrower login, identity and face verification endpoints (`/api/v1/auth/...`, `/api/v1/me...`)."""

import base64
import binascii
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from mortgage_cloud.errors import AuthenticationRequired, field_error
from mortgage_cloud.http import json_body
from mortgage_cloud.identity import login, service
from mortgage_cloud.identity.auth import bearer_token, borrower_required
from mortgage_cloud.identity.freshness import face_freshness
from mortgage_cloud.identity.models import Borrower
from mortgage_cloud.identity.sessions import create_session, end_session, move_session
from mortgage_cloud.identity.wechat import oauth_client
from mortgage_cloud.infra.runtime import runtime

bp = Blueprint("identity")

MAX_CODE_LENGTH = 128
MAX_FACE_IMAGE_BYTES = 4 * 1024 * 1024
OAUTH_STATE_TTL_SECONDS = 600
OAUTH_CALLBACK_PAGE = "/h5/wechat-login"


def _code(value: object) -> str:
    code = str(value or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise field_error("code", "缺少微信登录凭证 code，请重新进入小程序或公众号页面。")
    return code


async def _login_answer(borrower: Borrower) -> HTTPResponse:
    token = await create_session(borrower_id=borrower.id)
    return json({"token": token, "borrower": service.profile(borrower)})


@bp.post("/api/v1/auth/mini-program/login")
async def mini_program_login(request: Request) -> HTTPResponse:
    """Log in with the code of the mini-program's `wx.login`."""
    code = _code(json_body(request).get("code"))
    borrower = await login.login_mini_program(code=code)
    return await _login_answer(borrower)


@bp.get("/api/v1/auth/oauth/url")
async def oauth_url(request: Request) -> HTTPResponse:
    """Return the official account's authorize URL and the one-time state it carries."""
    settings = runtime().settings
    redirect_uri = request.args.get("redirect_uri") or settings.public_base_url.rstrip("/") + OAUTH_CALLBACK_PAGE
    if urlsplit(redirect_uri).netloc != urlsplit(settings.public_base_url).netloc:
        raise field_error("redirect_uri", "回调地址须属于本平台的域名。")

    state = secrets.token_urlsafe(16)
    await runtime().cache.set(f"oauth_state:{state}", "1", ttl=OAUTH_STATE_TTL_SECONDS)
    client = oauth_client(redirect_uri=redirect_uri, state=state)
    return json({"authorize_url": client.authorize_url, "state": state})


@bp.get("/api/v1/auth/oauth/callback")
async def oauth_callback(request: Request) -> HTTPResponse:
    """Log in with the code WeChat appended to the redirect, after checking the state this server issued."""
    code = _code(request.args.get("code"))
    state = str(request.args.get("state") or "")
    cache = runtime().cache
    if not state or len(state) > 64 or not await cache.get(f"oauth_state:{state}"):
        raise AuthenticationRequired("登录请求已过期或来源无法确认，请重新进入页面登录。", code="OAUTH_STATE_INVALID")
    await cache.delete(f"oauth_state:{state}")

    borrower = await login.login_official_account(code=code)
    return await _login_answer(borrower)


@bp.post("/api/v1/auth/logout")
@borrower_required
async def logout(request: Request) -> HTTPResponse:
    """End the current session."""
    await end_session(request.ctx.session_token)
    return json({"logged_out": True})


@bp.get("/api/v1/me")
@borrower_required
async def me(request: Request) -> HTTPResponse:
    """Return the borrower's profile with the ID and phone numbers masked."""
    return json(service.profile(request.ctx.borrower))


@bp.put("/api/v1/me/identity")
@borrower_required
async def put_identity(request: Request) -> HTTPResponse:
    """Declare the borrower's name, ID number and phone number."""
    body = json_body(request)
    borrower = await service.update_identity(borrower=request.ctx.borrower, name=body.get("name"),
                                             id_number=body.get("id_number"), phone=body.get("phone"))
    return json(service.profile(borrower))


@bp.post("/api/v1/me/face-verifications")
@borrower_required
async def post_face_verification(request: Request) -> HTTPResponse:
    """Verify the borrower's face; the response gives pass or fail and never the score."""
    body = json_body(request)
    image = _face_image(body.get("image_base64"))
    verification = await service.verify_face(borrower=request.ctx.borrower, image=image,
                                             purpose=str(body.get("purpose") or ""))
    if verification.borrower_id != request.ctx.borrower.id:
        await move_session(bearer_token(request), borrower_id=verification.borrower_id)
    return json({"verification_id": str(verification.id), "passed": verification.passed,
                 "liveness_passed": verification.liveness_passed,
                 "valid_until": _valid_until(verification) if verification.passed else None}, status=201)


@bp.get("/api/v1/me/face-verifications/latest")
@borrower_required
async def latest_face_verification(request: Request) -> HTTPResponse:
    """Return whether a fresh passed face verification lets the borrower consent (any purpose) or sign (`purpose=signing`).

    For signing only the latest signing verification counts, as the signing step itself decides.
    The response is `{fresh, verification_id, purpose, valid_until, reason}`. `reason` is null when
    `fresh` is true and otherwise says why there is no fresh pass:

    - `none`: no face verification that the provider decided.
    - `expired`: the latest decided verification is older than the freshness window.
    - `not_matched`: the latest decided verification within the window failed, because the face did not
      match the ID photo or liveness detection failed. Signing rejects this case with FACE_NOT_MATCHED
      and the other three with FACE_NOT_FRESH.
    - `provider_error`: the face service failed (rate limit, quota, timeout) on an attempt within the
      window that came after the latest decided verification. A provider error is never a failed
      match, so it never turns the reason into `not_matched`, and it leaves an earlier `not_matched` as is.
    """
    purpose = _query_purpose(request)
    freshness = await face_freshness(borrower_id=request.ctx.borrower.id, purpose=purpose)
    verification = freshness.verification
    if verification is None:
        return json({"fresh": False, "verification_id": None, "purpose": None, "valid_until": None,
                     "reason": freshness.reason})
    return json({"fresh": True, "verification_id": str(verification.id), "purpose": verification.purpose,
                 "valid_until": _valid_until(verification), "reason": None})


def _query_purpose(request: Request) -> str:
    """Return the single `purpose` query value, or "" when it is absent."""
    values = request.args.getlist("purpose", [])
    if len(values) > 1:
        raise field_error("purpose", "核验用途 purpose 只能填写一次，请去掉重复的参数后重试。")
    purpose = values[0] if values else ""
    if purpose not in ("", *service.PURPOSES):
        raise field_error("purpose", service.INVALID_PURPOSE_MESSAGE)
    return purpose


def _valid_until(verification) -> str:
    fresh_for = timedelta(seconds=runtime().settings.face_fresh_seconds)
    return (verification.created_at + fresh_for).isoformat()


def _face_image(value: object) -> bytes:
    if not isinstance(value, str) or not value:
        raise field_error("image_base64", "缺少人脸照片，请拍摄后重试。")
    _, _, payload = value.rpartition(",")  # accept a data URL as the camera components produce it
    try:
        image = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise field_error("image_base64", "人脸照片须为 base64 编码的 JPEG 或 PNG 图片。") from None
    if not image:
        raise field_error("image_base64", "人脸照片为空，请重新拍摄。")
    if len(image) > MAX_FACE_IMAGE_BYTES:
        raise field_error("image_base64", "人脸照片不能超过 4 MB，请降低分辨率后重试。")
    return image
