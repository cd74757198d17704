"""The platform CA's CRL: revoked API certificates and seals appear with reason codes, signed by the CA.

The CRL is checked with `cryptography` and with the `openssl crl` command over the files the public
routes serve.
"""

import subprocess
import uuid
from datetime import timedelta

from cryptography import x509

from mortgage_cloud.banks.key_material import ca_directory, platform_ca
from mortgage_cloud.banks.service import onboard_institution, revoke_certificate, rotate_certificate
from mortgage_cloud.signing.crl import current_crl
from mortgage_cloud.signing.models import SealOwnerKind
from mortgage_cloud.signing.service import institution_seal, revoke_seal

from factories import random_uscc


async def revoked_serial(reason: str = "key_compromise") -> int:
    """Onboard an institution, revoke a second certificate of it and return that certificate's serial number."""
    result = await onboard_institution(name="长沙吊销测试银行", uscc=random_uscc(), kind="bank")
    spare = await rotate_certificate(institution_id=result.institution.id)
    await revoke_certificate(serial_no=spare.serial_no, reason=reason)
    return int(spare.serial_no, 16)


async def download_crl(client) -> x509.CertificateRevocationList:
    response = await client.get("/ca/crl.crl")
    assert response.status_code == 200
    return x509.load_der_x509_crl(response.content)


async def test_crl_signed_by_ca(client):
    await revoked_serial()
    crl = await download_crl(client)
    ca = await platform_ca()
    assert crl.is_signature_valid(ca.certificate.public_key())
    assert crl.issuer == ca.certificate.subject


async def test_crl_lists_revoked_api_certificate(client):
    serial = await revoked_serial()
    crl = await download_crl(client)
    assert crl.get_revoked_certificate_by_serial_number(serial) is not None


async def test_crl_entry_has_reason_code(client):
    serial = await revoked_serial("key_compromise")
    entry = (await download_crl(client)).get_revoked_certificate_by_serial_number(serial)
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.key_compromise


async def test_crl_unspecified_reason_omitted(client):
    serial = await revoked_serial("unspecified")
    entry = (await download_crl(client)).get_revoked_certificate_by_serial_number(serial)
    assert all(not isinstance(extension.value, x509.CRLReason) for extension in entry.extensions)


async def test_crl_has_next_update(client):
    await revoked_serial()
    crl = await download_crl(client)
    assert crl.next_update_utc > crl.last_update_utc
    assert crl.next_update_utc - crl.last_update_utc <= timedelta(days=1)


async def test_crl_number_grows_with_revocation(client):
    before = (await download_crl(client)).extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    await revoked_serial()
    after = (await download_crl(client)).extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert after > before


async def test_crl_unchanged_without_revocation(client):
    await revoked_serial()
    first = await client.get("/ca/crl.crl")
    second = await client.get("/ca/crl.crl")
    assert first.content == second.content


async def test_crl_lists_revoked_seal(client, runtime):
    ca = await platform_ca()
    institution_id = uuid.uuid4()
    credentials = await institution_seal(ca, institution_id=institution_id, name="长沙签章测试银行", uscc=random_uscc())
    await revoke_seal(owner_kind=SealOwnerKind.INSTITUTION, owner_id=str(institution_id))
    crl = await download_crl(client)
    assert crl.get_revoked_certificate_by_serial_number(credentials.certificate.serial_number) is not None


async def test_crl_leaves_out_sm2_registration(runtime):
    result = await onboard_institution(name="长沙国密测试银行", uscc=random_uscc(), kind="bank", algorithm="sm2")
    spare = await rotate_certificate(institution_id=result.institution.id, algorithm="sm2")
    await revoke_certificate(serial_no=spare.serial_no, reason="superseded")
    published = await current_crl(await platform_ca(), ca_directory())
    crl = x509.load_der_x509_crl(published.der)
    assert crl.get_revoked_certificate_by_serial_number(int(spare.serial_no, 16)) is None


async def test_crl_pem_route(client):
    response = await client.get("/ca/crl.pem")
    assert response.status_code == 200
    assert response.text.startswith("-----BEGIN X509 CRL-----")


async def test_ca_certificate_routes_match(client):
    ca = await platform_ca()
    pem = await client.get("/ca/certificate.pem")
    der = await client.get("/ca/certificate.crt")
    assert x509.load_pem_x509_certificate(pem.content) == ca.certificate
    assert x509.load_der_x509_certificate(der.content) == ca.certificate


async def test_openssl_verifies_crl_and_lists_serial(client, tmp_path):
    serial = await revoked_serial("key_compromise")
    (tmp_path / "crl.pem").write_bytes((await client.get("/ca/crl.pem")).content)
    (tmp_path / "ca.pem").write_bytes((await client.get("/ca/certificate.pem")).content)

    result = subprocess.run(
        ["openssl", "crl", "-in", str(tmp_path / "crl.pem"), "-CAfile", str(tmp_path / "ca.pem"), "-noout", "-text"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "verify OK" in result.stderr + result.stdout
    # openssl prints the serial in upper-case hex, with a leading 0 when the top bit is set.
    assert format(serial, "X") in result.stdout.upper()
    assert "Key Compromise" in result.stdout


async def test_openssl_rejects_crl_from_other_ca(client, tmp_path):
    from mortgage_cloud.signing.ca import PlatformCA

    other = await PlatformCA.load_or_create(tmp_path / "other-ca", data_key="other-data-key-0123456789abcdef01234567")
    (tmp_path / "crl.pem").write_bytes((await client.get("/ca/crl.pem")).content)
    (tmp_path / "other.pem").write_bytes(other.certificate_pem)
    result = subprocess.run(
        ["openssl", "crl", "-in", str(tmp_path / "crl.pem"), "-CAfile", str(tmp_path / "other.pem"), "-noout"],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert "verify failure" in result.stderr + result.stdout
