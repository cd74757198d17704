"""The bank API's OpenAPI description, and its documentation page rendered offline in headless Chromium."""

import re

import pytest
from browser_support import loopback_page
from openapi_spec_validator import validate

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
async def spec(client) -> dict:
    response = await client.get("/bank/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def parameter_refs(operation: dict) -> set[str]:
    return {parameter["$ref"].rsplit("/", 1)[-1] for parameter in operation["parameters"] if "$ref" in parameter}


async def test_openapi_is_valid(spec):
    validate(spec)


async def test_openapi_lists_bank_routes(spec):
    assert "/bank/v1/applications/{application_id}/submit" in spec["paths"]
    assert "post" in spec["paths"]["/bank/v1/webhooks/events/{event_id}/redeliver"]
    assert "get" in spec["paths"]["/bank/v1/webhooks/events/{event_id}/deliveries"]


async def test_openapi_only_bank_routes(spec):
    assert all(path.startswith("/bank/v1/") for path in spec["paths"])


async def test_openapi_leaves_out_docs_routes(spec):
    assert "/bank/v1/openapi.json" not in spec["paths"]
    assert "/bank/v1/docs" not in spec["paths"]


async def test_openapi_every_post_needs_idempotency_key(spec):
    missing = [path for method, path, operation in operations(spec)
               if method == "POST" and "IdempotencyKey" not in parameter_refs(operation)]
    assert missing == []


async def test_openapi_gets_have_no_idempotency_key(spec):
    carrying = [path for method, path, operation in operations(spec)
                if method == "GET" and "IdempotencyKey" in parameter_refs(operation)]
    assert carrying == []


async def test_openapi_signed_routes_need_signature(spec):
    unsigned = [path for _, path, operation in operations(spec) if not operation["security"]]
    assert unsigned == ["/bank/v1/platform-certificates"]


async def test_openapi_signature_is_authorization_header(spec):
    scheme = spec["components"]["securitySchemes"]["McSignature"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")


async def test_openapi_describes_signed_officer_line(spec):
    assert "时间戳\\n经办人编号\\n随机串" in spec["info"]["description"]


async def test_openapi_officer_header_pattern_needs_hyphens(spec):
    pattern = spec["components"]["parameters"]["OfficerId"]["schema"]["pattern"]
    assert re.fullmatch(pattern.strip("^$"), "0b5c7f0e3a1d4c2b9e8f7a6b5c4d3e2f") is None


async def test_openapi_summaries_in_chinese(spec):
    # A failure names the route to add to banks/openapi_catalogue.py.
    english = [f"{method} {path}" for method, path, operation in operations(spec)
               if not CJK.search(operation["summary"])]
    assert english == []


async def test_openapi_application_body_described(spec):
    body = spec["paths"]["/bank/v1/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "loan_contract_no" in body["required"]
    assert body["properties"]["mortgage_type"]["enum"] == ["general", "maximum"]


async def test_openapi_paging_parameters_described(spec):
    names = [parameter.get("name") for parameter in spec["paths"]["/bank/v1/webhooks/events"]["get"]["parameters"]]
    assert names[:3] == ["page", "page_size", "status"]


async def test_openapi_path_parameters_described(spec):
    parameters = spec["paths"]["/bank/v1/webhooks/events/{event_id}/deliveries"]["get"]["parameters"]
    assert {"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}} in parameters


async def test_openapi_response_is_signed(client):
    response = await client.get("/bank/v1/openapi.json")
    assert "Mc-Signature" in response.headers


async def test_openapi_docs_asset_outside_list_not_found(client):
    response = await client.get("/bank/v1/docs/assets/index.j2")
    assert response.status_code == 404


async def test_openapi_docs_asset_path_traversal_not_found(client):
    response = await client.get("/bank/v1/docs/assets/..%2F..%2F__init__.py")
    assert response.status_code == 404


@pytest.fixture
async def browser_page():
    async with loopback_page() as page:
        yield page


async def test_openapi_docs_page_renders_offline(browser_page, server_url, spec):
    await browser_page.goto(f"{server_url}/bank/v1/docs")
    await browser_page.wait_for_selector(".opblock-summary", timeout=30_000)
    blocks = await browser_page.locator(".opblock").count()
    assert blocks == sum(1 for _ in operations(spec))
    assert browser_page.outside_requests == []


async def test_openapi_docs_page_shows_endpoints(browser_page, server_url):
    await browser_page.goto(f"{server_url}/bank/v1/docs")
    await browser_page.wait_for_selector(".opblock-summary", timeout=30_000)
    text = await browser_page.locator("#swagger-ui").inner_text()
    assert "/bank/v1/webhooks/events/{event_id}/redeliver" in text
    assert "重新推送 Webhook 事件" in text
    assert "创建抵押登记申请" in text


async def test_openapi_docs_page_title_chinese(browser_page, server_url):
    await browser_page.goto(f"{server_url}/bank/v1/docs")
    assert await browser_page.title() == "智慧抵押云平台 银行接口文档"
