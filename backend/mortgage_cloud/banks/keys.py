"""Key pairs for the three API signature algorithms: generation, PEM encoding and loading.

ECDSA P-256 and RSA keys go through `cryptography`. It has no SM2, so SM2 keys are encoded here
as standard PKCS#8 / SubjectPublicKeyInfo structures with the id-ecPublicKey algorithm and the
SM2 curve OID 1.2.156.10197.1.301, the encoding OpenSSL 3 and GmSSL also read and write.
"""

from dataclasses import dataclass

import gmssl_pyx
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mortgage_cloud.banks.models import SignatureAlgorithm

SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_CURVE_NAME = "sm2p256v1"
MIN_RSA_BITS = 2048

asn1_keys.NamedCurve.register(SM2_CURVE_NAME, SM2_CURVE_OID, 32)

# SM2 recommended curve parameters (GB/T 32918.5-2017).
SM2_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
SM2_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
SM2_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
SM2_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
SM2_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0


class InvalidKey(ValueError):
    """A PEM that is not a key of the expected algorithm and size."""


@dataclass(frozen=True)
class Sm2PrivateKey:
    """An SM2 private scalar with its public point, both as raw big-endian bytes (32 and 64)."""

    private: bytes
    public: bytes


def generate_private_key_pem(algorithm: SignatureAlgorithm) -> str:
    """Generate a new key pair for the algorithm and return the private key as unencrypted PKCS#8 PEM."""
    if algorithm == SignatureAlgorithm.SM2_SM3:
        public, private = gmssl_pyx.sm2_key_generate()
        return sm2_private_key_pem(Sm2PrivateKey(private=private, public=public))

    if algorithm == SignatureAlgorithm.RSA_2048_SHA256:
        key = rsa.generate_private_key(public_exponent=65537, key_size=MIN_RSA_BITS)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_key_pem_from_private(private_key_pem: str, algorithm: SignatureAlgorithm) -> str:
    """Return the SubjectPublicKeyInfo PEM of a private key."""
    if algorithm == SignatureAlgorithm.SM2_SM3:
        return sm2_public_key_pem(load_sm2_private_key(private_key_pem).public)
    key = load_private_key(private_key_pem, algorithm)
    return _public_pem(key.public_key())


def normalise_public_key_pem(public_key_pem: str, algorithm: SignatureAlgorithm) -> str:
    """Check that a public key PEM suits the algorithm and return it in canonical form."""
    if algorithm == SignatureAlgorithm.SM2_SM3:
        return sm2_public_key_pem(load_sm2_public_key(public_key_pem))
    return _public_pem(load_public_key(public_key_pem, algorithm))


def load_private_key(private_key_pem: str, algorithm: SignatureAlgorithm):
    """Load an ECDSA P-256 or RSA private key with `cryptography`, checking curve and size."""
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise InvalidKey(f"not an unencrypted PEM private key: {error}") from error
    _check_key_type(key, algorithm)
    return key


def load_public_key(public_key_pem: str, algorithm: SignatureAlgorithm):
    """Load an ECDSA P-256 or RSA public key with `cryptography`, checking curve and size."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise InvalidKey(f"not a PEM public key: {error}") from error
    _check_key_type(key, algorithm)
    return key


def _check_key_type(key: object, algorithm: SignatureAlgorithm) -> None:
    if algorithm == SignatureAlgorithm.ECDSA_P256_SHA256:
        curve = getattr(key, "curve", None)
        if not isinstance(curve, ec.SECP256R1):
            raise InvalidKey("algorithm ecdsa-p256-sha256 needs an EC key on curve P-256 (secp256r1)")
        return
    if algorithm == SignatureAlgorithm.RSA_2048_SHA256:
        if not isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)) or key.key_size < MIN_RSA_BITS:
            raise InvalidKey(f"algorithm rsa-2048-sha256 needs an RSA key of at least {MIN_RSA_BITS} bits")
        return
    raise InvalidKey(f"algorithm {algorithm} does not use a cryptography key")


def _public_pem(public_key) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def _sm2_parameters() -> asn1_keys.ECDomainParameters:
    return asn1_keys.ECDomainParameters(name="named", value=SM2_CURVE_NAME)


def sm2_public_key_pem(public: bytes) -> str:
    """Encode a 64-byte SM2 public point as a SubjectPublicKeyInfo PEM."""
    info = asn1_keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "ec", "parameters": _sm2_parameters()},
            "public_key": asn1_keys.ECPointBitString(b"\x04" + public),
        }
    )
    return asn1_pem.armor("PUBLIC KEY", info.dump()).decode()


def sm2_private_key_pem(key: Sm2PrivateKey) -> str:
    """Encode an SM2 key pair as an unencrypted PKCS#8 PEM carrying the public point too."""
    inner = asn1_keys.ECPrivateKey(
        {
            "version": "ecPrivkeyVer1",
            "private_key": int.from_bytes(key.private, "big"),
            "public_key": asn1_keys.ECPointBitString(b"\x04" + key.public),
        }
    )
    info = asn1_keys.PrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": {"algorithm": "ec", "parameters": _sm2_parameters()},
            "private_key": inner,
        }
    )
    return asn1_pem.armor("PRIVATE KEY", info.dump()).decode()


def load_sm2_public_key(public_key_pem: str) -> bytes:
    """Return the 64-byte public point of an SM2 SubjectPublicKeyInfo PEM, checked to lie on the curve."""
    der = _unarmor(public_key_pem, "PUBLIC KEY")
    try:
        info = asn1_keys.PublicKeyInfo.load(der)
        _check_sm2_algorithm(info["algorithm"]["algorithm"].native, info["algorithm"]["parameters"])
        point = info["public_key"].native
    except (ValueError, TypeError, KeyError) as error:
        raise InvalidKey(f"not an SM2 public key: {error}") from error
    return _checked_point(point)


def load_sm2_private_key(private_key_pem: str) -> Sm2PrivateKey:
    """Load an SM2 private key from PKCS#8 ("PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY") PEM."""
    label, der = _unarmor_any(private_key_pem)
    try:
        if label == "PRIVATE KEY":
            info = asn1_keys.PrivateKeyInfo.load(der)
            algorithm = info["private_key_algorithm"]
            _check_sm2_algorithm(algorithm["algorithm"].native, algorithm["parameters"])
            inner = info["private_key"].parsed
        elif label == "EC PRIVATE KEY":
            inner = asn1_keys.ECPrivateKey.load(der)
            _check_sm2_algorithm("ec", inner["parameters"])
        else:
            raise InvalidKey(f"expected a PRIVATE KEY or EC PRIVATE KEY PEM, got {label}")
        scalar = inner["private_key"].native
        point = inner["public_key"].native if inner["public_key"].native is not None else None
    except (ValueError, TypeError, KeyError) as error:
        raise InvalidKey(f"not an SM2 private key: {error}") from error

    if not 1 <= scalar < SM2_N - 1:
        raise InvalidKey("SM2 private key is out of range")
    private = scalar.to_bytes(32, "big")
    public = _checked_point(point) if point else sm2_public_from_private(private)
    return Sm2PrivateKey(private=private, public=public)


def _check_sm2_algorithm(algorithm: str, parameters) -> None:
    if algorithm != "ec" or parameters.name != "named" or parameters.chosen.dotted != SM2_CURVE_OID:
        raise InvalidKey(f"algorithm sm2-sm3 needs an EC key on the SM2 curve ({SM2_CURVE_OID})")


def _checked_point(point: bytes) -> bytes:
    try:
        return gmssl_pyx.normalize_sm2_public_key(point)
    except gmssl_pyx.InvalidValueError as error:
        raise InvalidKey("SM2 public key is not a point on the SM2 curve") from error


def _unarmor(text: str, expected_label: str) -> bytes:
    label, der = _unarmor_any(text)
    if label != expected_label:
        raise InvalidKey(f"expected a {expected_label} PEM, got {label}")
    return der


def _unarmor_any(text: str) -> tuple[str, bytes]:
    try:
        label, _headers, der = asn1_pem.unarmor(text.strip().encode())
    except ValueError as error:
        raise InvalidKey(f"not a PEM block: {error}") from error
    return label, der


def sm2_public_from_private(private: bytes) -> bytes:
    """Compute the 64-byte public point d·G for an SM2 private scalar (keys saved without their public part)."""
    point = _scalar_multiply(int.from_bytes(private, "big"), (SM2_GX, SM2_GY))
    if point is None:
        raise InvalidKey("SM2 private key gives the point at infinity")
    x, y = point
    return x.to_bytes(32, "big") + y.to_bytes(32, "big")


def _scalar_multiply(scalar: int, point: tuple[int, int]) -> tuple[int, int] | None:
    result: tuple[int, int] | None = None
    addend: tuple[int, int] | None = point
    while scalar:
        if scalar & 1:
            result = _add_points(result, addend)
        addend = _add_points(addend, addend)
        scalar >>= 1
    return result


def _add_points(first: tuple[int, int] | None, second: tuple[int, int] | None) -> tuple[int, int] | None:
    if first is None:
        return second
    if second is None:
        return first

    (x1, y1), (x2, y2) = first, second
    if x1 == x2 and (y1 + y2) % SM2_P == 0:
        return None
    if first == second:
        slope = (3 * x1 * x1 + SM2_A) * pow(2 * y1, -1, SM2_P) % SM2_P
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, SM2_P) % SM2_P
    x3 = (slope * slope - x1 - x2) % SM2_P
    return x3, (slope * (x1 - x3) - y1) % SM2_P
