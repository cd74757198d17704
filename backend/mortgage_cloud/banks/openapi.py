"""The OpenAPI 3 description of the bank API, built from the app's registered `/bank/v1` routes.

Paths, methods and path parameters come from the router. Whether a route needs a signature or an
`Idempotency-Key` comes from its decorators (`bank_required`, `idempotent`). Summaries, bodies and
query parameters come from openapi_catalogue.py.
"""

import inspect
import re
from typing import Any

from sanic import Sanic

from mortgage_cloud.banks.auth import OFFICER_HEADER, bank_required
from mortgage_cloud.banks.idempotency import KEY_HEADER, idempotent
from mortgage_cloud.banks.officer_auth import required_role
from mortgage_cloud.banks.openapi_catalogue import OPERATIONS, TAGS
from mortgage_cloud.banks.platform_key import RESPONSE_HEADERS

PREFIX = "/bank/v1/"
DOCS_BLUEPRINT = "bank_openapi"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
_PARAMETER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)(?::[^>]*)?>")

INTRODUCTION = """\
银行、公积金中心的业务系统通过本接口办理不动产抵押登记。

- **请求签名**：除“下载平台响应签名证书”外，每个请求都须带 `Authorization` 签名头，格式为
  `MC-SHA256-ECDSA mchid="机构编号",serial_no="证书序列号",nonce_str="32位随机串",timestamp="Unix秒",signature="Base64签名"`，
  签名串为 `请求方法\\n路径及查询串\\n时间戳\\n随机串\\n请求体\\n`。也支持 `MC-SHA256-RSA2048` 和 `MC-SM2-WITH-SM3`。
  带 `Mc-Officer-Id` 的请求须把其值原样作为一行写在时间戳与随机串之间，签名串为
  `请求方法\\n路径及查询串\\n时间戳\\n经办人编号\\n随机串\\n请求体\\n`。签名后删除或修改该请求头的请求以
  `SIGNATURE_INVALID` 拒绝；带该请求头而签名串未包含经办人编号（例如签名后才加上该请求头）的请求以
  `OFFICER_HEADER_UNSIGNED` 拒绝。
- **幂等**：每个 POST 请求都须带 `Idempotency-Key`，重试时使用同一个值，平台返回首次请求的结果。
- **响应签名**：每个响应都带 `Mc-Timestamp`、`Mc-Nonce`、`Mc-Serial`、`Mc-Signature`，签名串为
  `时间戳\\n随机串\\n响应体\\n`，请用平台证书验签。
- **错误**：所有错误都返回 `{code, message, context}`，`code` 为稳定的英文代码，`message` 为中文说明。
- **Webhook**：申请状态每次变化，平台向机构登记的 Webhook 地址推送签名的 POST 请求，验签方式与响应相同。
- **经办人与角色**：请求可带 `Mc-Officer-Id` 指明经办人，平台按其角色授权：只读（read_only）只能调用 GET 接口；
  客户经理（loan_officer）还可查询不动产、创建申请、生成文件、提交、撤回、开启智能设备会话和发起评估；
  主管（supervisor）还可加盖电子签章、标记放款、申请注销、管理经办人和证书。每个接口的 `x-officer-role` 为所需的最低角色。
  经办人不存在、已停用或不属于本机构时，请求分别以 `OFFICER_NOT_FOUND`、`OFFICER_DISABLED`、`OFFICER_OF_OTHER_INSTITUTION` 拒绝，
  角色不足时以 `OFFICER_ROLE_FORBIDDEN` 拒绝。
- **机构系统账户**：不带 `Mc-Officer-Id` 的请求视为机构业务系统（机器对机器调用）以系统账户办理，拥有全部权限，
  并记为机构本身的操作。请妥善保管签名私钥，由人员发起的操作请带上经办人编号，申请时间线的 `actor` 随之记为 `officer:经办人编号`，
  不带时记为 `institution:机构编号`。`Mc-Officer-Id` 在签名串内，平台把它视为机构业务系统经签名的经办人身份声明。
- **证书吊销**：平台 CA 在 `/ca/crl.pem`（DER 格式为 `/ca/crl.crl`）发布证书吊销列表，根证书在 `/ca/certificate.pem`；
  用已吊销证书签名的请求以 `CERTIFICATE_REVOKED` 拒绝。
"""

ROLE_TEXT = {"read_only": "只读及以上", "loan_officer": "客户经理及以上", "supervisor": "主管"}


def _probe(*args: Any, **kwargs: Any) -> Any:
    return None


# Each decorator returns a new function object, but all of them share one code object.
_SIGNED_CODE = bank_required(_probe).__code__
_IDEMPOTENT_CODE = idempotent(_probe).__code__


def build_bank_openapi(app: Sanic, *, server_url: str) -> dict[str, Any]:
    """Return the OpenAPI 3.0 document of every route under `/bank/v1/` except the documentation's own."""
    paths: dict[str, dict[str, Any]] = {}
    used_tags: set[str] = set()
    for route in sorted(app.router.routes, key=lambda item: item.path):
        path = "/" + route.path
        blueprint = _blueprint_of(route.name)
        if not path.startswith(PREFIX) or blueprint == DOCS_BLUEPRINT:
            continue
        template = _PARAMETER.sub(r"{\1}", path)
        for method in sorted(set(route.methods) - IGNORED_METHODS):
            paths.setdefault(template, {})[method.lower()] = _operation(route, method, template, blueprint)
        used_tags.add(blueprint)

    return {
        "openapi": "3.0.3",
        "info": {"title": "智慧抵押云平台 银行接口", "version": "v1", "description": INTRODUCTION},
        "servers": [{"url": server_url}],
        "tags": [{"name": TAGS.get(name, name)} for name in sorted(used_tags, key=_tag_order)],
        "paths": paths,
        "components": _components(),
    }


def _operation(route: Any, method: str, template: str, blueprint: str) -> dict[str, Any]:
    handler, signed, idempotent_post = _unwrap(route.handler)
    role = required_role(getattr(route.handler, "officer_role", None), method) if signed else None
    catalogue = OPERATIONS.get(f"{method} {template}", {})
    docstring = inspect.getdoc(handler) or ""

    operation: dict[str, Any] = {
        "operationId": f"{blueprint}.{handler.__name__}",
        "tags": [TAGS.get(blueprint, blueprint)],
        "summary": catalogue.get("summary") or docstring.split("\n", 1)[0] or handler.__name__,
        "parameters": _parameters(template, catalogue, signed=signed,
                                  idempotent_post=idempotent_post and method == "POST"),
        "responses": _responses(catalogue),
    }
    description = catalogue.get("description", "")
    if role is not None:
        operation["x-officer-role"] = str(role)
        description = f"{description}\n\n所需经办人角色：{ROLE_TEXT[str(role)]}（不带经办人编号的系统账户不受限）。".strip()
    if description:
        operation["description"] = description
    operation["security"] = [{"McSignature": []}] if signed else []
    if body := catalogue.get("body"):
        operation["requestBody"] = {"required": catalogue.get("body_required", True),
                                    "content": {"application/json": {"schema": body}}}
    return operation


def _unwrap(handler: Any) -> tuple[Any, bool, bool]:
    """Return the innermost handler and whether `bank_required` and `idempotent` wrap it."""
    signed = idempotent_post = False
    while True:
        code = getattr(handler, "__code__", None)
        signed = signed or code is _SIGNED_CODE
        idempotent_post = idempotent_post or code is _IDEMPOTENT_CODE
        inner = getattr(handler, "__wrapped__", None)
        if inner is None:
            return handler, signed, idempotent_post
        handler = inner


def _parameters(template: str, catalogue: dict[str, Any], *, signed: bool,
                idempotent_post: bool) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{([^}]+)}", template)
    ]
    parameters += catalogue.get("query", [])
    if idempotent_post:
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if signed:
        parameters.append({"$ref": "#/components/parameters/OfficerId"})
    return parameters


def _responses(catalogue: dict[str, Any]) -> dict[str, Any]:
    content_type = catalogue.get("content_type", "application/json")
    schema = {"type": "string", "format": "binary"} if content_type == "application/pdf" else {"type": "object"}
    success = {
        "description": "成功",
        "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in RESPONSE_HEADERS},
        "content": {content_type: {"schema": schema}},
    }
    return {
        str(catalogue.get("status", 200)): success,
        "4XX": {"$ref": "#/components/responses/Error"},
        "5XX": {"$ref": "#/components/responses/Error"},
    }


def _components() -> dict[str, Any]:
    return {
        "securitySchemes": {
            # OpenAPI 3.0 ignores a header parameter named Authorization, so the signature is a security scheme.
            "McSignature": {
                "type": "apiKey", "in": "header", "name": "Authorization",
                "description": "机构证书对请求的签名，格式见接口说明。",
            },
        },
        "parameters": {
            "IdempotencyKey": {
                "name": KEY_HEADER, "in": "header", "required": True,
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:\\-]{1,64}$"},
                "description": "幂等键：1 至 64 位字母、数字或 - _ . : 字符；重试同一请求时使用同一个值。",
            },
            "OfficerId": {
                "name": OFFICER_HEADER, "in": "header", "required": False,
                "schema": {"type": "string", "format": "uuid",
                           "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},
                "description": "经办人编号（带连字符的 UUID），须属于本机构且为启用状态，平台按其角色授权；"
                               "其值须写入签名串（时间戳与随机串之间的一行）。"
                               "不填时视为机构业务系统的系统账户，拥有全部权限，记为机构本身操作。",
            },
        },
        "headers": {name: {"schema": {"type": "string"}, "description": _HEADER_TEXT[name]}
                    for name in RESPONSE_HEADERS},
        "responses": {
            "Error": {"description": "错误",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "稳定的英文错误代码，例如 SIGNATURE_INVALID。"},
                    "message": {"type": "string", "description": "给人看的中文说明及处理办法。"},
                    "context": {"type": "object", "description": "出错的字段等上下文，例如 {\"field\": \"page_size\"}。"},
                },
            },
        },
    }


_HEADER_TEXT = {
    "Mc-Timestamp": "平台签名时的 Unix 时间（秒）。",
    "Mc-Nonce": "32 位随机串。",
    "Mc-Serial": "平台签名证书序列号（十六进制小写）。",
    "Mc-Signature": "对“时间戳\\n随机串\\n响应体\\n”的 ECDSA P-256 SHA-256 签名，Base64 编码。",
}


def _blueprint_of(route_name: str) -> str:
    # Sanic names a blueprint route "<app>.<blueprint>.<handler>".
    parts = route_name.split(".")
    return parts[1] if len(parts) >= 3 else ""


def _tag_order(blueprint: str) -> int:
    order = list(TAGS)
    return order.index(blueprint) if blueprint in order else len(order)
