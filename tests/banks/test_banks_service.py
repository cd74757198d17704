"""Onboarding, rotation and revocation through the service functions and the `institution` commands."""

import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from mortgage_cloud.banks.keys import generate_private_key_pem, public_key_pem_from_private
from mortgage_cloud.banks.models import CertificateStatus, InstitutionCertificate, SignatureAlgorithm
from mortgage_cloud.banks.service import (
    onboard_institution,
    revoke_certificate,
    rotate_certificate,
)
from mortgage_cloud.errors import AppError
from mortgage_cloud.identifiers import uscc_check_char
from mortgage_cloud.settings import Settings

from factories import random_uscc


def _wrong_check_char(uscc: str) -> str:
    wrong = "0" if uscc_check_char(uscc[:17]) != "0" else "1"
    return uscc[:17] + wrong


async def test_onboard_generates_key(runtime) -> None:
    result = await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank")
    assert "PRIVATE KEY" in result.private_key_pem


async def test_onboard_certificate_issued_by_ca(runtime) -> None:
    result = await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank")
    certificate = x509.load_pem_x509_certificate(result.certificate.certificate_pem.encode())
    assert format(certificate.serial_number, "x") == result.serial_no


async def test_onboard_rsa(runtime) -> None:
    result = await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank", algorithm="rsa-2048")
    assert result.certificate.algorithm == SignatureAlgorithm.RSA_2048_SHA256


async def test_onboard_sm2_without_certificate(runtime) -> None:
    result = await onboard_institution(name="湖南测试公积金中心", uscc=random_uscc(), kind="fund_centre", algorithm="sm2")
    assert result.certificate.certificate_pem is None


async def test_onboard_from_csr_returns_no_key(runtime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "湖南测试银行")]))
        .sign(key, hashes.SHA256())
    )
    result = await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank",
                                       csr_pem=csr.public_bytes(serialization.Encoding.PEM).decode())
    assert result.private_key_pem is None


async def test_onboard_csr_key_must_match_algorithm(runtime) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "湖南测试银行")]))
        .sign(key, hashes.SHA256())
    )
    with pytest.raises(AppError) as raised:
        await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank", algorithm="ecdsa-p256",
                                  csr_pem=csr.public_bytes(serialization.Encoding.PEM).decode())
    assert raised.value.context["field"] == "csr_pem"


async def test_onboard_sm2_public_key(runtime) -> None:
    private = generate_private_key_pem(SignatureAlgorithm.SM2_SM3)
    public = public_key_pem_from_private(private, SignatureAlgorithm.SM2_SM3)
    result = await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank", algorithm="sm2",
                                       public_key_pem=public)
    assert result.certificate.public_key_pem == public


async def test_onboard_sm2_csr_rejected(runtime) -> None:
    with pytest.raises(AppError) as raised:
        await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank", algorithm="sm2",
                                  csr_pem="-----BEGIN CERTIFICATE REQUEST-----")
    assert raised.value.context["field"] == "csr_pem"


async def test_onboard_wrong_key_type_rejected(runtime) -> None:
    sm2_public = public_key_pem_from_private(generate_private_key_pem(SignatureAlgorithm.SM2_SM3), SignatureAlgorithm.SM2_SM3)
    with pytest.raises(AppError) as raised:
        await onboard_institution(name="湖南测试银行", uscc=random_uscc(), kind="bank", public_key_pem=sm2_public)
    assert raised.value.context["field"] == "public_key_pem"


async def test_onboard_uscc_warning_needs_confirmation(runtime) -> None:
    with pytest.raises(AppError) as raised:
        await onboard_institution(name="湖南测试银行", uscc=_wrong_check_char(random_uscc()), kind="bank")
    assert raised.value.code == "USCC_CHECK_CHARACTER_MISMATCH"


async def test_onboard_uscc_warning_accepted(runtime) -> None:
    result = await onboard_institution(name="湖南测试银行", uscc=_wrong_check_char(random_uscc()), kind="bank",
                                       accept_uscc_warning=True)
    assert len(result.warnings) == 1


async def test_onboard_malformed_uscc_rejected(runtime) -> None:
    with pytest.raises(AppError) as raised:
        await onboard_institution(name="湖南测试银行", uscc="91430100MA4L1234", kind="bank", accept_uscc_warning=True)
    assert raised.value.context["field"] == "uscc"


async def test_onboard_duplicate_uscc_rejected(runtime) -> None:
    uscc = random_uscc()
    await onboard_institution(name="湖南测试银行", uscc=uscc, kind="bank")
    with pytest.raises(AppError) as raised:
        await onboard_institution(name="湖南测试银行", uscc=uscc, kind="bank")
    assert raised.value.code == "INSTITUTION_EXISTS"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "insurer"}, "kind"),
        ({"webhook_url": "ftp://bank.example/hook"}, "webhook_url"),
        ({"algorithm": "dsa"}, "algorithm"),
    ],
)
async def test_onboard_invalid_input_names_field(runtime, options: dict, field: str) -> None:
    arguments = {"name": "湖南测试银行", "uscc": random_uscc(), "kind": "bank"} | options
    with pytest.raises(AppError) as raised:
        await onboard_institution(**arguments)
    assert raised.value.context["field"] == field


async def test_rotate_keeps_old_certificate_active(runtime, bank) -> None:
    await rotate_certificate(institution_id=bank.institution_id, algorithm="sm2")
    old = await InstitutionCertificate.get(serial_no=bank.serial_no)
    assert old.status == CertificateStatus.ACTIVE


async def test_revoke_twice_harmless(runtime, bank) -> None:
    await revoke_certificate(serial_no=bank.serial_no)
    certificate = await revoke_certificate(serial_no=bank.serial_no.upper())
    assert certificate.status == CertificateStatus.REVOKED


async def test_revoke_unknown_serial(runtime) -> None:
    with pytest.raises(AppError) as raised:
        await revoke_certificate(serial_no="00ff")
    assert raised.value.code == "CERTIFICATE_NOT_FOUND"


def _cli(settings: Settings, *arguments: str) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "MC_DATABASE_URL": settings.database_url,
        "MC_REDIS_URL": settings.redis_url or "",
        "MC_REDIS_PREFIX": settings.redis_prefix,
        "MC_DATA_DIR": str(settings.data_dir),
        "MC_LOG_LEVEL": "WARNING",
    }
    return subprocess.run([sys.executable, "-m", "mortgage_cloud.cli", *arguments], env=environment,
                          capture_output=True, text=True, timeout=60, check=False)


async def test_cli_create_list_revoke(runtime, settings: Settings, tmp_path) -> None:
    key_file = tmp_path / "bank-key.pem"
    uscc = random_uscc()
    created = _cli(settings, "institution", "create", "--name", "长沙命令行银行", "--uscc", uscc, "--kind", "bank",
                   "--algorithm", "sm2", "--key-out", str(key_file))
    assert created.returncode == 0, created.stderr
    serial = dict(line.split(": ", 1) for line in created.stdout.splitlines())["serial_no"]

    listed = _cli(settings, "institution", "list")
    revoked = _cli(settings, "institution", "revoke-cert", "--serial", serial)
    certificate = await InstitutionCertificate.get(serial_no=serial)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert uscc in listed.stdout
    assert revoked.returncode == 0, revoked.stderr
    assert certificate.status == CertificateStatus.REVOKED


def test_cli_create_needs_key_out(settings: Settings) -> None:
    result = _cli(settings, "institution", "create", "--name", "长沙命令行银行", "--uscc", random_uscc(), "--kind", "bank")
    assert result.returncode == 2


def test_cli_uscc_warning_needs_flag(settings: Settings, tmp_path) -> None:
    result = _cli(settings, "institution", "create", "--name", "长沙命令行银行", "--uscc", _wrong_check_char(random_uscc()),
                  "--kind", "bank", "--key-out", str(tmp_path / "key.pem"))
    assert "USCC_CHECK_CHARACTER_MISMATCH" in result.stderr
