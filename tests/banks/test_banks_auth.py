"""Signed-request authentication through the real app over HTTP: each attack is rejected with its own code."""

import os
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import redis.asyncio as aioredis
from cryptography import x509

from mortgage_cloud.banks.keys import generate_private_key_pem
from mortgage_cloud.banks.models import InstitutionCertificate, SignatureAlgorithm
from mortgage_cloud.banks.service import create_officer, revoke_certificate, set_institution_status
from mortgage_cloud.settings import Settings

PATH = "/bank/v1/institution"


async def test_signed_request_accepted(client: httpx.AsyncClient, bank) -> None:
    response = await client.get(PATH, headers=bank.headers("GET", PATH))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == bank.institution_id


@pytest.mark.parametrize("algorithm", list(SignatureAlgorithm))
async def test_each_algorithm_accepted(client: httpx.AsyncClient, onboard, algorithm: SignatureAlgorithm) -> None:
    credentials = await onboard(algorithm)
    response = await client.get(PATH, headers=credentials.headers("GET", PATH))
    assert response.status_code == 200, response.text


async def test_profile_lists_certificate(client: httpx.AsyncClient, bank) -> None:
    response = await client.get(PATH, headers=bank.headers("GET", PATH))
    assert [item["serial_no"] for item in response.json()["certificates"]] == [bank.serial_no]


async def test_missing_signature_rejected(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH)
    assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_MISSING")


async def test_malformed_header_rejected(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH, headers={"Authorization": 'MC-SHA256-ECDSA mchid="x"'})
    assert (response.status_code, response.json()["code"]) == (401, "AUTHORIZATION_MALFORMED")


async def test_non_uuid_mchid_rejected(client: httpx.AsyncClient, bank) -> None:
    header = bank.headers("GET", PATH)["Authorization"].replace(bank.institution_id, "1900009191")
    response = await client.get(PATH, headers={"Authorization": header})
    assert response.json()["code"] == "AUTHORIZATION_MALFORMED"


async def test_replayed_nonce_rejected(client: httpx.AsyncClient, bank) -> None:
    headers = bank.headers("GET", PATH)
    first = await client.get(PATH, headers=headers)
    second = await client.get(PATH, headers=headers)
    assert first.status_code == 200
    assert (second.status_code, second.json()["code"]) == (401, "NONCE_REPLAYED")


async def test_expired_timestamp_rejected(client: httpx.AsyncClient, bank, settings: Settings) -> None:
    stale = int(time.time()) - settings.bank_signature_window_seconds - 60
    response = await client.get(PATH, headers=bank.headers("GET", PATH, timestamp=stale))
    assert (response.status_code, response.json()["code"]) == (401, "TIMESTAMP_OUT_OF_WINDOW")


async def test_future_timestamp_rejected(client: httpx.AsyncClient, bank, settings: Settings) -> None:
    future = int(time.time()) + settings.bank_signature_window_seconds + 60
    response = await client.get(PATH, headers=bank.headers("GET", PATH, timestamp=future))
    assert response.json()["code"] == "TIMESTAMP_OUT_OF_WINDOW"


async def test_tampered_query_rejected(client: httpx.AsyncClient, bank) -> None:
    headers = bank.headers("GET", PATH + "?page=1")
    response = await client.get(PATH + "?page=2", headers=headers)
    assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_INVALID")


async def test_tampered_path_rejected(client: httpx.AsyncClient, bank) -> None:
    headers = bank.headers("GET", "/bank/v1/platform-certificates")
    response = await client.get(PATH, headers=headers)
    assert response.json()["code"] == "SIGNATURE_INVALID"


async def test_tampered_body_rejected(client: httpx.AsyncClient, bank) -> None:
    headers = bank.headers("GET", PATH, b'{"amount":"100.00"}')
    response = await client.request("GET", PATH, headers=headers, content=b'{"amount":"900.00"}')
    assert response.json()["code"] == "SIGNATURE_INVALID"


async def test_tampered_method_rejected(client: httpx.AsyncClient, bank) -> None:
    headers = bank.headers("POST", PATH)
    response = await client.get(PATH, headers=headers)
    assert response.json()["code"] == "SIGNATURE_INVALID"


async def test_wrong_key_rejected(client: httpx.AsyncClient, bank) -> None:
    other_key = generate_private_key_pem(SignatureAlgorithm.ECDSA_P256_SHA256)
    response = await client.get(PATH, headers=bank.headers("GET", PATH, private_key_pem=other_key))
    assert (response.status_code, response.json()["code"]) == (401, "SIGNATURE_INVALID")


async def test_bad_signature_keeps_nonce_usable(client: httpx.AsyncClient, bank) -> None:
    other_key = generate_private_key_pem(SignatureAlgorithm.ECDSA_P256_SHA256)
    nonce = "N" * 32
    forged = await client.get(PATH, headers=bank.headers("GET", PATH, nonce=nonce, private_key_pem=other_key))
    genuine = await client.get(PATH, headers=bank.headers("GET", PATH, nonce=nonce))
    assert forged.status_code == 401
    assert genuine.status_code == 200


async def test_unknown_serial_rejected(client: httpx.AsyncClient, bank) -> None:
    response = await client.get(PATH, headers=bank.headers("GET", PATH, serial_no="abcdef0123456789"))
    assert (response.status_code, response.json()["code"]) == (401, "CERTIFICATE_UNKNOWN")


async def test_other_institutions_serial_rejected(client: httpx.AsyncClient, bank, onboard) -> None:
    other = await onboard()
    response = await client.get(PATH, headers=bank.headers("GET", PATH, serial_no=other.serial_no,
                                                           private_key_pem=other.private_key_pem))
    assert response.json()["code"] == "CERTIFICATE_UNKNOWN"


async def test_revoked_certificate_rejected(client: httpx.AsyncClient, bank) -> None:
    await revoke_certificate(serial_no=bank.serial_no)
    response = await client.get(PATH, headers=bank.headers("GET", PATH))
    assert (response.status_code, response.json()["code"]) == (401, "CERTIFICATE_REVOKED")


async def test_expired_certificate_rejected(client: httpx.AsyncClient, bank) -> None:
    past = datetime.now(timezone.utc) - timedelta(days=1)
    await InstitutionCertificate.filter(serial_no=bank.serial_no).update(not_after=past)
    response = await client.get(PATH, headers=bank.headers("GET", PATH))
    assert response.json()["code"] == "CERTIFICATE_REVOKED"


async def test_suspended_institution_forbidden(client: httpx.AsyncClient, bank) -> None:
    await set_institution_status(institution_id=bank.institution_id, status="suspended")
    response = await client.get(PATH, headers=bank.headers("GET", PATH))
    assert (response.status_code, response.json()["code"]) == (403, "INSTITUTION_SUSPENDED")


async def test_error_message_in_chinese(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH)
    assert "签名" in response.json()["message"]


async def test_officer_of_institution_accepted(client: httpx.AsyncClient, bank) -> None:
    officer = await create_officer(institution_id=bank.institution_id, name="李客户经理", phone="13800138000")
    headers = bank.headers("GET", PATH, officer_id=str(officer.id))
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 200


async def test_officer_of_other_institution_forbidden(client: httpx.AsyncClient, bank, onboard) -> None:
    other = await onboard()
    officer = await create_officer(institution_id=other.institution_id, name="王经办")
    headers = bank.headers("GET", PATH, officer_id=str(officer.id))
    response = await client.get(PATH, headers=headers)
    assert (response.status_code, response.json()["code"]) == (403, "OFFICER_OF_OTHER_INSTITUTION")


async def test_error_response_signed(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH)
    assert "Mc-Signature" in response.headers


async def test_nonce_kept_in_runtime_cache(client: httpx.AsyncClient, bank, runtime) -> None:
    nonce = "C" * 32
    await client.get(PATH, headers=bank.headers("GET", PATH, nonce=nonce))
    assert await runtime.cache.get(f"bank-nonce:{bank.institution_id}:{nonce}") == "1"


@pytest.mark.skipif(not os.environ.get("MC_TEST_BACKEND") == "postgres", reason="Redis runs only with the postgres backend")
async def test_nonce_visible_to_other_redis_clients(client: httpx.AsyncClient, bank, settings: Settings) -> None:
    nonce = "R" * 32
    await client.get(PATH, headers=bank.headers("GET", PATH, nonce=nonce))
    other = aioredis.from_url(settings.redis_url, decode_responses=True)
    try:
        ttl = await other.ttl(f"{settings.redis_prefix}bank-nonce:{bank.institution_id}:{nonce}")
    finally:
        await other.aclose()
    assert 0 < ttl <= 2 * settings.bank_signature_window_seconds


async def test_platform_certificates_unsigned_request(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.get("/bank/v1/platform-certificates")
    assert response.status_code == 200
    assert (settings.data_dir / "platform-api-key" / "cert.pem").exists()


async def test_platform_certificate_issued_by_ca(client: httpx.AsyncClient) -> None:
    body = (await client.get("/bank/v1/platform-certificates")).json()
    certificate = x509.load_pem_x509_certificate(body["certificates"][0]["certificate_pem"].encode())
    ca = x509.load_pem_x509_certificate(body["ca_certificate_pem"].encode())
    certificate.verify_directly_issued_by(ca)
    assert certificate.issuer == ca.subject


async def test_unknown_bank_route_signed(client: httpx.AsyncClient) -> None:
    response = await client.get("/bank/v1/no-such-route")
    assert response.status_code == 404
    assert "Mc-Signature" in response.headers
