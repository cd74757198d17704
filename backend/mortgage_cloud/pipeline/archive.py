"""Archiving (归档): a manifest that fixes every document, signature, event and register entry by hash."""

import hashlib
import json
import logging

from tortoise.exceptions import IntegrityError

from mortgage_cloud.applications.models import Application, ApplicationDocument, ApplicationEvent, Signer
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.pipeline.models import ArchiveRecord

log = logging.getLogger(__name__)


async def archive_case_file(application: Application) -> ArchiveRecord:
    """Write the case file's manifest once; a second run returns the record already written."""
    existing = await ArchiveRecord.get_or_none(application_id=application.id)
    if existing is not None:
        return existing

    manifest = await _manifest(application)
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
    key = f"archive/{application.created_at:%Y}/{application.application_no}/manifest.json"
    digest = await runtime().storage.put(key, body)
    try:
        record = await ArchiveRecord.create(application_id=application.id, manifest_key=key, manifest_sha256=digest)
    except IntegrityError:
        log.info("case file archived by another worker meanwhile", extra={"application_id": str(application.id)})
        return await ArchiveRecord.get(application_id=application.id)
    log.info("case file archived", extra={"application_id": str(application.id), "manifest_sha256": digest})
    return record


async def _manifest(application: Application) -> dict:
    from mortgage_cloud.registry.models import RegisterEntry

    documents = await ApplicationDocument.filter(application_id=application.id).order_by("kind")
    signers = await Signer.filter(application_id=application.id).order_by("role", "position")
    events = await ApplicationEvent.filter(application_id=application.id).order_by("id")
    entries = await RegisterEntry.filter(unit_no=application.unit_no).order_by("-seq").limit(1)
    return {
        "application_no": application.application_no,
        "unit_no": application.unit_no,
        "proof_no": application.proof_no,
        "document_data_sha256": application.document_data_sha256,
        "documents": [{"kind": d.kind, "storage_key": d.storage_key, "sha256": d.sha256,
                       "signature_count": d.signature_count} for d in documents],
        "signers": [{"role": s.role, "position": s.position, "name": s.name,
                     "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                     "face_verification_id": str(s.face_verification_id) if s.face_verification_id else None,
                     "signature_image_sha256": s.signature_image_sha256} for s in signers],
        "events": [{"from": e.from_state, "to": e.to_state, "actor": e.actor, "at": e.occurred_at.isoformat(),
                    "reasons": [r.get("code") for r in e.reasons]} for e in events],
        "register_entry_hash": entries[0].entry_hash if entries else None,
        "manifest_hash_algorithm": hashlib.sha256().name,
    }
