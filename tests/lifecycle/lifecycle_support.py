"""Helpers shared by the lifecycle tests: submit and wait as the borrower, wait as the bank."""

import asyncio
from datetime import date, timedelta

from mortgage_cloud.demo.actors import TERMINAL_STATES
from mortgage_cloud.demo.cases import Bank, Prepared


async def submit_and_wait(prepared: Prepared) -> dict:
    """Submit the prepared application as its borrower and wait until the pipeline stops moving it."""
    _, application, _ = prepared.drafts[0]
    response = await prepared.primary.submit(application["id"])
    assert response.status_code == 202, response.text
    return await prepared.primary.wait_for_outcome(application["id"], timeout=60)


async def bank_wait(bank: Bank, application_id: str, *, timeout: float = 60.0) -> dict:
    """Poll the bank's status API until the application reaches a state the pipeline does not leave by itself."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = await bank.client.get(f"/bank/v1/applications/{application_id}")
        if status["state"] in TERMINAL_STATES or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.05)


async def mortgage_again(prepared: Prepared) -> dict:
    """Open, sign, seal and submit a second mortgage on the prepared single-owner unit; return its final status.

    It reuses the borrower already logged in, because the register binds an ID number to one WeChat account.
    """
    bank, first, _ = prepared.drafts[0]
    borrower = prepared.primary
    consent_id = await borrower.grant_consent(bank.institution_id)
    start = date.today() + timedelta(days=3)
    application = await bank.client.post("/bank/v1/applications", {
        "consent_id": consent_id, "unit_no": first["unit_no"], "mortgage_type": "general",
        "secured_amount": "300000.00", "debt_start": start.isoformat(),
        "debt_end": start.replace(year=start.year + 10).isoformat(), "loan_contract_no": "JK-AGAIN-00000001",
    })
    await bank.client.post(f"/bank/v1/applications/{application['id']}/documents")
    await borrower.preview(application["id"])
    signed = await borrower.sign(application["id"])
    assert signed.status_code == 201, signed.text
    await bank.client.post(f"/bank/v1/applications/{application['id']}/seal")

    response = await borrower.submit(application["id"])
    assert response.status_code == 202, response.text
    return await borrower.wait_for_outcome(application["id"], timeout=60)
