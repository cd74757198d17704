"""Signature timestamps in the signing flow over HTTP: borrowers and banks get one, the registry's seal does not,
and a TSA failure rejects the signing without changing any document."""

from collections.abc import AsyncIterator

import httpx
import pytest

from mortgage_cloud.applications.documents import DOCUMENT_KINDS
from mortgage_cloud.applications.models import ApplicationDocument, Signer
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.signing.ca import PlatformCA
from mortgage_cloud.signing.pades import verify_pdf


@pytest.fixture
async def tsa_controls(mock_tsa) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=mock_tsa.url) as http:
        yield http
        await http.post("/mock/clear")


async def _platform_ca() -> PlatformCA:
    return await PlatformCA.load_or_create(runtime().settings.data_dir / "ca")


async def _stored_checks(application_id: str, kind: str) -> list:
    document = await ApplicationDocument.get(application_id=application_id, kind=kind)
    pdf = await runtime().storage.get(document.storage_key)
    return await verify_pdf(pdf, trust_roots=[(await _platform_ca()).certificate])


async def _documents_snapshot(application_id: str) -> dict[str, tuple[str, int]]:
    documents = await ApplicationDocument.filter(application_id=application_id)
    return {document.kind: (document.sha256, document.signature_count) for document in documents}


async def _unsigned_co_owner(prepare):
    prepared = await prepare("joint_owned", skip_co_owner=True)
    _, application, _ = prepared.drafts[0]
    co_owner = prepared.actors[1]
    await co_owner.log_in()
    await co_owner.verify_identity()
    return application["id"], co_owner


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
async def test_flow_document_signatures_timestamped(prepare, kind):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]
    checks = await _stored_checks(application["id"], kind)
    assert [check.field_name for check in checks] == ["mortgagor_0", "mortgagee_0"]
    assert [check.timestamp_trusted for check in checks] == [True, True]
    assert [check.ok for check in checks] == [True, True]


async def test_flow_proof_seal_not_timestamped(prepare):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]
    response = await prepared.primary.submit(application["id"])
    assert response.status_code == 202, response.text
    status = await prepared.primary.wait_for_outcome(application["id"], timeout=60)
    assert status["state"] == "archived"

    pdf = await prepared.primary.download(application["id"], "proof")
    checks = await verify_pdf(pdf, trust_roots=[(await _platform_ca()).certificate])
    assert [check.timestamped for check in checks] == [False]
    assert [check.valid for check in checks] == [True]


async def test_flow_tsa_down_signing_refused(prepare, tsa_controls):
    application_id, co_owner = await _unsigned_co_owner(prepare)
    await tsa_controls.post("/mock/failures", json={"kind": "server_error"})

    response = await co_owner.sign(application_id)
    assert response.status_code == 503
    assert response.json()["code"] == "TIMESTAMP_UNAVAILABLE"


async def test_flow_tsa_down_documents_unchanged(prepare, tsa_controls):
    application_id, co_owner = await _unsigned_co_owner(prepare)
    before = await _documents_snapshot(application_id)
    await tsa_controls.post("/mock/failures", json={"kind": "wrong_nonce"})

    await co_owner.sign(application_id)
    assert await _documents_snapshot(application_id) == before
    co_owner_signer = await Signer.get(application_id=application_id, role="mortgagor", position=1)
    assert co_owner_signer.signed_at is None


async def test_flow_tsa_recovered_retry_signs(prepare, tsa_controls):
    application_id, co_owner = await _unsigned_co_owner(prepare)
    await tsa_controls.post("/mock/failures", json={"kind": "bad_reply"})
    assert (await co_owner.sign(application_id)).status_code == 503

    response = await co_owner.sign(application_id)
    assert response.status_code == 201, response.text


async def test_flow_tsa_failure_midway_retry_signs(prepare, tsa_controls):
    application_id, co_owner = await _unsigned_co_owner(prepare)
    await tsa_controls.post("/mock/failures", json={"kind": "server_error", "after": 1})
    assert (await co_owner.sign(application_id)).status_code == 503

    response = await co_owner.sign(application_id)
    assert response.status_code == 201, response.text
