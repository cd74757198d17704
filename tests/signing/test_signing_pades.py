import hashlib
import io

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from mortgage_cloud.errors import Conflict
from mortgage_cloud.signing.ca import PlatformCA, SignerCredentials
from mortgage_cloud.signing.pades import sign_pdf, verify_pdf
from mortgage_cloud.signing.pdfsig import parse_pdfsig_output, pdfsig_report

PERSON_BOX = (72.0, 500.0, 282.0, 590.0)
SEAL_BOX = (320.0, 480.0, 440.0, 600.0)
BANK = "中国建设银行股份有限公司长沙岳麓支行"


def _bank_credentials(ca: PlatformCA) -> SignerCredentials:
    issued = ca.issue_organisation_certificate(name=BANK, uscc="91430104MA4L1XXXXX")
    key = serialization.load_pem_private_key(issued.private_key_pem, password=None)
    return SignerCredentials(private_key=key, certificate=issued.certificate, chain=[ca.certificate])


async def _sign_person(pdf: bytes, ca: PlatformCA, image: bytes, field_name: str = "mortgagor_0") -> bytes:
    credentials = ca.issue_event_certificate(name="王建国", id_number="11010519491231002X")
    return await sign_pdf(pdf, credentials, field_name=field_name, reason="抵押人签署", location="长沙市",
                          box=PERSON_BOX, signature_image=image)


async def _sign_bank(pdf: bytes, ca: PlatformCA) -> bytes:
    return await sign_pdf(pdf, _bank_credentials(ca), field_name="mortgagee_0", reason="抵押权人签章",
                          location="长沙市", box=SEAL_BOX, seal_text=BANK)


def _flip_byte(pdf: bytes, marker: bytes) -> bytes:
    position = pdf.index(marker)
    changed = bytearray(pdf)
    changed[position] ^= 0x01
    return bytes(changed)


@pytest.fixture(scope="module")
async def signed_twice(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes) -> bytes:
    return await _sign_bank(await _sign_person(plain_pdf, ca, signature_png), ca)


async def test_sign_pdf_keeps_original_bytes(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    assert signed.startswith(plain_pdf)


async def test_pdfsig_signature_valid(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    results = pdfsig_report(signed)
    assert [result.signature_validation for result in results] == ["Signature is Valid."]


async def test_pdfsig_certificate_trusted(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    results = pdfsig_report(signed, ca_pem=ca.certificate_pem)
    assert results[0].trusted


async def test_pdfsig_reports_field_and_signer(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    result = pdfsig_report(signed)[0]
    assert result.field_name == "mortgagor_0"
    assert result.common_name == "王建国"


async def test_pdfsig_untrusted_without_ca(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes, tmp_path_factory):
    other = await PlatformCA.load_or_create(tmp_path_factory.mktemp("other-ca"))
    signed = await _sign_person(plain_pdf, ca, signature_png)
    assert not pdfsig_report(signed, ca_pem=other.certificate_pem)[0].trusted


async def test_verify_pdf_signature_ok(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    check = (await verify_pdf(signed, trust_roots=[ca.certificate]))[0]
    assert check.ok
    assert check.field_name == "mortgagor_0"
    assert check.signer_name == "王建国"
    assert check.signing_time is not None


async def test_verify_pdf_unsigned_empty(ca: PlatformCA, plain_pdf: bytes):
    assert await verify_pdf(plain_pdf, trust_roots=[ca.certificate]) == []


async def test_verify_pdf_other_root_untrusted(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes,
                                               tmp_path_factory):
    other = await PlatformCA.load_or_create(tmp_path_factory.mktemp("untrusted-ca"))
    signed = await _sign_person(plain_pdf, ca, signature_png)
    check = (await verify_pdf(signed, trust_roots=[other.certificate]))[0]
    assert check.intact
    assert not check.trusted


async def test_tampered_byte_pdfsig_digest_mismatch(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    tampered = _flip_byte(signed, b"Mortgage contract page one")
    assert pdfsig_report(tampered)[0].signature_validation == "Digest Mismatch."


async def test_tampered_byte_verify_pdf_fails(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    tampered = _flip_byte(signed, b"Mortgage contract page one")
    check = (await verify_pdf(tampered, trust_roots=[ca.certificate]))[0]
    assert not check.intact
    assert not check.ok


async def test_two_signatures_pdfsig_both_valid(ca: PlatformCA, signed_twice: bytes):
    results = pdfsig_report(signed_twice, ca_pem=ca.certificate_pem)
    assert [result.valid for result in results] == [True, True]
    assert [result.trusted for result in results] == [True, True]


async def test_two_signatures_last_covers_file(signed_twice: bytes):
    results = pdfsig_report(signed_twice)
    assert [result.total_document_signed for result in results] == [False, True]


async def test_two_signatures_verify_pdf_order(ca: PlatformCA, signed_twice: bytes):
    checks = await verify_pdf(signed_twice, trust_roots=[ca.certificate])
    assert [check.field_name for check in checks] == ["mortgagor_0", "mortgagee_0"]
    assert [check.signer_name for check in checks] == ["王建国", BANK]


async def test_two_signatures_verify_pdf_all_ok(ca: PlatformCA, signed_twice: bytes):
    checks = await verify_pdf(signed_twice, trust_roots=[ca.certificate])
    assert [check.ok for check in checks] == [True, True]
    assert checks[0].modification_level == "FORM_FILLING"


async def test_content_added_after_signature_detected(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    drawing = writer.add_object(generic.StreamObject(stream_data=b"0 0 m 300 300 l S"))
    writer.add_stream_to_page(0, drawing)
    output = io.BytesIO()
    writer.write(output)

    check = (await verify_pdf(output.getvalue(), trust_roots=[ca.certificate]))[0]
    assert check.intact
    assert not check.covers_whole_document


async def test_sign_same_field_twice_conflict(ca: PlatformCA, plain_pdf: bytes, signature_png: bytes):
    signed = await _sign_person(plain_pdf, ca, signature_png)
    with pytest.raises(Conflict):
        await _sign_person(signed, ca, signature_png)


async def test_sign_invisible_without_box(ca: PlatformCA, plain_pdf: bytes):
    credentials = ca.issue_event_certificate(name="王建国", id_number="11010519491231002X")
    signed = await sign_pdf(plain_pdf, credentials, field_name="hidden", reason="测试", location="长沙市")
    assert pdfsig_report(signed)[0].valid


def test_parse_pdfsig_output_digest_mismatch():
    text = ("Digital Signature Info of: x.pdf\nSignature #1:\n  - Signature Field Name: mortgagor_0\n"
            "  - Signer Certificate Common Name: 王建国\n  - Not total document signed\n"
            "  - Signature Validation: Digest Mismatch.\n")
    result = parse_pdfsig_output(text)[0]
    assert result.signature_validation == "Digest Mismatch."
    assert not result.valid
    assert not result.total_document_signed


async def test_signed_attributes_name_signing_certificate(ca: PlatformCA, plain_pdf: bytes):
    credentials = _bank_credentials(ca)
    signed = await sign_pdf(plain_pdf, credentials, field_name="mortgagee_0", reason="抵押权人签章", location="长沙市",
                            timestamper=None)
    signature = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0]
    attributes = {item["type"].native: item["values"][0] for item in signature.signer_info["signed_attrs"]}
    certificate_der = credentials.certificate.public_bytes(serialization.Encoding.DER)
    assert attributes["signing_certificate_v2"]["certs"][0]["cert_hash"].native == hashlib.sha256(certificate_der).digest()
