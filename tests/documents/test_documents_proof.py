import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from mortgage_cloud.documents.proof import PROOF_SEAL_BOX, PROOF_SEAL_PAGE, ProofData, render_proof_pdf
from mortgage_cloud.signing.ca import PlatformCA, SignerCredentials
from mortgage_cloud.signing.pades import sign_pdf
from mortgage_cloud.signing.pdfsig import pdfsig_report

PROOF_NO = "湘(2026)长沙市不动产证明第0004321号"
URL = "http://127.0.0.1:8000/verify?proof_no=P&code=0123456789abcdef"


def _proof(**changes) -> ProofData:
    values = dict(
        proof_no=PROOF_NO, right_type="抵押权", right_holder="中国建设银行股份有限公司长沙岳麓支行",
        obligors=["王建国", "李秀英"], location="长沙市岳麓区麓山南路1号麓山苑3栋1单元802室",
        unit_no="430104003002GB00012F00010203", mortgage_type="general", secured_amount=Decimal("1200000"),
        max_secured_amount=None, debt_start=date(2026, 12, 10), debt_end=date(2056, 12, 9), rank=2,
        certificate_no="湘(2024)长沙市不动产权第0123456号", guarantee_scope="主债权本金、利息、罚息和实现债权的费用",
        remarks="本抵押权为第2顺位抵押权，前顺位抵押权尚未注销。", registered_at=datetime(2026, 12, 4, 8, 0, tzinfo=timezone.utc),
        registry_name="长沙市不动产登记中心", verification_url=URL,
    )
    values.update(changes)
    return ProofData(**values)


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "".join(document[0].get_textpage().get_text_range().split())
    finally:
        document.close()


@pytest.fixture(scope="module")
def proof_pdf() -> bytes:
    return render_proof_pdf(_proof())


@pytest.mark.parametrize("expected", [
    PROOF_NO, "不动产登记证明", "抵押权", "中国建设银行股份有限公司长沙岳麓支行", "王建国、李秀英", "430104003002GB00012F00010203",
    "1,200,000.00元", "人民币壹佰贰拾万元整", "第2顺位", "湘(2024)长沙市不动产权第0123456号", "长沙市不动产登记中心",
    "2026年12月04日", "前顺位抵押权尚未注销",
])
def test_proof_text_contains(proof_pdf: bytes, expected: str):
    assert expected in _text(proof_pdf)


def test_proof_maximum_amount_label():
    text = _text(render_proof_pdf(_proof(mortgage_type="maximum", secured_amount=None,
                                         max_secured_amount=Decimal("1500000"))))
    assert "最高债权额：1,500,000.00元" in text


def test_proof_qr_code_decodes_to_url(proof_pdf: bytes):
    document = pypdfium2.PdfDocument(proof_pdf)
    image = document[0].render(scale=3).to_pil()
    document.close()
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [URL]


def test_proof_single_page(proof_pdf: bytes):
    assert len(pypdfium2.PdfDocument(io.BytesIO(proof_pdf))) == 1


async def test_proof_sealed_valid(proof_pdf: bytes, tmp_path):
    ca = await PlatformCA.load_or_create(tmp_path)
    issued = ca.issue_organisation_certificate(name="长沙市不动产登记中心", uscc="12430100MB1D47286R")
    seal = SignerCredentials(private_key=load_pem_private_key(issued.private_key_pem, None),
                             certificate=issued.certificate, chain=[ca.certificate])
    sealed = await sign_pdf(proof_pdf, seal, field_name="registry_seal", reason="不动产登记机构电子签章",
                            location="长沙市", page=PROOF_SEAL_PAGE, box=PROOF_SEAL_BOX, seal_text="长沙市不动产登记中心")
    result = pdfsig_report(sealed, ca_pem=ca.certificate_pem)[0]
    assert result.valid
    assert result.trusted
