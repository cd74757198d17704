"""Sample document data: a flat in 长沙 owned jointly by two people, mortgaged to a bank."""

from datetime import date
from decimal import Decimal

from mortgage_cloud.documents.data import DocumentData, MortgageTerms, PartyInfo, PropertyInfo

UNIT_NO = "430104003002GB00012F00010203"


def sample_document_data(*, mortgage_type: str = "general") -> DocumentData:
    """Build document data for a general (or maximum-amount) mortgage with two co-owners."""
    mortgagors = [
        PartyInfo(name="王建国", id_type="居民身份证", id_number="11010519491231002X", address="长沙市岳麓区麓山南路1号",
                  phone="13800001111"),
        PartyInfo(name="李秀英", id_type="居民身份证", id_number="430104198506150024", address="长沙市岳麓区麓山南路1号",
                  phone="13800002222"),
    ]
    return DocumentData(
        application_no="DY2026120400017",
        application_date=date(2026, 12, 4),
        registry_name="长沙市不动产登记中心",
        registration_type="首次登记",
        reason="借款抵押",
        mortgagee=PartyInfo(name="中国建设银行股份有限公司长沙岳麓支行", id_type="统一社会信用代码",
                            id_number="91430104MA4L1XXXXX", address="长沙市岳麓区枫林三路88号", phone="0731-88880000",
                            legal_representative="周志强", agent_name="陈敏", agent_phone="13900003333"),
        mortgagors=mortgagors,
        debtor=mortgagors[0],
        property=PropertyInfo(location="长沙市岳麓区麓山南路1号麓山苑3栋1单元802室", unit_no=UNIT_NO,
                              certificate_no="湘(2024)长沙市不动产权第0123456号", property_type="住宅", use="成套住宅",
                              area=Decimal("89.56"), co_ownership="共同共有", land_use_end=date(2083, 6, 30)),
        terms=MortgageTerms(
            mortgage_type=mortgage_type,
            secured_amount=Decimal("1200000") if mortgage_type == "general" else None,
            max_secured_amount=Decimal("1500000") if mortgage_type == "maximum" else None,
            debt_start=date(2026, 12, 10), debt_end=date(2056, 12, 9),
            guarantee_scope="主债权本金、利息、罚息、复利、违约金、损害赔偿金和实现债权的费用",
            transfer_restricted=True, loan_contract_no="JH-2026-0042871",
        ),
        supporting_documents=["不动产抵押合同", "借款合同", "申请人身份证明", "不动产权证书"],
    )
