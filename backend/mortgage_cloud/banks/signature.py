"""Signed bank API requests and responses, on the pattern of WeChat Pay API v3.

A request carries `Authorization: <schema> mchid="..",serial_no="..",nonce_str="..",timestamp="..",signature=".."`
and the signature covers `METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`. A request that names its officer
in `Mc-Officer-Id` signs `METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nOFFICER_ID\\nNONCE\\nBODY\\n` instead, so the
officer cannot be added, removed or changed without breaking the signature. A response carries
`Mc-Timestamp`, `Mc-Nonce`, `Mc-Serial` and `Mc-Signature` over `TIMESTAMP\\nNONCE\\nBODY\\n`.
Signatures are base64: PKCS#1 v1.5 for RSA, ASN.1 DER (r, s) for ECDSA and SM2.
"""

import base64
import binascii
import re
import secrets
import string
import time
from dataclasses import dataclass

import gmssl_pyx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from mortgage_cloud.banks import keys
from mortgage_cloud.banks.models import SignatureAlgorithm

SCHEMAS = {
    "MC-SHA256-ECDSA": SignatureAlgorithm.ECDSA_P256_SHA256,
    "MC-SHA256-RSA2048": SignatureAlgorithm.RSA_2048_SHA256,
    "MC-SM2-WITH-SM3": SignatureAlgorithm.SM2_SM3,
}
SCHEMA_OF_ALGORITHM = {algorithm: schema for schema, algorithm in SCHEMAS.items()}

# The user id GB/T 32918 uses when the parties agree on no other; it enters the Z value hashed with M.
SM2_USER_ID = b"1234567812345678"

# The request header naming the officer who acts. Its value enters the signing message.
OFFICER_HEADER = "Mc-Officer-Id"
NONCE_LENGTH = 32
_NONCE_ALPHABET = string.ascii_letters + string.digits
_NONCE_PATTERN = re.compile(r"[A-Za-z0-9]{32}")
_SERIAL_PATTERN = re.compile(r"[0-9A-Fa-f]{1,64}")
_TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,12}")
_PARAMETER_PATTERN = re.compile(r'\s*([a-z_]+)="([^"]*)"\s*')
_PARAMETER_NAMES = ("mchid", "serial_no", "nonce_str", "timestamp", "signature")


class MalformedAuthorization(ValueError):
    """An Authorization header that does not follow the documented format."""


@dataclass(frozen=True)
class Authorization:
    """The parsed parameters of a signed request's Authorization header."""

    schema: str
    mchid: str
    serial_no: str
    nonce_str: str
    timestamp: int
    signature: str

    @property
    def algorithm(self) -> SignatureAlgorithm:
        return SCHEMAS[self.schema]

    def header_value(self) -> str:
        """Format the parameters back into the header value."""
        return (
            f'{self.schema} mchid="{self.mchid}",serial_no="{self.serial_no}",nonce_str="{self.nonce_str}",'
            f'timestamp="{self.timestamp}",signature="{self.signature}"'
        )


def new_nonce() -> str:
    """Return a random 32-character alphanumeric nonce."""
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def signing_message(
    *, method: str, path_with_query: str, timestamp: int, nonce: str, body: bytes, officer_id: str | None = None
) -> bytes:
    """Build the bytes a request signature covers: `METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`.

    With `officer_id` (the `Mc-Officer-Id` value exactly as sent), its line goes before NONCE. That
    place keeps the two forms apart, because the verifier accepts only a nonce of 32 letters or digits
    and an officer id in the hyphenated UUID form. A line before BODY could be the body's first line.
    """
    officer_line = f"{officer_id}\n" if officer_id else ""
    head = f"{method.upper()}\n{path_with_query}\n{timestamp}\n{officer_line}{nonce}\n".encode()
    return head + body + b"\n"


def response_signing_message(*, timestamp: int, nonce: str, body: bytes) -> bytes:
    """Build the bytes a response signature covers: `TIMESTAMP\\nNONCE\\nBODY\\n`."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def sign_request(
    *,
    method: str,
    path_with_query: str,
    body: bytes,
    institution_id: str,
    serial_no: str,
    private_key_pem: str,
    algorithm: SignatureAlgorithm,
    timestamp: int | None = None,
    nonce: str | None = None,
    officer_id: str | None = None,
) -> str:
    """Sign a request as its client and return the Authorization header value.

    Pass `officer_id` whenever the request sends `Mc-Officer-Id`, with the same value.
    """
    algorithm = SignatureAlgorithm(algorithm)
    timestamp = int(time.time()) if timestamp is None else timestamp
    nonce = nonce or new_nonce()
    message = signing_message(
        method=method, path_with_query=path_with_query, timestamp=timestamp, nonce=nonce, body=body,
        officer_id=officer_id,
    )
    signature = sign_message(message, private_key_pem=private_key_pem, algorithm=algorithm)
    authorization = Authorization(
        schema=SCHEMA_OF_ALGORITHM[algorithm],
        mchid=institution_id,
        serial_no=serial_no,
        nonce_str=nonce,
        timestamp=timestamp,
        signature=signature,
    )
    return authorization.header_value()


def verify_request(
    authorization: Authorization,
    *,
    method: str,
    path_with_query: str,
    body: bytes,
    public_key_pem: str,
    algorithm: SignatureAlgorithm,
    officer_id: str | None = None,
) -> bool:
    """Check a parsed request signature against the request as received and the registered public key.

    `officer_id` is the request's `Mc-Officer-Id` value, or None when the request sends none.
    """
    if authorization.algorithm != algorithm:
        return False
    message = signing_message(
        method=method,
        path_with_query=path_with_query,
        timestamp=authorization.timestamp,
        nonce=authorization.nonce_str,
        body=body,
        officer_id=officer_id,
    )
    return verify_message(message, authorization.signature, public_key_pem=public_key_pem, algorithm=algorithm)


def parse_authorization(value: str) -> Authorization:
    """Parse an Authorization header value; raise MalformedAuthorization naming what is wrong."""
    schema, _, rest = value.strip().partition(" ")
    if schema not in SCHEMAS:
        raise MalformedAuthorization(f"unknown schema {schema[:40]!r}; expected one of {', '.join(SCHEMAS)}")

    parameters: dict[str, str] = {}
    for part in rest.split(","):
        match = _PARAMETER_PATTERN.fullmatch(part)
        if match is None:
            raise MalformedAuthorization(f'parameter {part.strip()[:40]!r} is not name="value"')
        name, parameter_value = match.groups()
        if name not in _PARAMETER_NAMES or name in parameters:
            raise MalformedAuthorization(f"parameter {name!r} is unknown or repeated")
        parameters[name] = parameter_value

    missing = [name for name in _PARAMETER_NAMES if name not in parameters]
    if missing:
        raise MalformedAuthorization(f"missing parameters: {', '.join(missing)}")
    _check_parameter_formats(parameters)
    return Authorization(
        schema=schema,
        mchid=parameters["mchid"],
        serial_no=parameters["serial_no"].lower(),
        nonce_str=parameters["nonce_str"],
        timestamp=int(parameters["timestamp"]),
        signature=parameters["signature"],
    )


def _check_parameter_formats(parameters: dict[str, str]) -> None:
    if not _SERIAL_PATTERN.fullmatch(parameters["serial_no"]):
        raise MalformedAuthorization("serial_no must be the certificate serial number in hexadecimal")
    if not _NONCE_PATTERN.fullmatch(parameters["nonce_str"]):
        raise MalformedAuthorization("nonce_str must be 32 letters or digits")
    if not _TIMESTAMP_PATTERN.fullmatch(parameters["timestamp"]):
        raise MalformedAuthorization("timestamp must be Unix time in seconds")
    if _decode_signature(parameters["signature"]) is None:
        raise MalformedAuthorization("signature must be base64")


def _decode_signature(signature: str) -> bytes | None:
    try:
        return base64.b64decode(signature, validate=True) or None
    except (binascii.Error, ValueError):
        return None


def sign_message(message: bytes, *, private_key_pem: str, algorithm: SignatureAlgorithm) -> str:
    """Sign bytes with a private key and return the base64 signature."""
    if algorithm == SignatureAlgorithm.SM2_SM3:
        key = keys.load_sm2_private_key(private_key_pem)
        raw = gmssl_pyx.sm2_sign(key.private, key.public, message, SM2_USER_ID)
        return base64.b64encode(raw).decode()

    key = keys.load_private_key(private_key_pem, algorithm)
    if algorithm == SignatureAlgorithm.RSA_2048_SHA256:
        raw = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    else:
        raw = key.sign(message, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(raw).decode()


def verify_message(message: bytes, signature: str, *, public_key_pem: str, algorithm: SignatureAlgorithm) -> bool:
    """Check a base64 signature over bytes; a malformed signature counts as invalid."""
    raw = _decode_signature(signature)
    if raw is None:
        return False

    if algorithm == SignatureAlgorithm.SM2_SM3:
        public = keys.load_sm2_public_key(public_key_pem)
        # NOTE: gmssl-pyx 2.1 prints a few GmSSL trace lines to stderr for every failed verification.
        try:
            return gmssl_pyx.sm2_verify(public, message, raw, SM2_USER_ID)
        except gmssl_pyx.GmsslInnerError:
            return False

    key = keys.load_public_key(public_key_pem, algorithm)
    try:
        if algorithm == SignatureAlgorithm.RSA_2048_SHA256:
            key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            key.verify(raw, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
