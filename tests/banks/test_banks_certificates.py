"""Certificate rotation and revocation through the signed bank API, and what a revoked certificate can still do."""

import asyncio
import dataclasses

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mortgage_cloud.banks.client import BankApiError
from mortgage_cloud.banks.models import CertificateStatus, InstitutionCertificate, RevocationReason
from mortgage_cloud.banks.service import rotate_certificate

from test_banks_service import _cli


async def second_certificate(bank):
    """Add an ECDSA certificate with a generated key, so the bank may revoke one of its two."""
    result = await rotate_certificate(institution_id=bank.institution_id, algorithm=str(bank.algorithm))
    return dataclasses.replace(bank, serial_no=result.serial_no, private_key_pem=result.private_key_pem)


def csr_pem(key: ec.EllipticCurvePrivateKey) -> str:
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "长沙测试银行")]))
               .sign(key, hashes.SHA256()))
    return request.public_bytes(serialization.Encoding.PEM).decode()


async def test_certificates_listed(server_url, bank):
    async with bank.client(server_url) as client:
        listed = await client.list_certificates()
    assert [item["serial_no"] for item in listed["items"]] == [bank.serial_no]


async def test_rotate_generated_key_signs_requests(server_url, bank):
    async with bank.client(server_url) as client:
        rotated = await client.rotate_certificate()
    new = dataclasses.replace(bank, serial_no=rotated["certificate"]["serial_no"],
                              private_key_pem=rotated["private_key_pem"])
    async with new.client(server_url) as client:
        profile = await client.get("/bank/v1/institution")
    assert profile["id"] == bank.institution_id


async def test_rotate_retry_omits_private_key(server_url, bank):
    async with bank.client(server_url) as client:
        first = await client.rotate_certificate(idempotency_key="rotate-once-1")
        retry = await client.rotate_certificate(idempotency_key="rotate-once-1")
    assert first["private_key_pem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert retry["private_key_pem"] is None
    assert retry["certificate"]["serial_no"] == first["certificate"]["serial_no"]


async def test_rotate_from_csr_certifies_bank_key(server_url, bank):
    key = ec.generate_private_key(ec.SECP256R1())
    async with bank.client(server_url) as client:
        rotated = await client.rotate_certificate(csr_pem=csr_pem(key))
    issued = x509.load_pem_x509_certificate(rotated["certificate"]["certificate_pem"].encode())
    assert issued.public_key() == key.public_key()
    assert rotated["private_key_pem"] is None


async def test_rotate_invalid_csr_rejected(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.rotate_certificate(csr_pem="-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")
    assert (raised.value.status, raised.value.code) == (422, "CERTIFICATE_REQUEST_INVALID")


async def test_rotate_oversized_pem_rejected(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.rotate_certificate(public_key_pem="A" * 20_000)
    assert raised.value.context == {"field": "public_key_pem"}


async def test_revoke_records_reason(server_url, bank):
    spare = await second_certificate(bank)
    async with bank.client(server_url) as client:
        revoked = await client.revoke_certificate(spare.serial_no, reason="key_compromise")
    stored = await InstitutionCertificate.get(serial_no=spare.serial_no)
    assert (revoked["status"], revoked["revocation_reason"]) == ("revoked", "key_compromise")
    assert stored.revocation_reason == RevocationReason.KEY_COMPROMISE


async def test_revoked_certificate_request_rejected(server_url, bank):
    spare = await second_certificate(bank)
    async with bank.client(server_url) as client:
        await client.revoke_certificate(spare.serial_no, reason="superseded")
    async with spare.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.get("/bank/v1/institution")
    assert (raised.value.status, raised.value.code) == (401, "CERTIFICATE_REVOKED")


async def test_revoke_own_signing_certificate(server_url, bank):
    spare = await second_certificate(bank)
    async with spare.client(server_url) as client:
        revoked = await client.revoke_certificate(spare.serial_no, reason="key_compromise")
    assert revoked["status"] == "revoked"


async def test_revoke_needs_reason(server_url, bank):
    spare = await second_certificate(bank)
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.post(f"/bank/v1/certificates/{spare.serial_no}/revoke", {})
    assert raised.value.context == {"field": "reason"}


async def test_revoke_unknown_reason_rejected(server_url, bank):
    spare = await second_certificate(bank)
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.revoke_certificate(spare.serial_no, reason="lost")
    assert (raised.value.status, raised.value.context) == (422, {"field": "reason"})


async def test_revoke_other_institution_certificate_404(server_url, bank, onboard):
    other = await onboard()
    await second_certificate(other)
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.revoke_certificate(other.serial_no, reason="key_compromise")
    stored = await InstitutionCertificate.get(serial_no=other.serial_no)
    assert (raised.value.status, raised.value.code) == (404, "CERTIFICATE_NOT_FOUND")
    assert stored.status == CertificateStatus.ACTIVE


async def test_revoke_last_active_certificate_rejected(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.revoke_certificate(bank.serial_no, reason="superseded")
    assert (raised.value.status, raised.value.code) == (409, "CERTIFICATE_LAST_ACTIVE")


async def test_revoke_malformed_serial_rejected(server_url, bank):
    async with bank.client(server_url) as client:
        with pytest.raises(BankApiError) as raised:
            await client.revoke_certificate("not-hex", reason="superseded")
    assert raised.value.context == {"field": "serial_no"}


async def test_cli_revoke_with_reason(runtime, settings, bank):
    spare = await second_certificate(bank)
    result = await asyncio.to_thread(_cli, settings, "institution", "revoke-cert", "--serial", spare.serial_no,
                                     "--reason", "cessation_of_operation")
    stored = await InstitutionCertificate.get(serial_no=spare.serial_no)
    assert result.returncode == 0, result.stderr
    assert stored.revocation_reason == RevocationReason.CESSATION_OF_OPERATION
