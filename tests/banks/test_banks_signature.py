"""Known-answer tests for request signatures: fixed keys and one fixed message in each algorithm.

The keys below are test keys made with OpenSSL 3.0 for these tests only. The ECDSA and SM2
signatures were made by OpenSSL 3.0 (`openssl dgst -sha256 -sign`, `openssl pkeyutl -sign -rawin
-digest sm3 -pkeyopt distid:1234567812345678`), so they check this code against a second implementation.
"""

import base64
import subprocess

import gmssl_pyx
import pytest
from cryptography.hazmat.primitives import hashes

from mortgage_cloud.banks import keys
from mortgage_cloud.banks.models import SignatureAlgorithm
from mortgage_cloud.banks.signature import (
    MalformedAuthorization,
    parse_authorization,
    sign_message,
    sign_request,
    signing_message,
    verify_message,
    verify_request,
)

MESSAGE_PARTS = {
    "method": "POST",
    "path_with_query": "/bank/v1/applications?page=1",
    "timestamp": 1796400000,
    "nonce": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    "body": '{"unit_no":"430102001001GB00001F00010001","amount":"1200000.00","borrower":"张三"}'.encode(),
}
EXPECTED_MESSAGE = (
    b"POST\n/bank/v1/applications?page=1\n1796400000\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\n"
    + '{"unit_no":"430102001001GB00001F00010001","amount":"1200000.00","borrower":"张三"}'.encode()
    + b"\n"
)

RSA_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCamE0N+SdpiEiM
+p5p9jkoiTbpdDRBwdbhhprYF5yeU2V8IZCFMRgIabWf2/pvNvcffKTMurCGD+oF
LHwkLw6cYPmlr3BxguT56cvVO/DxeQrWa7p5p5Ggu5tjbdwPNHOE+sK8zyqIsSFm
fTVVunX3WWwRvqCc/345Kos7mN7BGB9Mm8guX0pR9n+NkjmMJP4cJfEEGpPPlEN3
sU+oojaFfZb1PNjIgm5P6v/O8gyuns2P7/w8PqI8DWHiGi1RMNlbPGFBwyBGKqQb
sSlweFHtgESQBhU2nD3bC5mnIMEwCRp83JfxkfSHL0REJF0PUJ/UGPyETF/5E1JN
odGg0ZHVAgMBAAECggEAGaOxQeRE8FiBOdp16/qBa9LoB8t1QEOrBP/bTgQKfmqz
7eSuMJzeEMUhcYgdDpVl4nO8bFT5Il7gz+dbFnA0guSFewBwDG9qVPV80BpvIUlT
LhEzXepX+Xmr8Y9enCn1j8Q8CG7ubbm84Z/Z+OQiHPoYdY/xWOB52XbQHTwDE7CP
wKe0hoafIx0iGaIkLE9/kwJn/IsufMrRp0ioR9dTXDR5MnkcIHpwF6pjy++JVCiY
j7r8GlWHc1Aq0lHPigH21DH5gDRn/J1aKBV2mjL9kphslyXp+T65NxVvyMgxsAy0
CTRRFZYdU0guaNH/4cd3qTolU0UUtRutNWu0xxwbYQKBgQDIt/JIJ4htLXxqMGtG
8MmmWXT9x1G8dH2v4eKf3/qYgJ909T58Jqs8mrjrZkG1+IiadrIDTiv6qiRQjbZ+
/Kwoy3bkLHGKinBhOwvinxttD+DPD4LgTO+KBGdc8D//koygQYI7rxzLYglaFRhX
H0KiQK9smmcraW1y9pvitBIjYQKBgQDFLFGe7CILyfakhcfdOmFnimaYLBNqB+AP
KGXYpFD8WkkR974wsU0peUQoRJkoGhBRaj0ZVjtDtFRz9nPIViq77AmuR9XjOJ0U
NxxOuMiQiIbxMW8tm5M+NAY8sot2At8Po/W1A6fXoDXxmlNgjlUM5e2G0AHbkZmC
9sn2p4d29QKBgDlHNN6eWXI+friW5KYz5HeSI66gCJUs8QkV/uP8uLh4TAjGS3SG
XGtJA+g5IBtbty/NG3OSBT7c+sv6BNAsLrzdgyoN/MC6TOOSRAwBt4Ph+hdcp852
Zg0OwKhm7vxxx6ubxhxeFmt7qIuKZY3HH+7JYsYtMa/TwCYEdeu1009BAoGANrqh
gTpMDPenRW1415hP1xycc5qwXNsIv0xYULTzYchxxdH9caiVIXDukTrRREdPxjl1
8iV0V8ujMXj0FGSOghD3cu+vl91sBGNzsQoraarrweEV2hP33+ky3gA1I7GSVtYM
6oy0Nu7aalCK2h9Hzke4EZaFHXwhny9/Sb6gpE0CgYAfUNtZfAJqTFgM45OZiXTX
GjzooGLdM4xwqaAXpwbTl37spzhnDbYTUqFz+awDjAlYblfCLybU+FJdzNCye4P9
MPkFRbtHeyCJ6z0UQqvCVHnlr64uGdexriKdcXOGgvRa2Ekv+YZq292sa2A7FTfe
CL2GNRpLkITPbEuwYEIWJw==
-----END PRIVATE KEY-----
"""
RSA_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmphNDfknaYhIjPqeafY5
KIk26XQ0QcHW4Yaa2BecnlNlfCGQhTEYCGm1n9v6bzb3H3ykzLqwhg/qBSx8JC8O
nGD5pa9wcYLk+enL1Tvw8XkK1mu6eaeRoLubY23cDzRzhPrCvM8qiLEhZn01Vbp1
91lsEb6gnP9+OSqLO5jewRgfTJvILl9KUfZ/jZI5jCT+HCXxBBqTz5RDd7FPqKI2
hX2W9TzYyIJuT+r/zvIMrp7Nj+/8PD6iPA1h4hotUTDZWzxhQcMgRiqkG7EpcHhR
7YBEkAYVNpw92wuZpyDBMAkafNyX8ZH0hy9ERCRdD1Cf1Bj8hExf+RNSTaHRoNGR
1QIDAQAB
-----END PUBLIC KEY-----
"""
# PKCS#1 v1.5 is deterministic, so the signature is a fixed value (OpenSSL gives the same bytes).
RSA_SIGNATURE = (
    "cQT8wzxrgV+HT4FF7P5dQTpRMEWk5+PnK3fOQsPgORU6oxwxFtWVxVE05UYMyUXG7UbjYeFUhHVJB6K7UMCpFg44iXPN98RG3XZfGoWpXLoRd2Hg"
    "h/GjYEG0qYceZwQYn4UVRLu2jiItFWN+OFCycMbOcL0sbLjiPNqx/Y3k2nWN17rkrSshHpec0ARrJWnGhd5gQXf/+HhNV+d0ZWvlfL9qRAlFdohK"
    "DaM7E9XFWskAcu2fi2df+6vKhkJ+88m+OFcYFSqSiAcaWpckTtzc0t2ArFO4n36SIRDcb7RIjDsvAD4l2caOliY7DbOS4DNl6VL0K6mCbTZiI7Gs"
    "rv4I3w=="
)

ECDSA_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTuN0qqCtbKUpiocy
bN9xsQjki61bgOPd0xXJWBLch9ehRANCAAQqj8ARE+Dw70r4783jIn9Mgzg/0xQm
qKDHyz6up9rW1tdEbA1BGkcRqKFYRcrRIm+/ja/qE+nHrWkbelcS+Eup
-----END PRIVATE KEY-----
"""
ECDSA_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKo/AERPg8O9K+O/N4yJ/TIM4P9MU
Jqigx8s+rqfa1tbXRGwNQRpHEaihWEXK0SJvv42v6hPpx61pG3pXEvhLqQ==
-----END PUBLIC KEY-----
"""
ECDSA_SIGNATURE = "MEQCICS0Gr3VCbuuyD8vEK9LPeu1+50WTQCGL8JyDgv2SWSWAiAdLYQlqNNi5s31cj0Y6FaAFAbClIa6I3wYLRcqfwcSDg=="

SM2_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgvJdfF874Fz8y+H1z
aR5POxc7lcaye5lkSwYUA6rjtiqhRANCAATgHTVBrG/021u8GaTj0k3D0rkcAVio
UHnNbLjfXxAFg666ubKwsyBy6Ym/n3oMf5E63jO/STI8icHwZSyIGSgI
-----END PRIVATE KEY-----
"""
SM2_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE4B01Qaxv9NtbvBmk49JNw9K5HAFY
qFB5zWy4318QBYOuurmysLMgcumJv596DH+ROt4zv0kyPInB8GUsiBkoCA==
-----END PUBLIC KEY-----
"""
SM2_SIGNATURE = "MEUCIQDRJ509OxaKRGQDt96bbqRy4u4S8s5Jbi2UwdfktCZW8AIgQlBtI4qhkG9ToEg4WSE1oUbK8XaZCM4ctU9GsnGjYmc="

FIXED = {
    SignatureAlgorithm.RSA_2048_SHA256: (RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, RSA_SIGNATURE),
    SignatureAlgorithm.ECDSA_P256_SHA256: (ECDSA_PRIVATE_KEY, ECDSA_PUBLIC_KEY, ECDSA_SIGNATURE),
    SignatureAlgorithm.SM2_SM3: (SM2_PRIVATE_KEY, SM2_PUBLIC_KEY, SM2_SIGNATURE),
}


def test_signing_message_layout() -> None:
    assert signing_message(**MESSAGE_PARTS) == EXPECTED_MESSAGE


def test_signing_message_empty_body() -> None:
    message = signing_message(method="get", path_with_query="/bank/v1/institution", timestamp=1, nonce="n", body=b"")
    assert message == b"GET\n/bank/v1/institution\n1\nn\n\n"


def test_rsa_signature_known_answer() -> None:
    signature = sign_message(EXPECTED_MESSAGE, private_key_pem=RSA_PRIVATE_KEY, algorithm=SignatureAlgorithm.RSA_2048_SHA256)
    assert signature == RSA_SIGNATURE


@pytest.mark.parametrize("algorithm", list(FIXED))
def test_fixed_signature_verifies(algorithm: SignatureAlgorithm) -> None:
    _private, public, signature = FIXED[algorithm]
    assert verify_message(EXPECTED_MESSAGE, signature, public_key_pem=public, algorithm=algorithm)


@pytest.mark.parametrize("algorithm", list(FIXED))
def test_fixed_signature_rejects_changed_message(algorithm: SignatureAlgorithm) -> None:
    _private, public, signature = FIXED[algorithm]
    changed = EXPECTED_MESSAGE.replace(b"1200000.00", b"9200000.00")
    assert not verify_message(changed, signature, public_key_pem=public, algorithm=algorithm)


@pytest.mark.parametrize("algorithm", list(FIXED))
def test_public_key_derived_from_private(algorithm: SignatureAlgorithm) -> None:
    private, public, _signature = FIXED[algorithm]
    assert keys.public_key_pem_from_private(private, algorithm) == public


@pytest.mark.parametrize("algorithm", list(FIXED))
def test_sign_request_round_trip(algorithm: SignatureAlgorithm) -> None:
    private, public, _signature = FIXED[algorithm]
    header = sign_request(
        method="POST", path_with_query="/bank/v1/x?a=1", body=b"{}", institution_id="0b5c7f0e-0000-4000-8000-000000000001",
        serial_no="1a2b", private_key_pem=private, algorithm=algorithm,
    )
    authorization = parse_authorization(header)
    assert verify_request(authorization, method="POST", path_with_query="/bank/v1/x?a=1", body=b"{}",
                          public_key_pem=public, algorithm=algorithm)


def test_sm2_signature_uses_gbt32918_z_value() -> None:
    """e = SM3(Z || M) with Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), checked through the digest API."""
    public = keys.load_sm2_public_key(SM2_PUBLIC_KEY)
    user_id = b"1234567812345678"
    curve = b"".join(value.to_bytes(32, "big") for value in (keys.SM2_A, keys.SM2_B, keys.SM2_GX, keys.SM2_GY))
    z = _sm3((len(user_id) * 8).to_bytes(2, "big") + user_id + curve + public)
    digest = _sm3(z + EXPECTED_MESSAGE)
    assert gmssl_pyx.sm2_verify_sm3_digest(public, digest, base64.b64decode(SM2_SIGNATURE))


def test_sm2_signature_verified_by_openssl(tmp_path) -> None:
    signature = sign_message(EXPECTED_MESSAGE, private_key_pem=SM2_PRIVATE_KEY, algorithm=SignatureAlgorithm.SM2_SM3)
    (tmp_path / "message.bin").write_bytes(EXPECTED_MESSAGE)
    (tmp_path / "signature.bin").write_bytes(base64.b64decode(signature))
    (tmp_path / "public.pem").write_text(SM2_PUBLIC_KEY)
    result = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "public.pem",
         "-in", "message.bin", "-sigfile", "signature.bin", "-pkeyopt", "distid:1234567812345678"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sm2_generated_key_read_by_openssl(tmp_path) -> None:
    private = keys.generate_private_key_pem(SignatureAlgorithm.SM2_SM3)
    (tmp_path / "key.pem").write_text(private)
    result = subprocess.run(["openssl", "pkey", "-in", "key.pem", "-pubout"], cwd=tmp_path, capture_output=True,
                            text=True, check=True)
    assert result.stdout == keys.public_key_pem_from_private(private, SignatureAlgorithm.SM2_SM3)


def test_sm2_public_key_computed_when_absent() -> None:
    key = keys.load_sm2_private_key(SM2_PRIVATE_KEY)
    assert keys.sm2_public_from_private(key.private) == key.public


def test_key_of_wrong_algorithm_rejected() -> None:
    with pytest.raises(keys.InvalidKey):
        keys.load_public_key(RSA_PUBLIC_KEY, SignatureAlgorithm.ECDSA_P256_SHA256)


def test_sm2_key_rejected_as_ecdsa() -> None:
    with pytest.raises(keys.InvalidKey):
        keys.load_public_key(SM2_PUBLIC_KEY, SignatureAlgorithm.ECDSA_P256_SHA256)


def test_p256_key_rejected_as_sm2() -> None:
    with pytest.raises(keys.InvalidKey):
        keys.load_sm2_public_key(ECDSA_PUBLIC_KEY)


def test_garbage_signature_invalid() -> None:
    assert not verify_message(EXPECTED_MESSAGE, "bm90IGEgc2lnbmF0dXJl", public_key_pem=SM2_PUBLIC_KEY,
                              algorithm=SignatureAlgorithm.SM2_SM3)


GOOD_HEADER = (
    'MC-SHA256-ECDSA mchid="0b5c7f0e-0000-4000-8000-000000000001",serial_no="1A2B",'
    'nonce_str="5K8264ILTKCH16CQ2502SI8ZNMTM67VS",timestamp="1796400000",signature="c2ln"'
)


def test_parse_authorization_fields() -> None:
    authorization = parse_authorization(GOOD_HEADER)
    assert (authorization.algorithm, authorization.serial_no, authorization.timestamp) == (
        SignatureAlgorithm.ECDSA_P256_SHA256, "1a2b", 1796400000,
    )


@pytest.mark.parametrize(
    "header",
    [
        GOOD_HEADER.replace("MC-SHA256-ECDSA", "WECHATPAY2-SHA256-RSA2048"),
        GOOD_HEADER.replace(',signature="c2ln"', ""),
        GOOD_HEADER.replace('nonce_str="5K8264ILTKCH16CQ2502SI8ZNMTM67VS"', 'nonce_str="short"'),
        GOOD_HEADER.replace('timestamp="1796400000"', 'timestamp="soon"'),
        GOOD_HEADER.replace('serial_no="1A2B"', 'serial_no="not-hex"'),
        GOOD_HEADER.replace('signature="c2ln"', 'signature="!!"'),
        GOOD_HEADER + ',mchid="again"',
        GOOD_HEADER.replace('mchid="', "mchid="),
    ],
)
def test_parse_authorization_malformed(header: str) -> None:
    with pytest.raises(MalformedAuthorization):
        parse_authorization(header)


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()
