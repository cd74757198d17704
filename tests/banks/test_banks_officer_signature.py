"""The request signature covers `Mc-Officer-Id`: a header added, removed or changed after signing is rejected."""

import uuid

import httpx
import pytest

from mortgage_cloud.banks.models import SignatureAlgorithm
from mortgage_cloud.banks.service import create_officer
from mortgage_cloud.banks.signature import signing_message

PATH = "/bank/v1/institution"
OFFICER_ID = "0b5c7f0e-3a1d-4c2b-9e8f-7a6b5c4d3e2f"
NONCE = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"


def test_signing_message_officer_line_before_nonce() -> None:
    message = signing_message(method="GET", path_with_query=PATH, timestamp=1796400000, nonce=NONCE, body=b"",
                              officer_id=OFFICER_ID)
    assert message == f"GET\n{PATH}\n1796400000\n{OFFICER_ID}\n{NONCE}\n\n".encode()


def test_signing_message_without_officer_unchanged() -> None:
    message = signing_message(method="GET", path_with_query=PATH, timestamp=1796400000, nonce=NONCE, body=b"",
                              officer_id=None)
    assert message == f"GET\n{PATH}\n1796400000\n{NONCE}\n\n".encode()


@pytest.mark.parametrize("algorithm", list(SignatureAlgorithm))
async def test_signed_officer_accepted(client: httpx.AsyncClient, onboard, algorithm: SignatureAlgorithm) -> None:
    credentials = await onboard(algorithm)
    officer = await create_officer(institution_id=credentials.institution_id, name="李客户经理")
    response = await client.get(PATH, headers=credentials.headers("GET", PATH, officer_id=str(officer.id)))
    assert response.status_code == 200, response.text


async def test_officer_added_after_signing_rejected(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    headers = bank.headers("GET", PATH) | {"Mc-Officer-Id": str(officer.id)}
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "OFFICER_HEADER_UNSIGNED"


async def test_officer_unsigned_message_in_chinese(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    headers = bank.headers("GET", PATH) | {"Mc-Officer-Id": str(officer.id)}
    response = await client.get(PATH, headers=headers)
    assert "签名串" in response.json()["message"]


async def test_officer_removed_after_signing_rejected(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    headers = bank.headers("GET", PATH, officer_id=str(officer.id))
    del headers["Mc-Officer-Id"]
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "SIGNATURE_INVALID"


async def test_officer_changed_after_signing_rejected(client: httpx.AsyncClient, bank) -> None:
    read_only = await create_officer(institution_id=bank.institution_id, name="赵查询", role="read_only")
    supervisor = await create_officer(institution_id=bank.institution_id, name="钱主管", role="supervisor")
    headers = bank.headers("GET", PATH, officer_id=str(read_only.id)) | {"Mc-Officer-Id": str(supervisor.id)}
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "SIGNATURE_INVALID"


async def test_officer_case_changed_after_signing_rejected(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    headers = bank.headers("GET", PATH, officer_id=str(officer.id)) | {"Mc-Officer-Id": str(officer.id).upper()}
    response = await client.get(PATH, headers=headers)
    assert response.json()["code"] == "SIGNATURE_INVALID"


async def test_officer_tampering_keeps_nonce_usable(client: httpx.AsyncClient, bank) -> None:
    loan_officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    other = await create_officer(institution_id=bank.institution_id, name="孙客户经理")
    headers = bank.headers("GET", PATH, officer_id=str(loan_officer.id))
    tampered = await client.get(PATH, headers=headers | {"Mc-Officer-Id": str(other.id)})
    assert tampered.status_code == 401
    genuine = await client.get(PATH, headers=headers)
    assert genuine.status_code == 200, genuine.text


async def test_officer_id_without_hyphens_rejected(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    officer_id = uuid.UUID(str(officer.id)).hex
    response = await client.get(PATH, headers=bank.headers("GET", PATH, officer_id=officer_id))
    assert response.status_code == 403
    assert response.json()["code"] == "OFFICER_ID_INVALID"


async def test_officer_header_repeated_rejected(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    other = await create_officer(institution_id=bank.institution_id, name="孙客户经理")
    headers = list(bank.headers("GET", PATH, officer_id=str(officer.id)).items())
    headers.append(("Mc-Officer-Id", str(other.id)))
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "OFFICER_ID_INVALID"


async def test_client_signs_officer(server_url: str, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理")
    async with bank.client(server_url, officer_id=str(officer.id)) as signed:
        profile = await signed.get(PATH)
    assert profile["id"] == bank.institution_id
