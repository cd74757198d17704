"""A branch kiosk driven over HTTP as the kiosk page does, and the bank's steps of the PC flow."""

import asyncio
from datetime import date, timedelta
from typing import Any

from mortgage_cloud.demo.cases import Bank
from mortgage_cloud.demo.kiosk import KioskDevice  # noqa: F401 - the kiosk tests import it from here

TERMINAL_STATES = {"archived", "rejected", "manual_review", "withdrawn", "loan_disbursed"}


def loan_data(consent_id: str, unit_no: str) -> dict[str, Any]:
    """Return general-mortgage loan terms for a unit, as a bank's loan system sends them."""
    start = date.today() + timedelta(days=3)
    return {
        "consent_id": consent_id, "unit_no": unit_no, "mortgage_type": "general", "secured_amount": "520000.00",
        "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 20).isoformat(),
        "loan_contract_no": f"PC-{start:%Y}-{unit_no[-8:]}",
    }


async def create_application(bank: Bank, *, consent_id: str, unit_no: str) -> dict[str, Any]:
    """Query under the consent, create the application and generate its documents, as the officer's system does."""
    query = await bank.client.post("/bank/v1/property-queries", {"consent_id": consent_id})
    assert unit_no in {item["unit_no"] for item in query["items"]}
    application = await bank.client.post("/bank/v1/applications", loan_data(consent_id, unit_no))
    await bank.client.post(f"/bank/v1/applications/{application['id']}/documents")
    return application


async def wait_for_outcome(bank: Bank, application_id: str, *, timeout: float = 60.0) -> dict[str, Any]:
    """Poll the bank API until the application stops moving."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = await bank.client.get(f"/bank/v1/applications/{application_id}")
        if status["state"] in TERMINAL_STATES or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.1)
