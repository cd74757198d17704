"""Mortgage cancellation (抵押权注销) by the mortgagee, through the pipeline to an archived, sealed proof."""

import asyncio
import subprocess

import pytest
from lifecycle_support import bank_wait, mortgage_again, submit_and_wait

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.registry.models import MortgageRight
from mortgage_cloud.registry.service import verify_chain
from mortgage_cloud.signing.ca import PlatformCA
from mortgage_cloud.signing.pdfsig import pdfsig_report


async def registered_mortgage(prepare) -> tuple[object, dict]:
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    assert status["state"] == "archived", status
    return prepared, status


async def cancel(bank, proof_no: str) -> dict:
    submitted = await bank.client.post("/bank/v1/cancellations", {"proof_no": proof_no, "reason": "贷款已全部结清"})
    return await bank_wait(bank, submitted["id"])


async def test_cancellation_by_mortgagee_archived(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    status = await cancel(bank, mortgage["proof_no"])
    assert status["state"] == "archived", status


async def test_cancellation_mortgage_no_longer_current(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    status = await cancel(bank, mortgage["proof_no"])
    right = await MortgageRight.get(proof_no=mortgage["proof_no"])
    assert right.is_current is False
    assert str(right.cancellation_application_id) == status["id"]


async def test_cancellation_register_chain_intact(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    await cancel(bank, mortgage["proof_no"])
    check = await verify_chain(mortgage["unit_no"])
    assert check.ok


async def test_cancellation_proof_sealed_and_valid(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    status = await cancel(bank, mortgage["proof_no"])
    response = await bank.client.send("GET", f"/bank/v1/applications/{status['id']}/documents/proof/pdf")
    ca = await PlatformCA.load_or_create(runtime().settings.data_dir / "ca")
    report = await asyncio.to_thread(pdfsig_report, response.content, ca_pem=ca.certificate_pem)
    assert [item.signature_validation for item in report] == ["Signature is Valid."]


async def test_cancellation_by_other_bank_404(prepare, flow_banks):
    _, mortgage = await registered_mortgage(prepare)
    with pytest.raises(BankApiError) as raised:
        await flow_banks[1].client.post("/bank/v1/cancellations",
                                             {"proof_no": mortgage["proof_no"], "reason": "贷款已全部结清"})
    assert raised.value.status == 404
    assert await MortgageRight.get(proof_no=mortgage["proof_no"]).values_list("is_current", flat=True) is True


async def test_cancellation_twice_409(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    await cancel(bank, mortgage["proof_no"])
    with pytest.raises(BankApiError) as raised:
        await bank.client.post("/bank/v1/cancellations", {"proof_no": mortgage["proof_no"], "reason": "重复申请"})
    assert raised.value.status == 409
    assert raised.value.code == "MORTGAGE_ALREADY_CANCELLED"


async def test_cancellation_without_reason_422(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    with pytest.raises(BankApiError) as raised:
        await bank.client.post("/bank/v1/cancellations", {"proof_no": mortgage["proof_no"], "reason": ""})
    assert raised.value.status == 422
    assert raised.value.context["field"] == "reason"


async def test_cancellation_malformed_proof_no_422(flow_banks):
    with pytest.raises(BankApiError) as raised:
        await flow_banks[0].client.post("/bank/v1/cancellations", {"proof_no": "不是证明号", "reason": "结清"})
    assert raised.value.status == 422


async def test_cancellation_then_new_mortgage_rank_one(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    await cancel(bank, mortgage["proof_no"])

    status = await mortgage_again(prepared)
    assert status["state"] == "archived", status
    right = await MortgageRight.get(proof_no=status["proof_no"])
    assert right.rank == 1


async def test_cancellation_proof_states_cancelled_proof_no(prepare):
    prepared, mortgage = await registered_mortgage(prepare)
    bank, _, _ = prepared.drafts[0]
    status = await cancel(bank, mortgage["proof_no"])
    response = await bank.client.send("GET", f"/bank/v1/applications/{status['id']}/documents/proof/pdf")
    extracted = await asyncio.to_thread(subprocess.run, ["pdftotext", "-", "-"], input=response.content,
                                        capture_output=True, timeout=30)
    text = "".join(extracted.stdout.decode().split())
    assert "抵押权注销" in text
    assert f"注销不动产登记证明{mortgage['proof_no']}" in text
