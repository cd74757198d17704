"""The Python bank client against the real app: signed requests, checked response signatures, typed errors."""

import httpx
import pytest

from mortgage_cloud.banks.client import BankApiError, BankClient, ResponseSignatureInvalid
from mortgage_cloud.banks.keys import generate_private_key_pem
from mortgage_cloud.banks.models import SignatureAlgorithm


@pytest.mark.parametrize("algorithm", list(SignatureAlgorithm))
async def test_client_get_profile(server_url: str, onboard, algorithm: SignatureAlgorithm) -> None:
    credentials = await onboard(algorithm)
    async with credentials.client(server_url) as bank:
        profile = await bank.get("/bank/v1/institution")
    assert profile["id"] == credentials.institution_id


async def test_client_query_params_signed(server_url: str, bank) -> None:
    async with bank.client(server_url) as client:
        profile = await client.get("/bank/v1/institution", params={"fields": "name,uscc", "note": "中文 & 空格"})
    assert profile["id"] == bank.institution_id


async def test_client_raises_api_error(server_url: str, bank) -> None:
    wrong_key = generate_private_key_pem(SignatureAlgorithm.ECDSA_P256_SHA256)
    client = BankClient(server_url, institution_id=bank.institution_id, serial_no=bank.serial_no,
                        private_key_pem=wrong_key, algorithm=bank.algorithm)
    async with client:
        with pytest.raises(BankApiError) as raised:
            await client.get("/bank/v1/institution")
    assert (raised.value.code, raised.value.status) == ("SIGNATURE_INVALID", 401)


async def test_client_fetches_platform_certificates(server_url: str, bank) -> None:
    async with bank.client(server_url) as client:
        listed = await client.platform_certificates()
    assert listed[0]["algorithm"] == "ecdsa-p256-sha256"


async def test_client_accepts_pinned_ca(server_url: str, client: httpx.AsyncClient, bank) -> None:
    ca_pem = (await client.get("/bank/v1/platform-certificates")).json()["ca_certificate_pem"]
    async with bank.client(server_url, platform_ca_pem=ca_pem) as signed:
        profile = await signed.get("/bank/v1/institution")
    assert profile["id"] == bank.institution_id


async def test_client_rejects_foreign_ca(server_url: str, bank, tmp_path) -> None:
    from mortgage_cloud.signing.ca import PlatformCA

    foreign = await PlatformCA.load_or_create(tmp_path / "foreign-ca", data_key="another-deployment-data-key-0123456789")
    async with bank.client(server_url, platform_ca_pem=foreign.certificate_pem.decode()) as signed:
        with pytest.raises(ResponseSignatureInvalid):
            await signed.get("/bank/v1/institution")


async def test_client_rejects_unpinned_serial(server_url: str, bank) -> None:
    other_certificate = _self_signed_certificate_pem()
    async with bank.client(server_url, platform_certificates=[other_certificate]) as signed:
        with pytest.raises(ResponseSignatureInvalid):
            await signed.get("/bank/v1/institution")


async def test_response_signature_verifies(server_url: str, client: httpx.AsyncClient, bank) -> None:
    response = await client.get("/bank/v1/platform-certificates")
    async with bank.client(server_url) as signed:
        await signed.verify_response(response)


async def test_tampered_response_body_rejected(server_url: str, client: httpx.AsyncClient, bank) -> None:
    response = await client.get("/bank/v1/platform-certificates")
    tampered = httpx.Response(response.status_code, headers=response.headers,
                              content=response.content.replace(b"ecdsa", b"ECDSA"))
    async with bank.client(server_url) as signed:
        with pytest.raises(ResponseSignatureInvalid):
            await signed.verify_response(tampered)


async def test_tampered_response_timestamp_rejected(server_url: str, client: httpx.AsyncClient, bank) -> None:
    response = await client.get("/bank/v1/platform-certificates")
    headers = dict(response.headers) | {"Mc-Timestamp": str(int(response.headers["Mc-Timestamp"]) + 1)}
    tampered = httpx.Response(response.status_code, headers=headers, content=response.content)
    async with bank.client(server_url) as signed:
        with pytest.raises(ResponseSignatureInvalid):
            await signed.verify_response(tampered)


async def test_unsigned_response_rejected(server_url: str, bank) -> None:
    unsigned = httpx.Response(200, json={"id": bank.institution_id})
    async with bank.client(server_url) as signed:
        with pytest.raises(ResponseSignatureInvalid):
            await signed.verify_response(unsigned)


async def test_client_method_not_allowed(server_url: str, bank) -> None:
    async with bank.client(server_url) as signed:
        with pytest.raises(BankApiError) as raised:
            await signed.post("/bank/v1/institution", {"a": 1})
    assert (raised.value.code, raised.value.status) == ("METHOD_NOT_ALLOWED", 405)


def _self_signed_certificate_pem() -> str:
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone else")])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
