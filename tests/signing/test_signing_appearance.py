import pypdfium2
from cryptography.hazmat.primitives import serialization

from mortgage_cloud.signing import appearance
from mortgage_cloud.signing.ca import PlatformCA, SignerCredentials
from mortgage_cloud.signing.pades import sign_pdf

SEAL_BOX = (320.0, 480.0, 440.0, 600.0)
BANK = "湖南示例商业银行股份有限公司长沙分行"


async def _sealed(ca: PlatformCA, pdf: bytes) -> bytes:
    issued = ca.issue_organisation_certificate(name=BANK, uscc="91430104MA4L1XXXXX")
    credentials = SignerCredentials(private_key=serialization.load_pem_private_key(issued.private_key_pem, None),
                                    certificate=issued.certificate, chain=[ca.certificate])
    return await sign_pdf(pdf, credentials, field_name="mortgagee_0", reason="抵押权人签章", location="长沙市",
                          box=SEAL_BOX, seal_text=BANK, timestamper=None)


def _red_pixels_in_seal_box(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    document.init_forms()  # without it PDFium leaves signature appearances out
    try:
        page = document[len(document) - 1]  # sign_pdf seals the last page unless given a page
        height = page.get_height()
        picture = page.render(scale=1, may_draw_forms=True).to_pil().convert("RGB")
    finally:
        document.close()
    left, bottom, right, top = SEAL_BOX
    region = picture.crop((round(left), round(height - top), round(right), round(height - bottom)))
    return sum(1 for red, green, blue in region.getdata() if red > 150 and green < 90 and blue < 90)


async def test_seal_appearance_drawn_red_in_box(ca: PlatformCA, plain_pdf: bytes):
    assert _red_pixels_in_seal_box(await _sealed(ca, plain_pdf)) > 500


async def test_seal_appearance_absent_before_sealing(plain_pdf: bytes):
    assert _red_pixels_in_seal_box(plain_pdf) == 0


async def test_seal_appearance_encoded_once_per_day(ca: PlatformCA, plain_pdf: bytes):
    appearance._encoded_seal.cache_clear()
    await _sealed(ca, plain_pdf)
    await _sealed(ca, plain_pdf)
    assert appearance._encoded_seal.cache_info().hits == 1
