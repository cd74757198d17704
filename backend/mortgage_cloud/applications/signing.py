"""Borrowers and co-owners sign after a fresh face verification; the bank seals with its organisation seal."""

import base64
import binascii
import hashlib
import io
import logging
from typing import Any

import numpy
from PIL import Image

from mortgage_cloud.applications.document_checks import remember_verification
from mortgage_cloud.applications.documents import DOCUMENT_KINDS
from mortgage_cloud.applications.models import Application, ApplicationDocument, Signer
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.transitions import transition, utcnow
from mortgage_cloud.errors import Conflict, Forbidden, field_error
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

SIGNABLE_STATES = (State.DOCUMENTS_READY, State.SIGNING)
MAX_SIGNATURE_IMAGE_BYTES = 512 * 1024
MAX_SIGNATURE_PIXELS = 2000
MIN_INK_PIXELS = 50


class FaceNotFresh(Forbidden):
    code = "FACE_NOT_FRESH"
    message = "签署前须在有效期内完成人脸核验，请重新核验。"


class FaceNotMatched(Forbidden):
    code = "FACE_NOT_MATCHED"
    message = "最近一次人脸核验未通过，未能确认为身份证本人。请本人重新进行人脸核验，通过后再签署。"


def decode_signature_image(value: Any) -> bytes:
    """Decode the handwritten signature, a base64 PNG drawn on the signature pad."""
    try:
        image = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise field_error("signature_image", "手写签名须为 base64 编码的 PNG 图片。") from None
    if not image.startswith(b"\x89PNG\r\n\x1a\n"):
        raise field_error("signature_image", "手写签名须为 PNG 图片。")
    if len(image) > MAX_SIGNATURE_IMAGE_BYTES:
        raise field_error("signature_image", "手写签名图片不能超过 512 KB。")
    _check_ink(image)
    return image


def _check_ink(image: bytes) -> None:
    """Reject an unreadable, oversized or empty drawing, so that no document is signed with a blank."""
    try:
        with Image.open(io.BytesIO(image)) as picture:
            if picture.width > MAX_SIGNATURE_PIXELS or picture.height > MAX_SIGNATURE_PIXELS:
                raise field_error("signature_image", f"手写签名图片的宽和高不能超过 {MAX_SIGNATURE_PIXELS} 像素。")
            picture.load()
            alpha = picture.convert("LA")
    except (OSError, Image.DecompressionBombError, SyntaxError):
        raise field_error("signature_image", "手写签名图片无法读取，请重新签名。") from None

    # A pixel counts as ink when it is visible (alpha) and darker than light grey.
    pixels = numpy.asarray(alpha)
    inked = int(((pixels[..., 1] > 128) & (pixels[..., 0] < 160)).sum())
    if inked < MIN_INK_PIXELS:
        raise field_error("signature_image", "未检测到签名笔迹，请在签名板上手写签名后再提交。")


async def sign_as_mortgagor(*, application: Application, borrower: Any, signature_image: bytes) -> Signer:
    """Sign every document as the borrower's mortgagor signer, with a per-signing certificate."""
    signer = await Signer.get_or_none(application_id=application.id, role="mortgagor", id_hash=borrower.id_hash)
    if signer is None:
        raise Forbidden("您不是该不动产的抵押人，无需签署。", code="NOT_A_SIGNER")
    if signer.signed_at is not None:
        raise Conflict("您已签署过该申请的文件。", code="ALREADY_SIGNED")

    verification = await signing_face_verification(borrower_id=borrower.id)
    if verification is None:
        raise await signing_face_rejection(borrower_id=borrower.id)

    async with runtime().cache.lock(f"sign:{application.id}", timeout=60):
        await _require_signable(application)
        credentials = (await _ca()).issue_event_certificate(
            name=borrower.name, id_number=pii.decrypt(borrower.id_number_enc)
        )
        await _sign_documents(application, credentials, field_name=f"mortgagor_{signer.position}",
                              role="mortgagor", position=signer.position, reason="抵押人签署",
                              signature_image=signature_image, face_verification_id=verification.id)
        signer.borrower_id = borrower.id
        signer.face_verification_id = verification.id
        signer.face_verified_at = verification.created_at
        signer.signature_image_sha256 = hashlib.sha256(signature_image).hexdigest()
        signer.signed_at = utcnow()
        await signer.save()

    log.info("mortgagor signed", extra={"application_id": str(application.id), "position": signer.position})
    await _advance_signing_state(application, actor=f"borrower:{borrower.id}")
    return signer


async def signing_face_verification(*, borrower_id: Any) -> Any:
    """Return the borrower's latest signing face verification if it passed and is fresh.

    A failed match after an earlier pass cancels that pass, because the person who faced the camera
    last must be the signer. Provider errors are not decisions, so they neither pass nor cancel.
    """
    from mortgage_cloud.identity.freshness import face_freshness

    return (await face_freshness(borrower_id=borrower_id, purpose="signing")).verification


async def signing_face_rejection(*, borrower_id: Any) -> FaceNotMatched | FaceNotFresh:
    """Build the error that rejects a signature because `signing_face_verification` returned None.

    FACE_NOT_MATCHED when the borrower's latest decided signing check is within the freshness window
    and failed (the face did not match the ID photo, or liveness failed). FACE_NOT_FRESH when there is
    no decided signing check or the latest is older than the window. A provider error (rate limit,
    timeout) is not a decision, so it never turns the code into FACE_NOT_MATCHED.
    """
    from mortgage_cloud.identity.freshness import REASON_NOT_MATCHED, face_freshness

    freshness = await face_freshness(borrower_id=borrower_id, purpose="signing")
    if freshness.reason == REASON_NOT_MATCHED:
        log.info("signature rejected: latest signing face check failed",
                 extra={"borrower_id": str(borrower_id), "verification_id": str(freshness.latest_decision.id)})
        return FaceNotMatched()
    return FaceNotFresh()


async def seal_as_mortgagee(*, application: Application, institution: Any, actor: str) -> Signer:
    """Apply the institution's hosted organisation seal to every document, as `actor` on the state change."""
    from mortgage_cloud.signing.service import institution_seal

    signer = await Signer.get(application_id=application.id, role="mortgagee", position=0)
    if signer.signed_at is not None:
        raise Conflict("本机构已对该申请的文件签章。", code="ALREADY_SEALED")

    async with runtime().cache.lock(f"sign:{application.id}", timeout=60):
        await _require_signable(application)
        credentials = await institution_seal(await _ca(), institution_id=institution.id, name=institution.name,
                                             uscc=institution.uscc)
        await _sign_documents(application, credentials, field_name="mortgagee_0", role="mortgagee", position=0,
                              reason="抵押权人签章", seal_text=institution.name)
        signer.signed_at = utcnow()
        await signer.save()

    log.info("mortgagee sealed", extra={"application_id": str(application.id)})
    await _advance_signing_state(application, actor=actor)
    return signer


async def _require_signable(application: Application) -> None:
    await application.refresh_from_db(fields=["state"])
    if application.state not in SIGNABLE_STATES:
        raise Conflict("当前状态不能签署文件。", code="NOT_SIGNABLE", state=str(application.state))


async def _ca() -> Any:
    from mortgage_cloud.signing.ca import PlatformCA

    return await PlatformCA.load_or_create(runtime().settings.data_dir / "ca")


async def _sign_documents(application: Application, credentials: Any, *, field_name: str, role: str,
                          position: int, reason: str, signature_image: bytes | None = None,
                          seal_text: str | None = None, face_verification_id: Any = None) -> None:
    from mortgage_cloud.documents.render import signature_box
    from mortgage_cloud.signing.pades import sign_pdf, signed_field_names
    from mortgage_cloud.signing.service import record_signature

    image_sha256 = hashlib.sha256(signature_image).hexdigest() if signature_image else None
    storage = runtime().storage

    # Every document is signed in memory before any is stored, so a failure on one (a timestamp
    # authority that is down) leaves all of them as they were and the signer can simply retry.
    signed_documents = []
    for kind in DOCUMENT_KINDS:
        document = await ApplicationDocument.get(application_id=application.id, kind=kind)
        current = await storage.get(document.storage_key)
        if field_name in signed_field_names(current):
            # Stored by an attempt that stopped before the last document, so it needs no second signature.
            log.warning("document already signed in this field, keeping it",
                        extra={"application_id": str(application.id), "kind": kind, "field_name": field_name})
            continue
        page, box = signature_box(kind, role, position)
        signed = await sign_pdf(
            current, credentials, field_name=field_name, reason=reason,
            location=runtime().settings.registry_city, page=page, box=box,
            signature_image=signature_image, seal_text=seal_text,
        )
        signed_documents.append((document, signed))

    for document, signed in signed_documents:
        document.sha256 = await storage.put(document.storage_key, signed)
        document.signature_count += 1
        await document.save(update_fields=["sha256", "signature_count", "updated_at"])
        await remember_verification(document, signed)
        await record_signature(document_key=document.storage_key, document_id=document.id, field_name=field_name,
                               signer_role=role, credentials=credentials, face_verification_id=face_verification_id,
                               signature_image_sha256=image_sha256)


async def _advance_signing_state(application: Application, *, actor: str) -> None:
    await transition(application.id, from_states=[State.DOCUMENTS_READY], to_state=State.SIGNING, actor=actor)
    unsigned = await Signer.filter(application_id=application.id, signed_at__isnull=True).count()
    if unsigned == 0:
        await transition(application.id, from_states=[State.SIGNING], to_state=State.SIGNED, actor=actor)


async def unsigned_mortgagors(application: Application) -> list[Signer]:
    """Return the mortgagors who still have to sign."""
    return await Signer.filter(application_id=application.id, role="mortgagor", signed_at__isnull=True)
