"""Idempotent POSTs: the `idempotent` decorator stores the first response to each `Idempotency-Key` and replays it.

Layer it under `bank_required`, which sets `request.ctx.institution`:

    @bp.post("/applications")
    @bank_required
    @idempotent
    async def create(request): ...

A handler whose response carries a secret that must not be stored, such as a generated private key,
sets `request.ctx.replay_body` to the JSON that retries get instead.
"""

import base64
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from functools import wraps
from typing import Any

from sanic import Request
from sanic.response import HTTPResponse, json
from tortoise.exceptions import IntegrityError

from mortgage_cloud.banks import errors
from mortgage_cloud.banks.auth import request_target
from mortgage_cloud.banks.models import IdempotencyRecord
from mortgage_cloud.errors import AppError

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[HTTPResponse]]

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_PATTERN = re.compile(r"[A-Za-z0-9._:\-]{1,64}")

# A record still without a response after this long belongs to a worker that crashed mid-request,
# so a retry may take the key over and run the request again.
STALE_AFTER = timedelta(minutes=5)


def idempotent(handler: Handler) -> Handler:
    """Run a POST handler once per institution and Idempotency-Key; replay its response to retries."""

    @wraps(handler)
    async def once(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if request.method != "POST":
            return await handler(request, *args, **kwargs)

        key = _idempotency_key(request)
        institution = request.ctx.institution
        fingerprint = request_fingerprint(request)
        record = await _claim(institution_id=institution.id, key=key, request=request, fingerprint=fingerprint)
        if record.response_status is not None:
            log.info("idempotent replay", extra={"institution_id": str(institution.id), "idempotency_key": key})
            return _replay(record)

        return await _run_and_store(record, handler, request, *args, **kwargs)

    return once


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(KEY_HEADER)
    if not key:
        raise errors.IdempotencyKeyMissing(field=KEY_HEADER)
    if not _KEY_PATTERN.fullmatch(key):
        raise errors.IdempotencyKeyInvalid(field=KEY_HEADER)
    return key


def request_fingerprint(request: Request) -> str:
    """Return the SHA-256 hex digest of the method, path with query and body."""
    digest = hashlib.sha256(f"{request.method}\n{request_target(request)}\n".encode())
    digest.update(request.body or b"")
    return digest.hexdigest()


async def _claim(*, institution_id: Any, key: str, request: Request, fingerprint: str) -> IdempotencyRecord:
    """Create the record for a new key, or return the completed record of an earlier identical request."""
    for _attempt in range(2):
        try:
            return await IdempotencyRecord.create(
                institution_id=institution_id,
                key=key,
                method=request.method,
                path=request.path[:500],
                request_sha256=fingerprint,
            )
        except IntegrityError:
            existing = await IdempotencyRecord.get_or_none(institution_id=institution_id, key=key)

        if existing is None:
            continue  # the earlier request failed and released the key in between
        if existing.request_sha256 != fingerprint:
            raise errors.IdempotencyKeyReused(field=KEY_HEADER)
        if existing.response_status is not None:
            return existing
        if not await _take_over_stale(existing):
            raise errors.IdempotencyInProgress(field=KEY_HEADER)
    raise errors.IdempotencyInProgress(field=KEY_HEADER)


async def _take_over_stale(record: IdempotencyRecord) -> bool:
    if datetime.now(timezone.utc) - record.created_at < STALE_AFTER:
        return False
    deleted = await IdempotencyRecord.filter(id=record.id, response_status__isnull=True).delete()
    if deleted == 1:
        log.warning("idempotency record abandoned, running request again", extra={"idempotency_record_id": record.id})
    return deleted == 1


async def _run_and_store(record: IdempotencyRecord, handler: Handler, request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
    try:
        response = await handler(request, *args, **kwargs)
    except AppError as error:
        if error.status >= 500:
            await _release(record)
            raise
        # A rejection is the request's result too, so a retry gets the same rejection.
        log.info("request failed", extra={"code": error.code, "status": error.status, "path": request.path})
        response = json(error.to_dict(), status=error.status)
    except BaseException:
        await _release(record)
        raise

    if response.status >= 500:
        await _release(record)
        return response
    await _store(record, response, replay_body=getattr(request.ctx, "replay_body", None))
    return response


async def _store(record: IdempotencyRecord, response: HTTPResponse, *, replay_body: Any = None) -> None:
    record.response_status = response.status
    if replay_body is not None:
        stored = json(replay_body, status=response.status)
        record.response_body = base64.b64encode(stored.body or b"").decode()
        record.response_content_type = stored.content_type
    else:
        record.response_body = base64.b64encode(response.body or b"").decode()
        record.response_content_type = response.content_type
    await record.save(update_fields=["response_status", "response_body", "response_content_type"])


async def _release(record: IdempotencyRecord) -> None:
    """Forget a key whose request failed unexpectedly, so that a retry runs it again."""
    await IdempotencyRecord.filter(id=record.id, response_status__isnull=True).delete()
    log.info("idempotency key released after failure", extra={"idempotency_record_id": record.id})


def _replay(record: IdempotencyRecord) -> HTTPResponse:
    body = base64.b64decode(record.response_body or "")
    response = HTTPResponse(body, status=record.response_status, content_type=record.response_content_type)
    response.headers[REPLAYED_HEADER] = "true"
    return response


async def purge_idempotency_records(*, older_than: timedelta) -> int:
    """Delete stored responses older than the given age and return how many went; run it from a periodic job."""
    cutoff = datetime.now(timezone.utc) - older_than
    return await IdempotencyRecord.filter(created_at__lt=cutoff).delete()
