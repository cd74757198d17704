"""Authentication of signed bank API requests: the `bank_required` decorator for Sanic handlers."""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from functools import wraps
from typing import Any

from sanic import Request
from sanic.response import HTTPResponse

from mortgage_cloud.banks import errors
from mortgage_cloud.banks.models import (
    CertificateStatus,
    Institution,
    InstitutionCertificate,
    InstitutionStatus,
    Officer,
)
from mortgage_cloud.banks.signature import Authorization, MalformedAuthorization, parse_authorization, verify_request
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[HTTPResponse]]

OFFICER_HEADER = "Mc-Officer-Id"


def bank_required(handler: Handler) -> Handler:
    """Let the handler run only for a request signed with an active institution's valid certificate.

    Sets `request.ctx.institution`, `request.ctx.certificate` and `request.ctx.officer` (None when the
    request names no officer).
    """

    @wraps(handler)
    async def authenticated(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        institution, certificate = await authenticate_request(request)
        request.ctx.institution = institution
        request.ctx.certificate = certificate
        request.ctx.officer = await _officer(request, institution)
        return await handler(request, *args, **kwargs)

    return authenticated


async def authenticate_request(request: Request) -> tuple[Institution, InstitutionCertificate]:
    """Check the request's signature and return the signing institution and certificate, or raise."""
    authorization = _parse_header(request)
    _check_timestamp(authorization)

    certificate = await _certificate(authorization)
    institution = certificate.institution
    _check_certificate_valid(certificate)
    _check_signature(request, authorization, certificate)
    if institution.status != InstitutionStatus.ACTIVE:
        log.info("bank request from suspended institution", extra={"institution_id": str(institution.id)})
        raise errors.InstitutionSuspended()

    # The nonce is recorded only after the signature verified, so a forged request cannot use up
    # a nonce that the bank's genuine request is about to send.
    await _record_nonce(authorization, certificate)
    return institution, certificate


def _parse_header(request: Request) -> Authorization:
    value = request.headers.get("Authorization")
    if not value:
        raise errors.SignatureMissing()
    try:
        authorization = parse_authorization(value)
    except MalformedAuthorization as error:
        raise errors.AuthorizationMalformed(detail=str(error)) from error
    if _parse_uuid(authorization.mchid) is None:
        raise errors.AuthorizationMalformed(detail="mchid must be the institution id (a UUID)")
    return authorization


def _check_timestamp(authorization: Authorization) -> None:
    window = runtime().settings.bank_signature_window_seconds
    skew = authorization.timestamp - int(time.time())
    if abs(skew) > window:
        log.info("bank request timestamp out of window", extra={"skew_seconds": skew, "mchid": authorization.mchid})
        raise errors.TimestampOutOfWindow(window_seconds=window)


async def _certificate(authorization: Authorization) -> InstitutionCertificate:
    certificate = await InstitutionCertificate.get_or_none(serial_no=authorization.serial_no).prefetch_related(
        "institution"
    )
    if certificate is None or str(certificate.institution_id) != str(_parse_uuid(authorization.mchid)):
        log.info("bank request with unknown certificate", extra={"serial_no": authorization.serial_no})
        raise errors.CertificateUnknown(serial_no=authorization.serial_no)
    return certificate


def _check_certificate_valid(certificate: InstitutionCertificate) -> None:
    now = datetime.now(timezone.utc)
    if certificate.status == CertificateStatus.ACTIVE and certificate.not_before <= now < certificate.not_after:
        return
    log.info(
        "bank request with revoked or expired certificate",
        extra={"serial_no": certificate.serial_no, "certificate_status": str(certificate.status)},
    )
    raise errors.CertificateRevoked(serial_no=certificate.serial_no)


def _check_signature(request: Request, authorization: Authorization, certificate: InstitutionCertificate) -> None:
    # Key loading plus verification measured 0.03-0.1 ms for RSA and ECDSA and 1.6 ms for SM2 on a
    # 2-core x86 VM, short enough to run on the event loop.
    valid = verify_request(
        authorization,
        method=request.method,
        path_with_query=request_target(request),
        body=request.body or b"",
        public_key_pem=certificate.public_key_pem,
        algorithm=certificate.algorithm,
    )
    if not valid:
        log.info(
            "bank request signature invalid",
            extra={"serial_no": certificate.serial_no, "institution_id": str(certificate.institution_id)},
        )
        raise errors.SignatureInvalid()


async def _record_nonce(authorization: Authorization, certificate: InstitutionCertificate) -> None:
    window = runtime().settings.bank_signature_window_seconds
    key = f"bank-nonce:{certificate.institution_id}:{authorization.nonce_str}"
    if not await runtime().cache.add(key, "1", ttl=2 * window):
        log.info("bank request nonce replayed", extra={"institution_id": str(certificate.institution_id)})
        raise errors.NonceReplayed()


async def _officer(request: Request, institution: Institution) -> Officer | None:
    value = request.headers.get(OFFICER_HEADER)
    if not value:
        return None
    officer_id = _parse_uuid(value)
    officer = await Officer.get_or_none(id=officer_id, institution_id=institution.id) if officer_id else None
    if officer is None:
        raise errors.OfficerNotFound(field=OFFICER_HEADER)
    return officer


def request_target(request: Request) -> str:
    """Return the path and query exactly as the client sent them, which is what the client signed."""
    return request.raw_url.decode("utf-8", errors="replace")


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
