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

OFFICER_ROLE = {"type": "string", "enum": ["loan_officer", "supervisor", "read_only"],
                "description": "loan_officer 为客户经理，supervisor 为主管，read_only 为只读。"}
REVOCATION_REASON = {"type": "string",
                     "enum": ["key_compromise", "superseded", "affiliation_changed", "cessation_of_operation",
                              "unspecified"],
                     "description": "吊销原因，对应 RFC 5280 的 CRL 原因代码：key_compromise 私钥泄露，superseded 已被新证书取代，"
                                    "affiliation_changed 机构信息变更，cessation_of_operation 停止使用，unspecified 未说明。"}

OPERATIONS: dict[str, dict[str, Any]] = {
    "GET /bank/v1/platform-certificates": {
        "summary": "下载平台响应签名证书",
        "description": "无需签名。返回当前及仍在有效期内的旧证书和签发它们的平台根证书，用于校验响应和 Webhook 的签名。",
    },
    "GET /bank/v1/institution": {"summary": "查询本机构信息及已登记证书"},
    "POST /bank/v1/institution/webhook-url": {"summary": "修改本机构的回调地址（主管）"},
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

OPERATIONS.update({
    "GET /bank/v1/officers": {
        "summary": "分页查询本机构经办人",
        "query": [PAGE, PAGE_SIZE, {"name": "status", "in": "query", "required": False,
                                    "schema": {"type": "string", "enum": ["active", "disabled"]},
                                    "description": "按经办人状态筛选。"}],
    },
    "POST /bank/v1/officers": {
        "summary": "新增经办人",
        "body": {"type": "object", "required": ["name"],
                 "properties": {"name": {**STRING, "maxLength": 50, "description": "经办人姓名。"},
                                "role": {**OFFICER_ROLE, "default": "loan_officer"},
                                "phone": {**STRING, "description": "11 位中国大陆手机号码，加密保存，响应中脱敏显示。"}}},
        "status": 201,
    },
    "GET /bank/v1/officers/{officer_id}": {"summary": "查询经办人"},
    "POST /bank/v1/officers/{officer_id}/role": {
        "summary": "变更经办人角色",
        "description": "经办人不能变更自己的角色（OFFICER_SELF_CHANGE）。",
        "body": {"type": "object", "required": ["role"], "properties": {"role": OFFICER_ROLE}},
    },
    "POST /bank/v1/officers/{officer_id}/phone": {
        "summary": "变更经办人手机号",
        "description": "手机号是经办人的控制台登录名之一，变更后该经办人的控制台会话全部结束。",
        "body": {"type": "object", "required": ["phone"],
                 "properties": {"phone": {"type": "string", "nullable": True,
                                          "description": "新的 11 位中国大陆手机号码，加密保存；传 null 清除手机号。"}}},
    },
    "POST /bank/v1/officers/{officer_id}/disable": {
        "summary": "停用经办人",
        "description": "经办人不会被删除，停用后以其编号发起的请求以 OFFICER_DISABLED 拒绝。经办人不能停用自己。",
    },
    "POST /bank/v1/officers/{officer_id}/enable": {"summary": "重新启用经办人"},
    "POST /bank/v1/officers/{officer_id}/console-password": {
        "summary": "设置经办人控制台密码或发放一次性激活码",
        "body": {"type": "object", "properties": {
            "password": {**STRING, "minLength": 10, "maxLength": 128,
                         "description": "新的控制台密码，10 至 128 个字符，须同时包含字母和数字。"},
            "one_time_code": {"type": "boolean",
                              "description": "为 true 时不设密码，改为发放 72 小时内有效的一次性激活码，供经办人首次登录时自行设置密码。"},
        }},
    },
    "GET /bank/v1/certificates": {"summary": "查询本机构的接口证书（含已吊销）"},
    "POST /bank/v1/certificates": {
        "summary": "轮换接口证书",
        "description": "提交证书请求（CSR，PEM）或公钥时平台签发证书；都不提交时平台生成密钥对，私钥只在本次响应中返回，"
                       "以同一 Idempotency-Key 重试只返回证书。新证书生效后，旧证书仍有效，直到机构吊销它。SM2 只接受公钥。",
        "body": {"type": "object",
                 "properties": {"algorithm": {"type": "string",
                                              "enum": ["ecdsa-p256-sha256", "rsa-2048-sha256", "sm2-sm3"],
                                              "default": "ecdsa-p256-sha256"},
                                "csr_pem": {**STRING, "description": "PKCS#10 证书请求（PEM），EC P-256 或 RSA 2048 位以上。"},
                                "public_key_pem": {**STRING, "description": "公钥（PEM）。"}}},
        "body_required": False,
        "status": 201,
    },
    "POST /bank/v1/certificates/{serial_no}/revoke": {
        "summary": "吊销本机构的接口证书",
        "description": "吊销后用该证书签名的请求以 CERTIFICATE_REVOKED 拒绝，平台 CA 的证书吊销列表（/ca/crl.pem）随即列出该证书。"
                       "不能吊销本机构最后一张有效证书（CERTIFICATE_LAST_ACTIVE），请先轮换。",
        "body": {"type": "object", "required": ["reason"], "properties": {"reason": REVOCATION_REASON}},
    },
})

KIOSK_SESSION_OPEN = {
    "type": "object",
    "required": ["device_id", "borrower_name", "id_number"],
    "properties": {
        "device_id": {**STRING, "pattern": "^[A-Za-z0-9._:\\-]{1,64}$",
                      "description": "网点智能设备编号，设备每次请求都须在 Mc-Device-Id 请求头中带上。"},
        "borrower_name": {**STRING, "description": "借款人姓名，须与身份证一致。"},
        "id_number": {**STRING, "minLength": 18, "maxLength": 18, "description": "借款人 18 位居民身份证号码。"},
        "phone": {**STRING, "description": "借款人手机号码，可不填。"},
        "valid_minutes": {"type": "integer", "minimum": 5, "maximum": 120, "default": 30,
                          "description": "会话有效期（分钟）。"},
    },
}

OPERATIONS.update({
    "POST /bank/v1/kiosk-sessions": {
        "summary": "发起智能设备办理会话",
        "description": "为网点智能设备和借款人发起会话，响应中的 token 为一次性设备令牌，请交给该设备使用。"
                       "平台只保存令牌的摘要，用同一 Idempotency-Key 重试时返回同一会话但 token 为 null；"
                       "如令牌丢失，请关闭该会话后重新发起。",
        "body": KIOSK_SESSION_OPEN, "status": 201,
    },
    "GET /bank/v1/kiosk-sessions/{session_id}": {"summary": "查询智能设备会话及其存证记录"},
    "POST /bank/v1/kiosk-sessions/{session_id}/application": {
        "summary": "将智能设备会话关联到申请",
        "description": "申请须属于本机构，且会话中的借款人须为该申请的借款人或抵押人。",
        "body": {"type": "object", "required": ["application_id"],
                 "properties": {"application_id": {**UUID, "description": "本机构的申请编号。"}}},
    },
    "POST /bank/v1/kiosk-sessions/{session_id}/close": {"summary": "结束智能设备会话"},
})

TAGS = {
    "banks": "机构与证书",
    "bank_certificates": "接口证书",
    "bank_officers": "经办人",
    "bank_applications": "抵押登记申请",
    "valuation": "智慧评估",
    "bank_webhooks": "Webhook 推送",
    "bank_kiosk": "智能设备办理",
}
