"""The text of the lookup consent agreement (委托查询协议) that a borrower accepts, versioned."""

import hashlib

AGREEMENT_VERSION = "2026.12"

AGREEMENT_TEMPLATE = """委托查询协议

委托人（借款人）：{borrower_name}
受托机构：{institution_name}（统一社会信用代码：{institution_uscc}）

一、委托人授权受托机构通过智慧抵押云平台，向{registry_name}查询登记在委托人名下的不动产权利及其限制信息（包括查封、抵押、异议登记、预告登记等），查询用途为：{purpose}。
二、本授权自确认之日起生效，至{expires_on}止；委托人可在到期前随时撤回授权，撤回后受托机构不得再行查询。
三、受托机构仅可将查询结果用于上述用途，并应依法保护委托人的个人信息，不得向第三方提供。
四、平台将记录每一次查询所依据的授权，委托人可随时查看。
五、委托人已通过人脸核验确认本人身份，并自愿作出本授权。"""


def render_agreement(**fields: str) -> str:
    """Fill the agreement text for one grant."""
    return AGREEMENT_TEMPLATE.format(**fields)


def agreement_sha256(text: str) -> str:
    """Return the SHA-256 hex digest kept as evidence of the exact text accepted."""
    return hashlib.sha256(text.encode()).hexdigest()
