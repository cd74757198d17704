"""PAdES signatures (baseline B-B, ETSI.CAdES.detached) with pyHanko, and their verification.

Every signature is an incremental update, so an earlier signature keeps covering the revision it
signed. Signing and validation are CPU-bound and pyHanko's API is a coroutine, so both run in a
worker thread with their own event loop instead of blocking the caller's loop.
"""

import asyncio
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from mortgage_cloud.errors import Conflict, ValidationFailed
from mortgage_cloud.signing.appearance import stamp_style
from mortgage_cloud.signing.ca import SignerCredentials

log = logging.getLogger(__name__)

DISPLAY_ZONE = ZoneInfo("Asia/Shanghai")
# Space kept for the CMS signature container. Our containers (one signature, the signer's certificate and the
# platform root, RSA 2048 at most) take about 2 KB. A fixed size spares pyHanko a trial signature it would
# otherwise make to measure the container.
SIGNATURE_CONTAINER_BYTES = 8192


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
    signing_time: datetime | None
    summary: str

    @property
    def ok(self) -> bool:
        """Whether the signature passes every check."""
        return self.intact and self.valid and self.trusted and self.covers_whole_document


async def sign_pdf(pdf: bytes, credentials: SignerCredentials, *, field_name: str, reason: str, location: str,
                   page: int = -1, box: tuple[float, float, float, float] | None = None,
                   signature_image: bytes | None = None, seal_text: str | None = None) -> bytes:
    """Append a PAdES B-B signature in field `field_name`, visible in `box` (PDF points) on `page` when given."""
    signed_at = datetime.now(timezone.utc)
    signed = await asyncio.to_thread(
        asyncio.run,
        _sign(pdf, credentials, field_name=field_name, reason=reason, location=location, page=page, box=box,
              signature_image=signature_image, seal_text=seal_text, signed_at=signed_at),
    )
    log.info("pdf signed", extra={"field_name": field_name, "serial": credentials.serial})
    return signed


async def verify_pdf(pdf: bytes, *, trust_roots: list[x509.Certificate]) -> list[SignatureCheck]:
    """Validate every embedded signature against `trust_roots`; an unsigned PDF gives an empty list."""
    return await asyncio.to_thread(asyncio.run, _verify(pdf, trust_roots=trust_roots))


def verify_pdf_sync(pdf: bytes, *, trust_roots: list[x509.Certificate]) -> list[SignatureCheck]:
    """Validate like `verify_pdf`, for callers outside an event loop (scripts, the CLI)."""
    return asyncio.run(_verify(pdf, trust_roots=trust_roots))


async def _sign(pdf: bytes, credentials: SignerCredentials, *, field_name: str, reason: str, location: str,
                page: int, box: tuple[float, float, float, float] | None, signature_image: bytes | None,
                seal_text: str | None, signed_at: datetime) -> bytes:
    writer = _incremental_writer(pdf)
    _require_free_field(writer, field_name)

    signer_name = _common_name(credentials.certificate)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location, name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    pdf_signer = signers.PdfSigner(
        metadata, signer=_pyhanko_signer(credentials), new_field_spec=field_spec,
        stamp_style=_appearance(signer_name, signed_at, signature_image, seal_text) if box else None,
    )
    output = await pdf_signer.async_sign_pdf(writer, bytes_reserved=SIGNATURE_CONTAINER_BYTES, appearance_text_params=None)
    return output.getvalue()


def _incremental_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as error:
        log.warning("pdf could not be opened for signing", extra={"error": str(error)})
        raise PdfUnreadable() from error


def _require_free_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    for name, value, _ in fields.enumerate_sig_fields(writer.prev, filled_status=True):
        if name == field_name:
            raise Conflict(f"签名域 {field_name} 已签署，不能重复签署。", code="SIGNATURE_FIELD_TAKEN", field=field_name)


def _appearance(signer_name: str, signed_at: datetime, signature_image: bytes | None, seal_text: str | None):
    local = signed_at.astimezone(DISPLAY_ZONE)
    caption = f"{signer_name}\n{local:%Y年%m月%d日 %H:%M:%S}"
    return stamp_style(signature_image=signature_image, seal_text=seal_text, caption=caption)


def _pyhanko_signer(credentials: SignerCredentials) -> signers.SimpleSigner:
    key_der = credentials.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption())
    chain = [_asn1_certificate(certificate) for certificate in credentials.chain]
    return signers.SimpleSigner(
        signing_cert=_asn1_certificate(credentials.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


async def _verify(pdf: bytes, *, trust_roots: list[x509.Certificate]) -> list[SignatureCheck]:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = sorted(reader.embedded_regular_signatures, key=lambda signature: signature.signed_revision)
    except (PdfError, ValueError) as error:
        log.warning("pdf could not be read for verification", extra={"error": str(error)})
        raise PdfUnreadable() from error

    checks = []
    for signature in signatures:
        context = ValidationContext(trust_roots=[_asn1_certificate(root) for root in trust_roots],
                                    allow_fetching=False, revocation_mode="soft-fail")
        status = await async_validate_pdf_signature(signature, signer_validation_context=context)
        checks.append(_check(signature.field_name, status))
    return checks


def _check(field_name: str, status) -> SignatureCheck:
    certificate = status.signing_cert
    level = status.modification_level
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
    )


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


# pdfsig lives in its own module; it is re-exported here so that callers find every validator in one place.
from mortgage_cloud.signing.pdfsig import PdfsigResult, pdfsig_report  # noqa: E402, F401
