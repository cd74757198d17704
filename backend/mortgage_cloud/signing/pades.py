"""PAdES signatures (baseline B-B, or B-T with a TSA's signature timestamp) with pyHanko, and their verification.

Every signature is an incremental update, so an earlier signature keeps covering the revision it
signed. Signing and validation are CPU-bound and pyHanko's API is a coroutine, so both run in a
worker thread with their own event loop instead of blocking the caller's loop.
"""

import asyncio
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from asn1crypto.core import Asn1Value
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.generic_cms import collect_timing_info
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from mortgage_cloud.errors import Conflict, ValidationFailed
from mortgage_cloud.signing.appearance import stamp_style
from mortgage_cloud.signing.ca import SignerCredentials
from mortgage_cloud.signing.timestamps import configured_timestamper, configured_trust_roots

log = logging.getLogger(__name__)

DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")
# Space kept for the CMS signature container. Our containers (one signature, the signer's certificate and the
# platform root, RSA 2048 at most) take about 2 KB. A fixed size spares pyHanko a trial signature it would
# otherwise make to measure the container.
SIGNATURE_CONTAINER_BYTES = 8192
# Extra space for a timestamp token, in hex digits as pyHanko counts `bytes_reserved`, so 8 KB of DER. The mock
# TSA's token takes 2.4 KB. A token that embeds three RSA 4096 certificates takes about 6 KB (an estimate).
# A token that does not fit makes the signing fail.
TIMESTAMP_TOKEN_BYTES = 16384


class PdfUnreadable(ValidationFailed):
    code = "PDF_UNREADABLE"
    message = "文件不是可读取的 PDF，请重新生成后再签署。"


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of validating one embedded signature, in the order the signatures were applied."""

    field_name: str
    signer_name: str  # common name of the signing certificate's subject
    signer_subject: str
    certificate_serial: str
    intact: bool  # the signed byte ranges hash to the signed digest
    valid: bool  # the CMS signature over that digest verifies with the signer's key
    trusted: bool  # the signer's certificate chains to one of the trust roots, with the right key usage
    # True when the signature covers the whole file, or when every later revision only adds signatures
    # or fills form fields; False when content changed after signing.
    covers_whole_document: bool
    modification_level: str
    signing_time: datetime | None  # the signer's own claim, not proven
    summary: str
    timestamped: bool = False  # a signature timestamp token (RFC 3161) is embedded
    timestamp_time: datetime | None = None  # the token's genTime
    timestamp_valid: bool = False  # the token is for this signature value and its CMS signature verifies
    timestamp_trusted: bool = False  # the TSA certificate chains to a timestamp trust root with timeStamping usage
    # When the signer's certificate was checked: the trusted timestamp's time, else the validation time.
    certificate_checked_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """Whether the signature passes every check."""
        return self.intact and self.valid and self.trusted and self.covers_whole_document


async def sign_pdf(pdf: bytes, credentials: SignerCredentials, *, field_name: str, reason: str, location: str,
                   page: int = -1, box: tuple[float, float, float, float] | None = None,
                   signature_image: bytes | None = None, seal_text: str | None = None,
                   timestamper: TimeStamper | None | Literal["configured"] = "configured") -> bytes:
    """Append a PAdES signature in field `field_name`, visible in `box` (PDF points) on `page` when given.

    With a timestamper the signature gets a signature timestamp token (PAdES B-T). "configured" uses the
    TSA at `MC_TSA_URL` for every signer but the registry (see `timestamps.configured_timestamper`).
    Raises `TimestampUnavailable` when the TSA fails, and then returns no signed file.
    """
    if timestamper == "configured":
        timestamper = configured_timestamper(credentials.certificate)
    signed_at = datetime.now(timezone.utc)
    signed = await asyncio.to_thread(
        asyncio.run,
        _sign(pdf, credentials, field_name=field_name, reason=reason, location=location, page=page, box=box,
              signature_image=signature_image, seal_text=seal_text, signed_at=signed_at, timestamper=timestamper),
    )
    log.info("pdf signed", extra={"field_name": field_name, "serial": credentials.serial,
                                  "timestamped": timestamper is not None})
    return signed


async def verify_pdf(pdf: bytes, *, trust_roots: list[x509.Certificate],
                     timestamp_trust_roots: list[x509.Certificate] | None = None,
                     validation_time: datetime | None = None) -> list[SignatureCheck]:
    """Validate every embedded signature against `trust_roots`. An unsigned PDF gives an empty list.

    Timestamp tokens are checked against `timestamp_trust_roots`, by default the configured TSA CA
    (`MC_TSA_CA_CERTIFICATE`). A signature with a valid, trusted timestamp has its certificate checked
    at the timestamp's time, so it stays valid after a short-lived event certificate expires.
    `validation_time` (default now) is the time at which everything else is checked.
    """
    if timestamp_trust_roots is None:
        timestamp_trust_roots = configured_trust_roots()
    return await asyncio.to_thread(asyncio.run, _verify(pdf, trust_roots=trust_roots,
                                                        timestamp_trust_roots=timestamp_trust_roots,
                                                        validation_time=validation_time))


def verify_pdf_sync(pdf: bytes, *, trust_roots: list[x509.Certificate],
                    timestamp_trust_roots: list[x509.Certificate] | None = None,
                    validation_time: datetime | None = None) -> list[SignatureCheck]:
    """Validate like `verify_pdf`, for callers outside an event loop (scripts, the CLI)."""
    if timestamp_trust_roots is None:
        timestamp_trust_roots = configured_trust_roots()
    return asyncio.run(_verify(pdf, trust_roots=trust_roots, timestamp_trust_roots=timestamp_trust_roots,
                               validation_time=validation_time))


async def _sign(pdf: bytes, credentials: SignerCredentials, *, field_name: str, reason: str, location: str,
                page: int, box: tuple[float, float, float, float] | None, signature_image: bytes | None,
                seal_text: str | None, signed_at: datetime, timestamper: TimeStamper | None) -> bytes:
    writer = _incremental_writer(pdf)
    _require_free_field(writer, field_name)

    signer_name = _common_name(credentials.certificate)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location, name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    pdf_signer = signers.PdfSigner(
        metadata, signer=_pyhanko_signer(credentials), new_field_spec=field_spec, timestamper=timestamper,
        stamp_style=_appearance(signer_name, signed_at, signature_image, seal_text) if box else None,
    )
    reserved = SIGNATURE_CONTAINER_BYTES + (TIMESTAMP_TOKEN_BYTES if timestamper else 0)
    output = await pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved, appearance_text_params=None)
    return output.getvalue()


def _incremental_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as error:
        log.warning("pdf could not be opened for signing", extra={"error": str(error)})
        raise PdfUnreadable() from error


def signed_field_names(pdf: bytes) -> set[str]:
    """Return the names of the signature fields that already hold a signature."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {name for name, value, _ in fields.enumerate_sig_fields(reader, filled_status=True)}


def _require_free_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    for name, value, _ in fields.enumerate_sig_fields(writer.prev, filled_status=True):
        if name == field_name:
            raise Conflict(f"签名域 {field_name} 已签署，不能重复签署。", code="SIGNATURE_FIELD_TAKEN", field=field_name)


def prepare_seal_appearance(organisation_name: str, moment: datetime) -> None:
    """Draw and compress the organisation's seal for the day of `moment`, so its first sealing need not."""
    _appearance(organisation_name, moment, None, organisation_name)


def _appearance(signer_name: str, signed_at: datetime, signature_image: bytes | None, seal_text: str | None):
    local = signed_at.astimezone(DISPLAY_ZONE)
    # An organisation's seal shows the day, as a paper seal's date does. The exact time is in the signature itself.
    moment = f"{local:%Y年%m月%d日}" if seal_text is not None else f"{local:%Y年%m月%d日 %H:%M:%S}"
    caption = f"{signer_name}\n{moment}"
    return stamp_style(signature_image=signature_image, seal_text=seal_text, caption=caption)


def _pyhanko_signer(credentials: SignerCredentials) -> signers.SimpleSigner:
    key_der = credentials.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption())
    chain = [_asn1_certificate(certificate) for certificate in credentials.chain]
    return _EncodedAttributesSigner(
        signing_cert=_asn1_certificate(credentials.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


class _EncodedAttributesSigner(signers.SimpleSigner):
    """pyHanko's signer, with each signed attribute value encoded once before the attributes are assembled.

    asn1crypto encodes a value built from Python objects again wherever it is nested, and the
    signing-certificate-v2 attribute cost about 11 ms per signature that way. A value parsed from its
    own DER keeps that encoding (0.4 ms), and the signed bytes are the same.
    """

    def _signed_attr_provider_spec(self, *args: Any, **kwargs: Any) -> SignedAttributeProviderSpec:
        return _EncodedOnce(super()._signed_attr_provider_spec(*args, **kwargs))


class _EncodedOnce(SignedAttributeProviderSpec):
    def __init__(self, spec: SignedAttributeProviderSpec) -> None:
        self._spec = spec

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str) -> Iterable[CMSAttributeProvider]:
        for provider in self._spec.signed_attr_providers(data_digest, digest_algorithm):
            yield _ReloadedValue(provider)


class _ReloadedValue(CMSAttributeProvider):
    def __init__(self, provider: CMSAttributeProvider) -> None:
        self.attribute_type = provider.attribute_type
        self._provider = provider

    async def build_attr_value(self, dry_run: bool = False) -> Any:
        value = await self._provider.build_attr_value(dry_run=dry_run)
        if isinstance(value, Asn1Value):
            return type(value).load(value.dump())
        return value


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


async def _verify(pdf: bytes, *, trust_roots: list[x509.Certificate], timestamp_trust_roots: list[x509.Certificate],
                  validation_time: datetime | None) -> list[SignatureCheck]:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = sorted(reader.embedded_regular_signatures, key=lambda signature: signature.signed_revision)
    except (PdfError, ValueError) as error:
        log.warning("pdf could not be read for verification", extra={"error": str(error)})
        raise PdfUnreadable() from error

    checks = []
    for signature in signatures:
        timestamp_context = _validation_context(timestamp_trust_roots, moment=validation_time)
        proven_time = await _trusted_timestamp_time(signature, timestamp_context)
        checked_at = proven_time or validation_time
        signer_context = _validation_context(trust_roots, moment=checked_at)
        status = await async_validate_pdf_signature(signature, signer_validation_context=signer_context,
                                                    ts_validation_context=timestamp_context)
        checks.append(_check(signature.field_name, status, checked_at=checked_at or datetime.now(timezone.utc)))
    return checks


def _validation_context(roots: list[x509.Certificate], *, moment: datetime | None) -> ValidationContext:
    # A moment in the past or future needs revocation data given up front, and none is fetched anyway.
    return ValidationContext(trust_roots=[_asn1_certificate(root) for root in roots], moment=moment,
                             allow_fetching=False, revocation_mode="soft-fail")


async def _trusted_timestamp_time(signature: EmbeddedPdfSignature, context: ValidationContext) -> datetime | None:
    """Return the time of the signature's timestamp token when the token is intact, valid and trusted."""
    # The raw digest only matters for content timestamps, which platform signatures do not carry.
    timing = await collect_timing_info(signature.signer_info, context,
                                       raw_digest=lambda _algorithm: signature.compute_digest())
    token = timing.get("timestamp_validity")
    if token is None or not (token.intact and token.valid and token.trusted):
        return None
    return token.timestamp


def _check(field_name: str, status, *, checked_at: datetime) -> SignatureCheck:
    certificate = status.signing_cert
    level = status.modification_level
    token = status.timestamp_validity
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None and level <= ModificationLevel.FORM_FILLING and bool(status.docmdp_ok)
    )
    return SignatureCheck(
        field_name=field_name,
        signer_name=certificate.subject.native.get("common_name", ""),
        signer_subject=certificate.subject.human_friendly,
        certificate_serial=format(certificate.serial_number, "X"),
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_document=covers,
        modification_level=level.name if level is not None else "UNKNOWN",
        signing_time=status.signer_reported_dt,
        summary=status.summary(),
        timestamped=token is not None,
        timestamp_time=token.timestamp if token is not None else None,
        timestamp_valid=token is not None and bool(token.intact and token.valid),
        timestamp_trusted=token is not None and bool(token.trusted),
        certificate_checked_at=checked_at,
    )


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


# pdfsig lives in its own module; it is re-exported here so that callers find every validator in one place.
from mortgage_cloud.signing.pdfsig import PdfsigResult, pdfsig_report  # noqa: E402, F401
