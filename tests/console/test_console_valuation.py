"""Console valuations: by address fields or by one of the bank's applications, read back, and the report files."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest

from mortgage_cloud.valuation import store
from mortgage_cloud.valuation.model import ValuationModel

# The valuation tests' synthetic market, loaded by path because test folders are not packages.
_SYNTHETIC = Path(__file__).resolve().parents[1] / "valuation" / "valuation_synthetic.py"
_spec = importlib.util.spec_from_file_location("console_valuation_synthetic", _SYNTHETIC)
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)


@pytest.fixture(scope="module")
def console_model(runtime) -> ValuationModel:
    """A model trained on 1,500 synthetic listings, saved as the deployment's current model."""
    model = ValuationModel.fit([synthetic.to_listing(row) for row in synthetic.make_rows(1500, seed=1)])
    store.save(model, runtime.settings.data_dir / "valuation")
    return model


@pytest.fixture
async def officer_headers(console_model, make_officer, session_of) -> dict:
    return await session_of(await make_officer(role="loan_officer"))


def address() -> dict:
    row = synthetic.make_rows(1, seed=41)[0]
    return {"district": row.district, "community": row.community, "area": 90, "floor": 9, "total_floors": 18}


async def test_valuation_by_address(client, officer_headers):
    response = await client.post("/console/v1/valuations", headers=officer_headers, json={"address": address()})
    assert response.status_code == 201
    assert float(response.json()["total_value"]) > 0
    assert response.json()["unit_no"] is None


async def test_valuation_read_back(client, officer_headers):
    created = (await client.post("/console/v1/valuations", headers=officer_headers, json={"address": address()})).json()
    response = await client.get(f"/console/v1/valuations/{created['id']}", headers=officer_headers)
    assert response.json()["total_value"] == created["total_value"]


async def test_valuation_other_bank_not_found(client, officer_headers, make_officer, session_of):
    created = (await client.post("/console/v1/valuations", headers=officer_headers, json={"address": address()})).json()
    other = await session_of(await make_officer(bank=1))
    response = await client.get(f"/console/v1/valuations/{created['id']}", headers=other)
    assert response.status_code == 404


async def test_valuation_needs_application_or_address(client, officer_headers):
    response = await client.post("/console/v1/valuations", headers=officer_headers, json={"unit_no": "x" * 28})
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "application_id"


async def test_valuation_bad_address_field_named(client, officer_headers):
    response = await client.post("/console/v1/valuations", headers=officer_headers,
                                 json={"address": address() | {"area": -3}})
    assert response.status_code == 422
    assert response.json()["context"]["field"] == "area"


async def test_valuation_other_bank_application_not_found(client, officer_headers, consenting_borrower,
                                                          make_officer, session_of):
    borrower = await consenting_borrower(bank=1)
    other = await session_of(await make_officer(bank=1))
    start = date.today() + timedelta(days=3)
    application = (await client.post("/console/v1/applications", headers=other, json={
        "consent_id": borrower.consent_id, "unit_no": borrower.unit_no, "secured_amount": "300000.00",
        "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 5).isoformat(),
        "loan_contract_no": "JK-2026-VALUE001"})).json()
    response = await client.post("/console/v1/valuations", headers=officer_headers,
                                 json={"application_id": application["id"]})
    assert response.status_code == 404


async def test_valuation_unit_differs_from_application(client, officer_headers, consenting_borrower):
    borrower = await consenting_borrower()
    start = date.today() + timedelta(days=3)
    application = (await client.post("/console/v1/applications", headers=officer_headers, json={
        "consent_id": borrower.consent_id, "unit_no": borrower.unit_no, "secured_amount": "300000.00",
        "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 5).isoformat(),
        "loan_contract_no": "JK-2026-VALUE002"})).json()
    response = await client.post("/console/v1/valuations", headers=officer_headers,
                                 json={"application_id": application["id"], "unit_no": "4" * 28})
    assert response.status_code == 403


async def test_valuation_report_files(client, officer_headers):
    created = (await client.post("/console/v1/valuations", headers=officer_headers, json={"address": address()})).json()
    pdf = await client.get(f"/console/v1/valuations/{created['id']}/report/pdf", headers=officer_headers)
    docx = await client.get(f"/console/v1/valuations/{created['id']}/report/docx", headers=officer_headers)
    assert pdf.content.startswith(b"%PDF")
    assert docx.content.startswith(b"PK")


async def test_valuation_report_unknown_format(client, officer_headers):
    created = (await client.post("/console/v1/valuations", headers=officer_headers, json={"address": address()})).json()
    response = await client.get(f"/console/v1/valuations/{created['id']}/report/xlsx", headers=officer_headers)
    assert response.status_code == 404


async def test_valuation_by_own_application(client, officer_headers, consenting_borrower):
    borrower = await consenting_borrower()
    start = date.today() + timedelta(days=3)
    application = (await client.post("/console/v1/applications", headers=officer_headers, json={
        "consent_id": borrower.consent_id, "unit_no": borrower.unit_no, "secured_amount": "300000.00",
        "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 5).isoformat(),
        "loan_contract_no": "JK-2026-VALUE003"})).json()
    response = await client.post("/console/v1/valuations", headers=officer_headers,
                                 json={"application_id": application["id"]})
    assert response.status_code == 201, response.text
    assert response.json()["unit_no"] == borrower.unit_no
    assert response.json()["application_id"] == application["id"]
