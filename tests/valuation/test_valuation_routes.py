"""The signed bank API for valuations over real HTTP: create, read back, report PDF, authorisation."""

import secrets

import pytest
from valuation_synthetic import make_rows

from mortgage_cloud.banks.client import BankApiError, BankClient
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.identifiers import USCC_ALPHABET, make_uscc


async def _bank_client(server_url: str) -> BankClient:
    organisation_code = "".join(secrets.choice(USCC_ALPHABET) for _ in range(9))
    result = await onboard_institution(
        name="长沙估价测试银行股份有限公司", uscc=make_uscc(division_code="430100", organisation_code=organisation_code), kind="bank",
    )
    return BankClient(server_url, institution_id=str(result.institution.id), serial_no=result.serial_no,
                      private_key_pem=result.private_key_pem, algorithm=result.certificate.algorithm)


@pytest.fixture
async def bank_client(installed_model, server_url: str):
    client = await _bank_client(server_url)
    yield client
    await client.aclose()


def _address() -> dict:
    row = make_rows(1, seed=41)[0]
    return {"district": row.district, "community": row.community, "area": 90, "floor_band": "高", "total_floors": 18}


async def test_routes_create_valuation(bank_client: BankClient) -> None:
    body = await bank_client.post("/bank/v1/valuations", {"address": _address()})
    assert body["method"] in {"comparables", "model", "blend"}
    assert body["confidence_grade"] in {"A", "B", "C", "D"}
    assert float(body["interval_80"]["low"]) < float(body["total_value"]) < float(body["interval_80"]["high"])


async def test_routes_read_back_valuation(bank_client: BankClient) -> None:
    created = await bank_client.post("/bank/v1/valuations", {"address": _address()})
    fetched = await bank_client.get(f"/bank/v1/valuations/{created['id']}")
    assert fetched["total_value"] == created["total_value"]


async def test_routes_other_bank_cannot_read(bank_client: BankClient, server_url: str) -> None:
    created = await bank_client.post("/bank/v1/valuations", {"address": _address()})
    other = await _bank_client(server_url)
    try:
        with pytest.raises(BankApiError) as caught:
            await other.get(f"/bank/v1/valuations/{created['id']}")
    finally:
        await other.aclose()
    assert caught.value.status == 404


async def test_routes_unit_needs_application(bank_client: BankClient) -> None:
    with pytest.raises(BankApiError) as caught:
        await bank_client.post("/bank/v1/valuations", {"unit_no": "430104998001GB00001F00010001"})
    assert caught.value.context["field"] == "application_id"


async def test_routes_bad_address_field_named(bank_client: BankClient) -> None:
    with pytest.raises(BankApiError) as caught:
        await bank_client.post("/bank/v1/valuations", {"address": _address() | {"area": -3}})
    assert caught.value.status == 422
    assert caught.value.context["field"] == "area"


async def test_routes_unsigned_request_rejected(installed_model, client) -> None:
    response = await client.post("/bank/v1/valuations", json={"address": _address()}, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 401


async def test_routes_idempotent_retry_same_valuation(bank_client: BankClient) -> None:
    first = await bank_client.post("/bank/v1/valuations", {"address": _address()}, idempotency_key="valuation-retry-1")
    second = await bank_client.post("/bank/v1/valuations", {"address": _address()}, idempotency_key="valuation-retry-1")
    assert second["id"] == first["id"]


async def test_routes_report_pdf(bank_client: BankClient) -> None:
    created = await bank_client.post("/bank/v1/valuations", {"address": _address()})
    response = await bank_client.send("GET", f"/bank/v1/valuations/{created['id']}/report.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
