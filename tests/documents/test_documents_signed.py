import io

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from PIL import Image, ImageDraw

from mortgage_cloud.documents.data import DocumentData
from mortgage_cloud.documents.render import DOCUMENT_KINDS, extract_document_data, render_documents, signature_box
from mortgage_cloud.signing.ca import PlatformCA, SignerCredentials
from mortgage_cloud.signing.pades import sign_pdf, verify_pdf
from mortgage_cloud.signing.pdfsig import pdfsig_report


def _signature_png() -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line((10, 90, 90, 20, 170, 100, 290, 30), fill=(0, 0, 0, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
async def platform_ca(tmp_path_factory: pytest.TempPathFactory) -> PlatformCA:
    return await PlatformCA.load_or_create(tmp_path_factory.mktemp("documents-ca"))


@pytest.fixture(scope="module")
async def signed_contract(platform_ca: PlatformCA, document_data: DocumentData) -> bytes:
    """The contract signed by both mortgagors, then sealed by the bank, each in its signature box."""
    pdf = (await render_documents(document_data))["mortgage_contract"]
    for index, mortgagor in enumerate(document_data.mortgagors):
        credentials = platform_ca.issue_event_certificate(name=mortgagor.name, id_number=mortgagor.id_number)
        page, box = signature_box("mortgage_contract", "mortgagor", index)
        pdf = await sign_pdf(pdf, credentials, field_name=f"mortgagor_{index}", reason="抵押人签署", location="长沙市",
                             page=page, box=box, signature_image=_signature_png())

    issued = platform_ca.issue_organisation_certificate(name=document_data.mortgagee.name,
                                                        uscc=document_data.mortgagee.id_number)
    seal = SignerCredentials(private_key=load_pem_private_key(issued.private_key_pem, None),
                             certificate=issued.certificate, chain=[platform_ca.certificate])
    page, box = signature_box("mortgage_contract", "mortgagee", 0)
    return await sign_pdf(pdf, seal, field_name="mortgagee_0", reason="抵押权人签章", location="长沙市", page=page,
                          box=box, seal_text=document_data.mortgagee.name)


def test_signed_contract_pdfsig_all_valid(platform_ca: PlatformCA, signed_contract: bytes):
    results = pdfsig_report(signed_contract, ca_pem=platform_ca.certificate_pem)
    assert [result.field_name for result in results] == ["mortgagor_0", "mortgagor_1", "mortgagee_0"]
    assert all(result.valid and result.trusted for result in results)


async def test_signed_contract_verify_pdf_all_ok(platform_ca: PlatformCA, signed_contract: bytes):
    checks = await verify_pdf(signed_contract, trust_roots=[platform_ca.certificate])
    assert [check.ok for check in checks] == [True, True, True]


def test_signed_contract_keeps_embedded_data(signed_contract: bytes, document_data: DocumentData):
    assert extract_document_data(signed_contract) == document_data.to_dict()


def test_document_kinds_match_applications():
    from mortgage_cloud.applications.documents import DOCUMENT_KINDS as APPLICATION_KINDS

    assert tuple(APPLICATION_KINDS) == DOCUMENT_KINDS
