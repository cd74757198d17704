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
    OfficerRole,
)
from mortgage_cloud.banks.officer_auth import OFFICER_HEADER, authorise_officer, officer_header, request_officer
from mortgage_cloud.banks.signature import Authorization, MalformedAuthorization, parse_authorization, verify_request
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[HTTPResponse]]

__all__ = ["OFFICER_HEADER", "authenticate_request", "bank_required", "request_target"]


def bank_required(handler: Handler | None = None, *, role: OfficerRole | None = None) -> Any:
    """Let the handler run only for a signed request from an active institution whose officer has at least `role`.

    Use it bare (`@bank_required`) or with the lowest officer role the route needs
    (`@bank_required(role=OfficerRole.LOAN_OFFICER)`). officer_auth.required_role defines how the role
    applies to each method. A request without `Mc-Officer-Id` is the institution's system account and
    passes every role check.

    Sets `request.ctx.institution`, `request.ctx.certificate` and `request.ctx.officer` (None when the
    request names no officer).
    """

    def decorate(inner: Handler) -> Handler:
        @wraps(inner)
        async def authenticated(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            institution, certificate = await authenticate_request(request)
            officer = await request_officer(request, institution)
            authorise_officer(officer, declared=role, method=request.method)

            request.ctx.institution = institution
            request.ctx.certificate = certificate
            request.ctx.officer = officer
            return await inner(request, *args, **kwargs)

        # Read by the OpenAPI builder, which documents each route's role.
        authenticated.officer_role = role  # type: ignore[attr-defined]
        return authenticated

    return decorate(handler) if handler is not None else decorate


async def authenticate_request(request: Request) -> tuple[Institution, InstitutionCertificate]:
    """Check the request's signature and return the signing institution and certificate, or raise."""
    authorization = _parse_header(request)
    _check_timestamp(authorization)
    officer_id = officer_header(request)

    certificate = await _certificate(authorization)
    institution = certificate.institution
    _check_certificate_valid(certificate)
    _check_signature(request, authorization, certificate, officer_id=officer_id)
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


def _check_signature(
    request: Request, authorization: Authorization, certificate: InstitutionCertificate, *, officer_id: str | None
) -> None:
    """Raise unless the signature covers the request as received, its `Mc-Officer-Id` included."""
    if _signature_matches(request, authorization, certificate, officer_id=officer_id):
        return

    log_context = {"serial_no": certificate.serial_no, "institution_id": str(certificate.institution_id)}
    # A second check lets the error name the fix for a client that signs without the officer line.
    # It runs only on the failure path, and the request is rejected either way.
    if officer_id is not None and _signature_matches(request, authorization, certificate, officer_id=None):
        log.info("bank request officer header not signed", extra=log_context)
        raise errors.OfficerHeaderUnsigned()
    log.info("bank request signature invalid", extra=log_context)
    raise errors.SignatureInvalid()


def _signature_matches(
    request: Request, authorization: Authorization, certificate: InstitutionCertificate, *, officer_id: str | None
) -> bool:
    # Key loading plus verification measured 0.03-0.1 ms for RSA and ECDSA and 1.6 ms for SM2 on a
    # 2-core x86 VM, short enough to run on the event loop.
    return verify_request(
        authorization,
        method=request.method,
        path_with_query=request_target(request),
        body=request.body or b"",
        public_key_pem=certificate.public_key_pem,
        algorithm=certificate.algorithm,
        officer_id=officer_id,
    )


async def _record_nonce(authorization: Authorization, certificate: InstitutionCertificate) -> None:
    window = runtime().settings.bank_signature_window_seconds
    key = f"bank-nonce:{certificate.institution_id}:{authorization.nonce_str}"
    if not await runtime().cache.add(key, "1", ttl=2 * window):
        log.info("bank request nonce replayed", extra={"institution_id": str(certificate.institution_id)})
        raise errors.NonceReplayed()


def request_target(request: Request) -> str:
    """Return the path and query exactly as the client sent them, which is what the client signed."""
    return request.raw_url.decode("utf-8", errors="replace")


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
