"""OpenAPI details that the routes do not carry: Chinese summaries, request bodies, query parameters, success codes.

Keys are `"METHOD /path"` with OpenAPI path templates. A bank route missing here still appears in
the description, with its handler's docstring as the summary.
"""

from typing import Any

STRING = {"type": "string"}
UUID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date"}
AMOUNT = {"type": "string", "example": "680000.00"}

PAGE = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "default": 1},
        "description": "页码，从 1 开始。"}
PAGE_SIZE = {"name": "page_size", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "description": "每页条数，1 至 100。"}

LOAN_TERMS = {
    "type": "object",
    "required": ["consent_id", "unit_no", "debt_start", "debt_end", "loan_contract_no"],
    "properties": {
        "consent_id": {**UUID, "description": "借款人授予本机构的委托查询协议编号。"},
        "unit_no": {**STRING, "minLength": 28, "maxLength": 28, "description": "28 位不动产单元号。"},
        "mortgage_type": {"type": "string", "enum": ["general", "maximum"], "default": "general",
                          "description": "general 为一般抵押，maximum 为最高额抵押。"},
        "secured_amount": {**AMOUNT, "description": "被担保主债权数额，以元为单位、最多两位小数，一般抵押必填。"},
        "max_secured_amount": {**AMOUNT, "description": "最高债权额，以元为单位、最多两位小数，最高额抵押必填。"},
        "debt_start": {**DATE, "description": "债务履行期限起始日。"},
        "debt_end": {**DATE, "description": "债务履行期限终止日，须晚于起始日。"},
        "loan_contract_no": {**STRING, "description": "借款合同编号，4 至 64 位字母、数字或 - _ /。"},
        "guarantee_scope": {**STRING, "maxLength": 500, "description": "担保范围，不填时使用平台默认表述。"},
        "debtor_name": {**STRING, "maxLength": 128, "description": "债务人名称，不填时为借款人本人。"},
        "transfer_restricted": {"type": "boolean", "description": "是否约定禁止或限制转让抵押不动产。"},
    },
}

VALUATION_ADDRESS = {
    "type": "object",
    "required": ["district", "community", "area"],
    "description": "按地址估价时填写的房屋信息。",
    "properties": {
        "district": {**STRING, "description": "区县，例如“岳麓”。"},
        "community": {**STRING, "description": "小区名称。"},
        "area": {"type": "number", "minimum": 8, "maximum": 3000, "description": "建筑面积（平方米）。"},
        "floor": {"type": "integer", "description": "所在楼层。"},
        "total_floors": {"type": "integer", "minimum": 1, "maximum": 120, "description": "总楼层。"},
        "build_year": {"type": "integer", "description": "建成年份，例如 2012。"},
        "decoration": {"type": "string", "enum": ["精装", "简装", "毛坯", "其他"]},
    },
}

OPERATIONS: dict[str, dict[str, Any]] = {
    "GET /bank/v1/platform-certificates": {
        "summary": "下载平台响应签名证书",
        "description": "无需签名。返回当前及仍在有效期内的旧证书和签发它们的平台根证书，用于校验响应和 Webhook 的签名。",
    },
    "GET /bank/v1/institution": {"summary": "查询本机构信息及已登记证书"},
    "POST /bank/v1/property-queries": {
        "summary": "按委托查询协议查询借款人名下不动产",
        "body": {"type": "object", "required": ["consent_id"],
                 "properties": {"consent_id": {**UUID, "description": "委托查询协议编号。"}}},
    },
    "POST /bank/v1/applications": {"summary": "创建抵押登记申请", "body": LOAN_TERMS, "status": 201},
    "GET /bank/v1/applications": {
        "summary": "分页查询本机构的申请",
        "query": [PAGE, PAGE_SIZE, {"name": "state", "in": "query", "required": False, "schema": STRING,
                                    "description": "按申请状态筛选，例如 archived。"}],
    },
    "GET /bank/v1/applications/{application_id}": {"summary": "查询申请状态、时间线、签署人与规则结果"},
    "POST /bank/v1/applications/{application_id}/documents": {
        "summary": "生成抵押合同、登记申请书和授权委托书", "status": 201},
    "POST /bank/v1/applications/{application_id}/seal": {"summary": "加盖本机构电子签章", "status": 201},
    "POST /bank/v1/applications/{application_id}/submit": {"summary": "提交登记", "status": 202},
    "POST /bank/v1/applications/{application_id}/withdraw": {
        "summary": "撤回申请（受理前）",
        "body": {"type": "object", "properties": {"reason": {**STRING, "description": "撤回原因，默认为“银行撤回”。"}}},
        "body_required": False,
    },
    "GET /bank/v1/applications/{application_id}/documents/{kind}/pdf": {
        "summary": "下载已签署文件或不动产登记证明 PDF", "content_type": "application/pdf",
    },
    "POST /bank/v1/applications/{application_id}/disburse": {"summary": "登记证明出具后标记已放款"},
    "POST /bank/v1/cancellations": {
        "summary": "申请抵押权注销",
        "body": {"type": "object", "required": ["proof_no", "reason"],
                 "properties": {"proof_no": {**STRING, "description": "本机构为抵押权人的不动产登记证明号。"},
                                "reason": {**STRING, "description": "注销原因，例如“贷款已结清”。"}}},
        "status": 202,
    },
    "POST /bank/v1/valuations": {
        "summary": "发起智慧评估",
        "body": {"type": "object", "description": "填写 address，或填写 unit_no 与本机构在该单元上的 application_id。",
                 "properties": {"address": VALUATION_ADDRESS, "unit_no": STRING, "application_id": UUID}},
        "status": 201,
    },
    "GET /bank/v1/valuations/{valuation_id}": {"summary": "查询评估结果"},
    "GET /bank/v1/valuations/{valuation_id}/report.pdf": {"summary": "下载评估报告 PDF",
                                                          "content_type": "application/pdf"},
    "GET /bank/v1/webhooks/events": {
        "summary": "分页查询本机构的 Webhook 事件",
        "query": [PAGE, PAGE_SIZE, {"name": "status", "in": "query", "required": False,
                                    "schema": {"type": "string", "enum": ["pending", "delivered", "failed"]},
                                    "description": "按推送状态筛选。"}],
    },
    "GET /bank/v1/webhooks/events/{event_id}/deliveries": {"summary": "查询 Webhook 事件的每次推送记录"},
    "POST /bank/v1/webhooks/events/{event_id}/redeliver": {
        "summary": "重新推送 Webhook 事件",
        "description": "以相同的事件编号和请求体、新的签名再次推送；失败时按首次推送的退避规则重试。",
        "status": 202,
    },
}

TAGS = {
    "banks": "机构与证书",
    "bank_applications": "抵押登记申请",
    "valuation": "智慧评估",
    "bank_webhooks": "Webhook 推送",
}
