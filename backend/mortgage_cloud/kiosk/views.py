"""JSON views of a kiosk session: the bank's, with the evidence list, and the kiosk page's own."""

from datetime import timedelta
from typing import Any

from mortgage_cloud.applications.documents import DOCUMENT_KINDS
from mortgage_cloud.applications.models import Application, ApplicationDocument, Signer
from mortgage_cloud.applications.states import LABELS, State
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.logging import mask_id_number
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.kiosk.evidence import evidence_of, fresh_face_check, latest_of_kind
from mortgage_cloud.kiosk.models import KioskEvidence, KioskSession
from mortgage_cloud.kiosk.sessions import session_status
from mortgage_cloud.kiosk.steps import RATINGS


def _time(value: Any) -> str | None:
    return value.isoformat() if value else None


def _borrower_view(borrower: Any) -> dict[str, Any]:
    id_number = pii.decrypt(borrower.id_number_enc) if borrower.id_number_enc else None
    return {"id": str(borrower.id), "name": borrower.name, "id_number_masked": mask_id_number(id_number) or None}


def _session_fields(session: KioskSession) -> dict[str, Any]:
    return {
        "id": str(session.id),
        "status": session_status(session),
        "device_id": session.device_id,
        "application_id": str(session.application_id) if session.application_id else None,
        "created_at": _time(session.created_at),
        "expires_at": _time(session.expires_at),
        "closed_at": _time(session.closed_at),
        "closed_by": session.closed_by,
    }


def evidence_view(row: KioskEvidence) -> dict[str, Any]:
    """Describe one evidence row; the face-match score stays out, as for every other API."""
    view: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "recorded_at": _time(row.recorded_at),
        "device_id": row.device_id,
        "officer_id": str(row.officer_id) if row.officer_id else None,
        "application_id": str(row.application_id) if row.application_id else None,
    }
    if row.kind == "face_check":
        view["face_check"] = {
            "verification_id": str(row.face_verification_id) if row.face_verification_id else None,
            "passed": row.face_passed, "liveness_passed": row.liveness_passed,
            # False when the provider failed or the photo showed no clear face, so nothing was decided.
            "decided": row.provider_error_code is None,
        }
    if row.consent_id:
        view["consent_id"] = str(row.consent_id)
        view["agreement_sha256"] = row.agreement_sha256
    if row.signature_image_sha256:
        view["signature_image_sha256"] = row.signature_image_sha256
        view["face_verification_id"] = str(row.face_verification_id) if row.face_verification_id else None
    if row.rating:
        view["rating"] = row.rating
        view["rating_label"] = RATINGS[row.rating]
        view["comment"] = row.comment
    return view


async def bank_view(session: KioskSession) -> dict[str, Any]:
    """Describe the session for its bank, with the borrower's ID number masked and every evidence row."""
    view = {**_session_fields(session), "officer_id": str(session.officer_id) if session.officer_id else None,
            "borrower": _borrower_view(await session.borrower)}
    consent = await latest_of_kind(session, "consent")
    view["consent_id"] = str(consent.consent_id) if consent else None
    view["evidence"] = [evidence_view(row) for row in await evidence_of(session)]
    return view


async def kiosk_view(session: KioskSession) -> dict[str, Any]:
    """Describe the session for the kiosk page: whom it serves and which steps are done."""
    face = await fresh_face_check(session)
    consent = await latest_of_kind(session, "consent")
    rating = await latest_of_kind(session, "rating")
    fresh_seconds = runtime().settings.face_fresh_seconds
    return {
        **_session_fields(session),
        "institution_name": session.institution.name,
        "borrower": _borrower_view(session.borrower),
        "face_check": {"passed": True, "fresh_until": _time(face.recorded_at + timedelta(seconds=fresh_seconds))}
        if face else None,
        "consent": {"id": str(consent.consent_id), "granted_at": _time(consent.recorded_at)} if consent else None,
        "application": await _application_view(session),
        "rating": {"rating": rating.rating, "rating_label": RATINGS[rating.rating]} if rating else None,
    }


async def _application_view(session: KioskSession) -> dict[str, Any] | None:
    if session.application_id is None:
        return None
    application = await Application.get(id=session.application_id)
    signer = await Signer.get_or_none(application_id=application.id, role="mortgagor",
                                      id_hash=session.borrower.id_hash)
    return {
        "id": str(application.id),
        "application_no": application.application_no,
        "unit_no": application.unit_no,
        "state": str(application.state),
        "state_label": LABELS[State(application.state)],
        "documents_ready": await ApplicationDocument.filter(application_id=application.id,
                                                            kind__in=DOCUMENT_KINDS).exists(),
        "signed": signer is not None and signer.signed_at is not None,
    }
