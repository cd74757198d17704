"""Signature timestamps (PAdES B-T) from the mock RFC 3161 TSA: signing, reply checks and validation over time."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from mortgage_cloud.mocks.server import MockServer
from mortgage_cloud.mocks.testing import free_port
from mortgage_cloud.mocks.tsa_server import start_mock_tsa
from mortgage_cloud.signing.ca import PlatformCA, SignerCredentials
from mortgage_cloud.signing.pades import sign_pdf, verify_pdf
from mortgage_cloud.signing.pdfsig import pdfsig_report
from mortgage_cloud.signing.timestamps import CheckedTimeStamper, TimestampUnavailable

PERSON_BOX = (72.0, 500.0, 282.0, 590.0)


@pytest.fixture(scope="module")
async def tsa() -> AsyncIterator[MockServer]:
    server = await start_mock_tsa(free_port())
    yield server
    await server.close()


@pytest.fixture(scope="module")
def tsa_roots(tsa: MockServer) -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate(tsa.state.ca_pem.encode())]


@pytest.fixture
async def tsa_controls(tsa: MockServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=tsa.url) as http:
        yield http
        await http.post("/mock/clear")


@pytest.fixture(scope="module")
def event_credentials(ca: PlatformCA) -> SignerCredentials:
    return ca.issue_event_certificate(name="王建国", id_number="11010519491231002X", valid_minutes=30)


@pytest.fixture(scope="module")
async def timestamped_pdf(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes, tsa: MockServer,
                          tsa_roots: list[x509.Certificate], event_credentials: SignerCredentials) -> bytes:
    timestamper = CheckedTimeStamper(tsa.url, trust_roots=tsa_roots)
    return await sign_pdf(plain_pdf, event_credentials, field_name="mortgagor_0", reason="抵押人签署",
                          location="长沙市", box=PERSON_BOX, signature_image=signature_png, timestamper=timestamper)


async def _sign(pdf: bytes, credentials: SignerCredentials, timestamper) -> bytes:
    return await sign_pdf(pdf, credentials, field_name="mortgagor_0", reason="抵押人签署", location="长沙市",
                          timestamper=timestamper)


async def _sign_with_failure(kind: str, tsa: MockServer, controls: httpx.AsyncClient, pdf: bytes,
                             credentials: SignerCredentials, roots: list[x509.Certificate]) -> TimestampUnavailable:
    response = await controls.post("/mock/failures", json={"kind": kind, "sleep_seconds": 3})
    assert response.status_code == 200
    timestamper = CheckedTimeStamper(tsa.url, trust_roots=roots, timeout=1)
    with pytest.raises(TimestampUnavailable) as raised:
        await _sign(pdf, credentials, timestamper)
    return raised.value


def _after_expiry(credentials: SignerCredentials):
    return credentials.certificate.not_valid_after_utc + timedelta(days=1)


async def test_timestamp_token_present(ca, timestamped_pdf, tsa_roots):
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots))[0]
    assert check.timestamped


async def test_timestamp_token_valid(ca, timestamped_pdf, tsa_roots):
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots))[0]
    assert check.timestamp_valid


async def test_timestamp_token_trusted(ca, timestamped_pdf, tsa_roots):
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots))[0]
    assert check.timestamp_trusted


async def test_timestamp_time_inside_certificate_validity(ca, timestamped_pdf, tsa_roots, event_credentials):
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots))[0]
    certificate = event_credentials.certificate
    assert certificate.not_valid_before_utc <= check.timestamp_time <= certificate.not_valid_after_utc


async def test_timestamped_signature_ok(ca, timestamped_pdf, tsa_roots):
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots))[0]
    assert check.ok


async def test_timestamp_other_root_untrusted(ca, timestamped_pdf):
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=[ca.certificate]))[0]
    assert check.timestamp_valid
    assert not check.timestamp_trusted


async def test_timestamp_root_not_trusted_for_signers(timestamped_pdf, tsa_roots):
    check = (await verify_pdf(timestamped_pdf, trust_roots=tsa_roots, timestamp_trust_roots=tsa_roots))[0]
    assert not check.trusted


async def test_no_timestamper_not_timestamped(ca, plain_pdf, event_credentials, tsa_roots):
    signed = await _sign(plain_pdf, event_credentials, None)
    check = (await verify_pdf(signed, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots))[0]
    assert not check.timestamped
    assert check.timestamp_time is None


async def test_expired_certificate_valid_through_timestamp(ca, timestamped_pdf, tsa_roots, event_credentials):
    later = _after_expiry(event_credentials)
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots,
                              validation_time=later))[0]
    assert check.trusted
    assert check.ok
    assert check.certificate_checked_at == check.timestamp_time


async def test_expired_certificate_without_timestamp_untrusted(ca, plain_pdf, event_credentials, tsa_roots):
    signed = await _sign(plain_pdf, event_credentials, None)
    later = _after_expiry(event_credentials)
    check = (await verify_pdf(signed, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots,
                              validation_time=later))[0]
    assert not check.trusted
    assert check.certificate_checked_at == later


async def test_expired_certificate_untrusted_timestamp_untrusted(ca, timestamped_pdf, event_credentials):
    later = _after_expiry(event_credentials)
    check = (await verify_pdf(timestamped_pdf, trust_roots=[ca.certificate], timestamp_trust_roots=[],
                              validation_time=later))[0]
    assert not check.trusted


async def test_expired_certificate_foreign_imprint_untrusted(ca, plain_pdf, event_credentials, tsa, tsa_roots,
                                                              tsa_controls):
    # pyHanko's plain client checks the nonce but not the imprint, so it embeds a token for another digest.
    await tsa_controls.post("/mock/failures", json={"kind": "wrong_imprint"})
    signed = await _sign(plain_pdf, event_credentials, RequestsHTTPTimeStamper(tsa.url))
    later = _after_expiry(event_credentials)
    check = (await verify_pdf(signed, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots,
                              validation_time=later))[0]
    assert check.timestamped
    assert not check.timestamp_valid
    assert not check.trusted


async def test_pdfsig_timestamped_signature_valid(ca, timestamped_pdf):
    results = pdfsig_report(timestamped_pdf, ca_pem=ca.certificate_pem)
    assert [result.signature_validation for result in results] == ["Signature is Valid."]


async def test_pdfsig_timestamped_certificate_trusted(ca, timestamped_pdf):
    results = pdfsig_report(timestamped_pdf, ca_pem=ca.certificate_pem)
    assert [result.certificate_validation for result in results] == ["Certificate is Trusted."]


async def test_timestamped_second_signature_both_ok(ca, timestamped_pdf, tsa, tsa_roots):
    issued = ca.issue_organisation_certificate(name="湖南示例商业银行股份有限公司长沙分行", uscc="91430100MA4L0001X0")
    key = serialization.load_pem_private_key(issued.private_key_pem, password=None)
    seal = SignerCredentials(private_key=key, certificate=issued.certificate, chain=[ca.certificate])
    sealed = await sign_pdf(timestamped_pdf, seal, field_name="mortgagee_0", reason="抵押权人签章", location="长沙市",
                            timestamper=CheckedTimeStamper(tsa.url, trust_roots=tsa_roots))
    checks = await verify_pdf(sealed, trust_roots=[ca.certificate], timestamp_trust_roots=tsa_roots)
    assert [check.ok for check in checks] == [True, True]
    assert [check.timestamp_trusted for check in checks] == [True, True]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("server_error", "request_failed"),
        ("timeout", "request_failed"),
        ("bad_reply", "reply_malformed"),
        ("rejection", "tsa_rejected"),
        ("wrong_nonce", "nonce_mismatch"),
        ("wrong_imprint", "imprint_mismatch"),
        ("untrusted_signer", "tsa_untrusted"),
    ],
)
async def test_tsa_failure_raises_unavailable(kind, reason, plain_pdf, event_credentials, tsa, tsa_roots,
                                              tsa_controls):
    error = await _sign_with_failure(kind, tsa, tsa_controls, plain_pdf, event_credentials, tsa_roots)
    assert error.context["reason"] == reason


async def test_tsa_failure_error_is_503(plain_pdf, event_credentials, tsa, tsa_roots, tsa_controls):
    error = await _sign_with_failure("server_error", tsa, tsa_controls, plain_pdf, event_credentials, tsa_roots)
    assert error.status == 503
    assert error.code == "TIMESTAMP_UNAVAILABLE"


async def test_tsa_unreachable_raises_unavailable(plain_pdf, event_credentials, tsa_roots):
    timestamper = CheckedTimeStamper(f"http://127.0.0.1:{free_port()}/", trust_roots=tsa_roots, timeout=1)
    with pytest.raises(TimestampUnavailable):
        await _sign(plain_pdf, event_credentials, timestamper)


async def test_tsa_other_trust_root_rejected(ca, plain_pdf, event_credentials, tsa):
    timestamper = CheckedTimeStamper(tsa.url, trust_roots=[ca.certificate])
    with pytest.raises(TimestampUnavailable) as raised:
        await _sign(plain_pdf, event_credentials, timestamper)
    assert raised.value.context["reason"] == "tsa_untrusted"
