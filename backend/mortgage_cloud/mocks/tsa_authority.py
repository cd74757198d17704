"""The mock TSA's keys and certificates, and the RFC 3161 replies it builds.

Each authority has its own small test CA (EC P-256) and a TSA certificate (RSA 2048) issued by it with
the critical timeStamping extended key usage that RFC 3161 section 2.3 requires. Tokens are built by
pyHanko's `DummyTimeStamper`, which pyHanko documents as a testing tool. It signs with RSA only, hence
the RSA key. The platform never uses it, because it requests its tokens from a TSA over HTTP.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from asn1crypto import core
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

CERTIFICATE_VALID_FOR = timedelta(days=3650)
# Message imprint algorithms the mock accepts, with their digest sizes in bytes.
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


@dataclass(frozen=True)
class TsaAuthority:
    """A test CA and the TSA certificate and key it issued."""

    ca_certificate: x509.Certificate
    tsa_certificate: x509.Certificate
    tsa_key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def ca_pem(self) -> str:
        """The CA certificate in PEM, which the platform must trust for timestamps."""
        return self.ca_certificate.public_bytes(serialization.Encoding.PEM).decode()

    def timestamper(self) -> DummyTimeStamper:
        """Return pyHanko's in-process token builder signing with this TSA's key."""
        key_der = self.tsa_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        return DummyTimeStamper(
            tsa_cert=_asn1_certificate(self.tsa_certificate),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=[_asn1_certificate(self.ca_certificate)],
        )


def create_authority(name: str = "模拟时间戳服务") -> TsaAuthority:
    """Create a fresh test CA and a TSA certificate issued by it."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{name}测试根证书")
    now = datetime.now(timezone.utc)
    ca_certificate = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_certificate = (
        _builder(_name(name), ca_name, tsa_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return TsaAuthority(ca_certificate=ca_certificate, tsa_certificate=tsa_certificate, tsa_key=tsa_key)


class RefusalReply(core.Sequence):
    """A TimeStampResp without its token, because asn1crypto 1.5's TimeStampResp requires the optional token."""

    _fields = [("status", tsp.PKIStatusInfo)]


def rejection(fail_info: str, text: str) -> RefusalReply:
    """Build a reply that rejects the request (RFC 3161 PKIStatusInfo) with a failInfo such as bad_alg."""
    return RefusalReply({
        "status": tsp.PKIStatusInfo({
            "status": tsp.PKIStatus("rejection"),
            "status_string": [text],
            "fail_info": tsp.PKIFailureInfo({fail_info}),
        }),
    })


def request_problem(request: tsp.TimeStampReq) -> tuple[str, str] | None:
    """Return the RFC 3161 failInfo and a reason when the mock must reject the request, else None."""
    imprint = request["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in DIGEST_SIZES:
        return "bad_alg", f"unsupported message imprint algorithm {algorithm}"
    if len(imprint["hashed_message"].native) != DIGEST_SIZES[algorithm]:
        return "bad_data_format", f"the message imprint is not a {algorithm} digest"
    if request["req_policy"].native is not None:
        return "unaccepted_policy", "this TSA answers requests without reqPolicy only"
    return None


def with_other_nonce(request: tsp.TimeStampReq) -> tsp.TimeStampReq:
    """Return a copy of the request with a different nonce, for a reply with a token for another request."""
    copy = tsp.TimeStampReq.load(request.dump())
    nonce = copy["nonce"].native or 0
    copy["nonce"] = nonce + 1
    return copy


def with_other_imprint(request: tsp.TimeStampReq) -> tsp.TimeStampReq:
    """Return a copy of the request whose message imprint has its first byte flipped."""
    copy = tsp.TimeStampReq.load(request.dump())
    digest = bytearray(copy["message_imprint"]["hashed_message"].native)
    digest[0] ^= 0xFF
    copy["message_imprint"] = tsp.MessageImprint({
        "hash_algorithm": copy["message_imprint"]["hash_algorithm"],
        "hashed_message": bytes(digest),
    })
    return copy


def _builder(subject: x509.Name, issuer: x509.Name, public_key, now: datetime) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CERTIFICATE_VALID_FOR)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "智慧抵押云平台测试环境"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, digital_signature: bool = False, key_cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=key_cert_sign, crl_sign=key_cert_sign,
        encipher_only=False, decipher_only=False,
    )


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
