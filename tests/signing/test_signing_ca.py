import asyncio
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mortgage_cloud.signing import ca as ca_module
from mortgage_cloud.signing.ca import DOCUMENT_SIGNING, CertificateRequestInvalid, PlatformCA

ID_NUMBER = "11010519491231002X"
USCC = "91430104MA4L1XXXXX"


def _csr(key, name: str = "测试银行") -> bytes:
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .sign(key, hashes.SHA256()))
    return request.public_bytes(serialization.Encoding.PEM)


async def test_ca_reload_keeps_root(tmp_path: Path):
    first = await PlatformCA.load_or_create(tmp_path)
    PlatformCA._loaded.clear()
    second = await PlatformCA.load_or_create(tmp_path)
    assert second.certificate == first.certificate


async def test_ca_concurrent_creation_makes_one_root(tmp_path: Path):
    data_key = "test-data-key-0123456789abcdef0123456789"
    loaded = await asyncio.gather(*[
        asyncio.to_thread(ca_module._load_or_create_files, tmp_path, data_key) for _ in range(6)
    ])
    assert len({authority.certificate.serial_number for authority in loaded}) == 1


async def test_ca_key_file_encrypted(tmp_path: Path):
    await PlatformCA.load_or_create(tmp_path)
    key_pem = (tmp_path / ca_module.KEY_FILE).read_bytes()
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


async def test_ca_wrong_data_key_fails(tmp_path: Path):
    await PlatformCA.load_or_create(tmp_path, data_key="first-key-0123456789abcdef0123456789")
    with pytest.raises(RuntimeError, match="MC_DATA_KEY"):
        await PlatformCA.load_or_create(tmp_path, data_key="other-key-0123456789abcdef0123456789")


def test_ca_root_is_a_ca(ca: PlatformCA):
    constraints = ca.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca


def test_event_certificate_key_usage(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    usage = credentials.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment


def test_event_certificate_extended_key_usage(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    usages = credentials.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert DOCUMENT_SIGNING in usages
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in usages


def test_event_certificate_subject_name(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    names = credentials.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert names[0].value == "王建国"


def test_event_certificate_hides_id_number(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    der = credentials.certificate.public_bytes(serialization.Encoding.DER)
    assert ID_NUMBER.encode() not in der
    assert ID_NUMBER[-8:].encode() not in der


def test_event_certificate_serial_stable_per_person(ca: PlatformCA):
    first = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    second = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER.lower())
    serial_attribute = NameOID.SERIAL_NUMBER
    assert (first.certificate.subject.get_attributes_for_oid(serial_attribute)
            == second.certificate.subject.get_attributes_for_oid(serial_attribute))


def test_event_certificate_fresh_key_each_time(ca: PlatformCA):
    first = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    second = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    assert first.certificate.public_key() != second.certificate.public_key()


def test_event_certificate_issued_by_root(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    credentials.certificate.verify_directly_issued_by(ca.certificate)
    assert credentials.chain == [ca.certificate]


def test_event_certificate_validity_minutes(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER, valid_minutes=10)
    lifetime = credentials.certificate.not_valid_after_utc - credentials.certificate.not_valid_before_utc
    assert lifetime.total_seconds() == (10 + 5) * 60


def test_credentials_repr_hides_key(ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number=ID_NUMBER)
    text = repr(credentials)
    assert "PRIVATE" not in text
    assert "private_key" not in text


def test_organisation_certificate_from_csr(ca: PlatformCA):
    key = ec.generate_private_key(ec.SECP256R1())
    issued = ca.issue_organisation_certificate(name="测试银行", uscc=USCC, csr_pem=_csr(key))
    assert issued.certificate.public_key() == key.public_key()
    assert issued.private_key_pem is None


def test_organisation_certificate_subject_uscc(ca: PlatformCA):
    issued = ca.issue_organisation_certificate(name="测试银行", uscc=USCC)
    serials = issued.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    assert serials[0].value == USCC


def test_organisation_certificate_from_rsa_public_key(ca: PlatformCA):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issued = ca.issue_organisation_certificate(name="测试银行", uscc=USCC, public_key=key.public_key())
    assert issued.certificate.public_key() == key.public_key()


def test_organisation_certificate_generated_key_matches(ca: PlatformCA):
    issued = ca.issue_organisation_certificate(name="测试银行", uscc=USCC)
    key = serialization.load_pem_private_key(issued.private_key_pem, password=None)
    assert key.public_key() == issued.certificate.public_key()


def test_organisation_certificate_repr_hides_key(ca: PlatformCA):
    issued = ca.issue_organisation_certificate(name="测试银行", uscc=USCC)
    assert "PRIVATE" not in repr(issued)


def test_organisation_certificate_rejects_tampered_csr(ca: PlatformCA):
    key = ec.generate_private_key(ec.SECP256R1())
    der = x509.load_pem_x509_csr(_csr(key, name="Bank A")).public_bytes(serialization.Encoding.DER)
    forged = der.replace(b"Bank A", b"Bank B")
    forged_pem = x509.load_der_x509_csr(forged).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(CertificateRequestInvalid):
        ca.issue_organisation_certificate(name="Bank B", uscc=USCC, csr_pem=forged_pem)


def test_organisation_certificate_rejects_small_rsa(ca: PlatformCA):
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(CertificateRequestInvalid):
        ca.issue_organisation_certificate(name="测试银行", uscc=USCC, public_key=key.public_key())


def test_organisation_certificate_rejects_garbage_csr(ca: PlatformCA):
    with pytest.raises(CertificateRequestInvalid):
        ca.issue_organisation_certificate(name="测试银行", uscc=USCC, csr_pem=b"not a csr")


def test_organisation_certificate_client_auth_usage(ca: PlatformCA):
    issued = ca.issue_organisation_certificate(name="测试银行", uscc=USCC)
    usages = issued.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in usages
