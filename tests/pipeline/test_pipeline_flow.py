"""The registration pipeline end to end, over HTTP, on the real register, signatures and mocks."""

import asyncio

import pytest

from mortgage_cloud.applications.models import Application, ApplicationDocument, ApplicationEvent
from mortgage_cloud.identifiers import normalize_proof_no
from mortgage_cloud.infra.runtime import join_jobs, runtime
from mortgage_cloud.registry.models import MortgageRight
from mortgage_cloud.registry.service import verify_chain
from mortgage_cloud.signing.ca import PlatformCA
from mortgage_cloud.signing.pdfsig import pdfsig_report

PIPELINE_ORDER = ["submitted", "platform_checked", "accepted", "reviewed", "registered", "proof_issued", "archived"]


async def submit_and_wait(prepared, index: int = 0) -> dict:
    _, application, _ = prepared.drafts[index]
    response = await prepared.primary.submit(application["id"])
    assert response.status_code == 202, response.text
    return await prepared.primary.wait_for_outcome(application["id"], timeout=60)


async def test_pipeline_clean_unit_archived_with_proof(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    assert status["state"] == "archived"
    assert status["findings"] == []
    assert normalize_proof_no(status["proof_no"]).kind == "proof"


async def test_pipeline_events_run_each_step_once_in_order(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    events = await ApplicationEvent.filter(application_id=status["id"]).order_by("id").values_list("to_state", flat=True)
    assert [state for state in events if state in PIPELINE_ORDER] == PIPELINE_ORDER


async def test_pipeline_proof_accepted_by_pdfsig(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    pdf = await prepared.primary.download(status["id"], "proof")
    ca = await PlatformCA.load_or_create(runtime().settings.data_dir / "ca")
    report = await asyncio.to_thread(pdfsig_report, pdf, ca_pem=ca.certificate_pem)
    assert [item.signature_validation for item in report] == ["Signature is Valid."]


async def test_pipeline_signed_contract_has_borrower_and_bank_signatures(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    pdf = await prepared.primary.download(status["id"], "mortgage_contract")
    report = await asyncio.to_thread(pdfsig_report, pdf)
    assert [item.field_name for item in report] == ["mortgagor_0", "mortgagee_0"]
    assert all(item.signature_validation == "Signature is Valid." for item in report)


async def test_pipeline_register_chain_intact_after_registration(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    check = await verify_chain(status["unit_no"])
    assert check.ok


async def test_pipeline_joint_owners_all_sign_then_archived(prepare):
    prepared = await prepare("joint_owned")
    status = await submit_and_wait(prepared)
    assert len([signer for signer in status["signers"] if signer["role"] == "mortgagor"]) >= 2
    assert status["state"] == "archived"


async def test_pipeline_second_mortgage_gets_rank_two(prepare):
    prepared = await prepare("already_mortgaged")
    status = await submit_and_wait(prepared)
    right = await MortgageRight.get(proof_no=status["proof_no"])
    assert right.rank == 2


@pytest.mark.parametrize(
    ("kind", "state", "code"),
    [
        ("seized", "rejected", "UNIT_SEIZED"),
        ("pre_seized", "rejected", "UNIT_PRE_SEIZED"),
        ("locked", "rejected", "UNIT_LOCKED"),
        ("advance_notice_other", "rejected", "ADVANCE_NOTICE_HELD_BY_OTHER"),
        ("objection", "manual_review", "UNIT_OBJECTION"),
    ],
)
async def test_pipeline_restricted_unit_stopped(prepare, kind, state, code):
    prepared = await prepare(kind)
    status = await submit_and_wait(prepared)
    assert status["state"] == state
    assert code in [finding["code"] for finding in status["findings"]]
    assert not await MortgageRight.filter(application_id=status["id"]).exists()


async def test_pipeline_unsigned_co_owner_submission_refused(prepare):
    prepared = await prepare("joint_owned", skip_co_owner=True)
    _, application, _ = prepared.drafts[0]
    response = await prepared.primary.submit(application["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "CO_OWNER_NOT_SIGNED"


async def test_pipeline_expired_consent_rejected(prepare):
    prepared = await prepare("clean_single_owner", expire_consent=True)
    status = await submit_and_wait(prepared)
    assert status["state"] == "rejected"
    assert [finding["code"] for finding in status["findings"]] == ["CONSENT_INVALID"]


async def test_pipeline_impostor_cannot_sign(prepare):
    prepared = await prepare("clean_single_owner", impostor_at_signing=True)
    _, application, _ = prepared.drafts[0]
    assert application["refusal"][0] == "FACE_NOT_MATCHED"


async def test_pipeline_two_banks_racing_exactly_one_proceeds(prepare):
    prepared = await prepare("clean_single_owner", race=True)
    statuses = await asyncio.gather(submit_and_wait(prepared, 0), submit_and_wait(prepared, 1))
    assert sorted(status["state"] for status in statuses) == ["archived", "rejected"]
    loser = next(status for status in statuses if status["state"] == "rejected")
    assert {finding["code"] for finding in loser["findings"]} & {"UNIT_IN_FLIGHT", "DOCUMENT_DATA_MISMATCH"}


async def test_pipeline_tampered_document_rejected(prepare):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]
    document = await ApplicationDocument.get(application_id=application["id"], kind="mortgage_contract")
    pdf = bytearray(await runtime().storage.get(document.storage_key))
    position = pdf.index(b"/Contents", len(pdf) // 3) - 40  # a byte inside the signed range, before the last signature
    pdf[position] = pdf[position] ^ 0x01
    await runtime().storage.put(document.storage_key, bytes(pdf))

    status = await submit_and_wait(prepared)
    assert status["state"] == "rejected"
    assert "SIGNATURE_INVALID" in [finding["code"] for finding in status["findings"]]


async def test_pipeline_changed_application_data_rejected(prepare):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]
    await Application.filter(id=application["id"]).update(loan_contract_no="JK-CHANGED-0001")

    status = await submit_and_wait(prepared)
    assert status["state"] == "rejected"
    assert "DOCUMENT_DATA_MISMATCH" in [finding["code"] for finding in status["findings"]]


async def test_pipeline_status_messages_sent_to_borrower(prepare, mock_wechat):
    prepared = await prepare("clean_single_owner")
    await submit_and_wait(prepared)
    await join_jobs()
    user = prepared.primary.wechat_user
    openids = {user["mini_program_openid"], user["official_account_openid"]}
    messages = [m for m in mock_wechat.state.messages if m["openid"] in openids]
    assert len(messages) >= len(PIPELINE_ORDER)
