"""The PC flow end to end: the bank opens a kiosk session, the borrower verifies, consents and signs at the
kiosk, the bank creates, seals and submits, and the registry pipeline issues the proof."""

from kiosk_support import create_application, wait_for_outcome

from mortgage_cloud.identifiers import normalize_proof_no
from mortgage_cloud.kiosk.models import KioskEvidence
from mortgage_cloud.kiosk.sessions import hash_token


async def run_pc_flow(visit) -> dict:
    """Drive one PC-flow application from the opened session to the pipeline's outcome; return the bank's status."""
    device, bank = visit.device, visit.bank
    assert (await device.face_check(visit.person)).json()["passed"] is True
    consent = (await device.consent()).json()

    application = await create_application(bank, consent_id=consent["consent_id"], unit_no=visit.unit_no)
    await bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    documents = (await device.documents()).json()["items"]
    for document in documents:
        assert (await device.page(document["kind"], 1)).content.startswith(b"\x89PNG")

    signed = await device.sign(visit.person)
    assert signed.status_code == 201, signed.text
    await bank.client.post(f"/bank/v1/applications/{application['id']}/seal")
    await bank.client.post(f"/bank/v1/applications/{application['id']}/submit")
    return await wait_for_outcome(bank, application["id"])


async def test_kiosk_flow_clean_unit_gets_proof(open_visit):
    visit = await open_visit(fresh=True)
    status = await run_pc_flow(visit)
    assert status["state"] == "archived"
    assert normalize_proof_no(status["proof_no"]).kind == "proof"


async def test_kiosk_flow_evidence_in_order(open_visit):
    visit = await open_visit(fresh=True)
    await run_pc_flow(visit)
    await visit.device.rate("very_satisfied", "办理很快")
    await visit.device.close()
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    kinds = [row["kind"] for row in session["evidence"]]
    assert kinds == ["opened", "face_check", "consent", "application_bound", "signature", "rating", "closed"]


async def test_kiosk_flow_signature_evidence_matches_signer(open_visit):
    visit = await open_visit(fresh=True)
    status = await run_pc_flow(visit)
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    signature = next(row for row in session["evidence"] if row["kind"] == "signature")
    assert signature["application_id"] == status["id"]
    assert len(signature["signature_image_sha256"]) == 64


async def test_kiosk_flow_only_token_hash_stored(open_visit):
    visit = await open_visit()
    rows = await KioskEvidence.filter(session_id=visit.session["id"]).values_list("session__token_sha256", flat=True)
    assert rows == [hash_token(visit.session["token"])]


async def test_kiosk_flow_joint_owners_sign_in_turn(open_visit, unit_pool):
    unit_no = unit_pool["joint_owned"].pop(0)
    first = await open_visit(unit_no=unit_no, person=0)
    await first.device.face_check(first.person)
    consent = (await first.device.consent()).json()
    application = await create_application(first.bank, consent_id=consent["consent_id"], unit_no=unit_no)
    await first.bank.client.bind_kiosk_session(first.session["id"], application["id"])
    await first.device.sign(first.person)
    await first.device.close()

    second = await open_visit(unit_no=unit_no, person=1)
    await second.bank.client.bind_kiosk_session(second.session["id"], application["id"])
    await second.device.face_check(second.person)
    signed = await second.device.sign(second.person)
    await second.bank.client.post(f"/bank/v1/applications/{application['id']}/seal")
    await second.bank.client.post(f"/bank/v1/applications/{application['id']}/submit")
    status = await wait_for_outcome(second.bank, application["id"])

    assert signed.status_code == 201, signed.text
    assert status["state"] == "archived"
