"""RFC 3161 signature timestamps (PAdES B-T) from the time-stamping authority (TSA) at `MC_TSA_URL`.

A timestamp token proves that a signature existed at the token's time. Event certificates are valid
for 30 minutes, so without a token a later validation cannot show that the signature was made while
the certificate was valid. The client is pyHanko's requests-based HTTP timestamper, which blocks, but
signing already runs in a worker thread. Each reply is checked before it is embedded. A rejection, a
token for another request (nonce or message imprint) or a token from an untrusted TSA raises
`TimestampUnavailable`, so that no signature goes without its timestamp when a TSA is configured.
"""

import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.timestamps.common_utils import handle_tsp_response
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from mortgage_cloud.errors import ProviderUnavailable
from mortgage_cloud.settings import Settings

log = logging.getLogger(__name__)

# Seconds for the TSA request (the requests library's connect and read timeout). The person signing waits
# on it, so a TSA that does not respond fails the signing soon enough for them to retry.
TSA_TIMEOUT_SECONDS = 10


class TimestampUnavailable(ProviderUnavailable):
    code = "TIMESTAMP_UNAVAILABLE"
    message = "时间戳服务暂时不可用，本次签署未完成，请稍后重试。"


class CheckedTimeStamper(RequestsHTTPTimeStamper):
    """pyHanko's HTTP timestamp client that also checks each token before it is embedded.

    Besides the reply's status, it requires the token's nonce and message imprint to be those of the
    request, its CMS signature to verify, and the TSA certificate to chain to `trust_roots` with the
    timeStamping extended key usage.
    """

    def __init__(self, url: str, *, trust_roots: list[x509.Certificate], timeout: float = TSA_TIMEOUT_SECONDS):
        super().__init__(url, timeout=timeout)
        self._trust_roots = [_asn1_certificate(root) for root in trust_roots]

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        nonce, query = self.request_cms(message_digest, md_algorithm)
        try:
            reply = await self.async_request_tsa_response(query)
            rejection = _rejection(reply)
            if rejection is not None:
                raise self._failed("tsa_rejected", rejection)
            # The nonce is compared below: pyHanko 0.38's own comparison raises AttributeError on a mismatch.
            token = handle_tsp_response(reply, nonce=None)
            replied_nonce = token["content"]["encap_content_info"]["content"].parsed["nonce"].native
        except TimestampRequestError as error:
            raise self._failed("request_failed", error) from error
        except (ValueError, TypeError, KeyError) as error:
            # asn1crypto parses lazily, so a malformed reply body fails here with one of these.
            raise self._failed("reply_malformed", error) from error

        if replied_nonce != nonce:
            raise self._failed("nonce_mismatch")
        await self._check_token(token, message_digest, md_algorithm)
        return token

    async def _check_token(self, token: cms.ContentInfo, message_digest: bytes, md_algorithm: str) -> None:
        context = ValidationContext(trust_roots=self._trust_roots, allow_fetching=False, revocation_mode="soft-fail")

        def expected_imprint(algorithm: str) -> bytes:
            # An imprint made with another algorithm cannot match, so an empty digest makes it fail.
            return message_digest if algorithm == md_algorithm else b""

        try:
            status_kwargs = await validate_tst_signed_data(token["content"], context, expected_imprint)
        except (SignatureValidationError, ValueError, TypeError, KeyError) as error:
            raise self._failed("token_malformed", error) from error

        status = TimestampSignatureStatus(**status_kwargs)
        if not status.intact:
            raise self._failed("imprint_mismatch")
        if not status.valid:
            raise self._failed("token_signature_invalid")
        if not status.trusted:
            raise self._failed("tsa_untrusted")

    def _failed(self, reason: str, error: Exception | None = None) -> TimestampUnavailable:
        # Only host and port are logged, because a TSA URL may carry credentials.
        address = urlsplit(self.url)
        log.error("timestamp request failed", extra={"reason": reason, "tsa_host": address.hostname,
                                                     "tsa_port": address.port, "error": str(error) if error else None})
        return TimestampUnavailable(reason=reason)


class _ReplyStatus(core.Sequence):
    """A TimeStampResp with the token optional, as in RFC 3161, because asn1crypto 1.5 requires it."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


def _rejection(reply: tsp.TimeStampResp) -> Exception | None:
    status = _ReplyStatus.load(reply.dump())["status"]
    # pyHanko embeds a token only on "granted", so grantedWithMods counts as a rejection too.
    if status["status"].native == "granted":
        return None
    texts = "; ".join(status["status_string"].native or [])
    fail_info = ", ".join(sorted(status["fail_info"].native or []))
    return TimestampRequestError(f"status {status['status'].native}, failInfo {fail_info}, statusString {texts}")


def configured_timestamper(certificate: x509.Certificate) -> TimeStamper | None:
    """Return the timestamp client for a signature by `certificate`, or None when it goes without a timestamp.

    Signatures get a timestamp when `MC_TSA_URL` is set, except the registry's seal. The pipeline
    seals every registration proof within its seconds-long budget, and the proof's time is already
    fixed by the hash-chained register entry, so a TSA round trip would add latency and no proof.
    """
    settings = current_settings()
    if settings.tsa_url is None or _is_registry_seal(certificate, settings):
        return None
    return CheckedTimeStamper(settings.tsa_url, trust_roots=configured_trust_roots(settings))


def configured_trust_roots(settings: Settings | None = None) -> list[x509.Certificate]:
    """Return the CA certificates trusted for timestamps (`MC_TSA_CA_CERTIFICATE`); empty when unset."""
    settings = settings or current_settings()
    if settings.tsa_ca_certificate is None:
        return []
    return list(_load_certificates(settings.tsa_ca_certificate))


def current_settings() -> Settings:
    """Return the running app's settings, or the environment's outside an app (scripts, unit tests)."""
    from mortgage_cloud.infra.runtime import runtime
    from mortgage_cloud.settings import get_settings

    try:
        return runtime().settings
    except RuntimeError:
        return get_settings()


@lru_cache(maxsize=8)
def _load_certificates(value: str) -> tuple[x509.Certificate, ...]:
    if "-----BEGIN CERTIFICATE-----" in value:
        pem = value.encode()
    else:
        try:
            pem = Path(value).read_bytes()
        except OSError as error:
            raise RuntimeError(f"MC_TSA_CA_CERTIFICATE is neither PEM text nor a readable file: {value!r}") from error
    try:
        return tuple(x509.load_pem_x509_certificates(pem))
    except ValueError as error:
        raise RuntimeError("MC_TSA_CA_CERTIFICATE contains no valid PEM certificate") from error


def _is_registry_seal(certificate: x509.Certificate, settings: Settings) -> bool:
    # Organisation certificates carry the unified social credit code as the subject's serialNumber.
    serials = certificate.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)
    organisations = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    return bool(organisations) and any(serial.value == settings.registry_uscc for serial in serials)


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
