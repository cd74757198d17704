"""Loan disbursement (放款) marked by the bank over the signed API."""

import pytest
from lifecycle_support import submit_and_wait

from mortgage_cloud.banks.client import BankApiError


async def test_disburse_after_archived(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    bank, _, _ = prepared.drafts[0]
    result = await bank.client.post(f"/bank/v1/applications/{status['id']}/disburse")
    assert result["state"] == "loan_disbursed"
    assert result["timeline"][-1]["state"] == "loan_disbursed"


async def test_disburse_before_proof_409(prepare):
    prepared = await prepare("clean_single_owner")
    bank, application, _ = prepared.drafts[0]
    with pytest.raises(BankApiError) as raised:
        await bank.client.post(f"/bank/v1/applications/{application['id']}/disburse")
    assert raised.value.status == 409
    assert raised.value.code == "NOT_DISBURSABLE"


async def test_disburse_twice_409(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    bank, _, _ = prepared.drafts[0]
    await bank.client.post(f"/bank/v1/applications/{status['id']}/disburse")
    with pytest.raises(BankApiError) as raised:
        await bank.client.post(f"/bank/v1/applications/{status['id']}/disburse")
    assert raised.value.status == 409


async def test_disburse_retry_same_key_replayed(prepare):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    bank, _, _ = prepared.drafts[0]
    path = f"/bank/v1/applications/{status['id']}/disburse"
    first = await bank.client.post(path, idempotency_key="disburse-retry-1")
    second = await bank.client.post(path, idempotency_key="disburse-retry-1")
    assert second == first


async def test_disburse_other_bank_404(prepare, flow_banks):
    prepared = await prepare("clean_single_owner")
    status = await submit_and_wait(prepared)
    with pytest.raises(BankApiError) as raised:
        await flow_banks[1].client.post(f"/bank/v1/applications/{status['id']}/disburse")
    assert raised.value.status == 404
