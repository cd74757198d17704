"""The official-account login page `/h5/wechat-login`: served files, and the whole OAuth redirect in headless Chromium."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from browser_support import loopback_page
from playwright.async_api import expect

from mortgage_cloud.applications.states import LABELS, State

STEP_TIMEOUT_MS = 30_000
REOPEN_HINT = "从公众号菜单重新打开"


@pytest.fixture
async def browser_page():
    async with loopback_page(locale="zh-CN", timezone_id="Asia/Shanghai") as page:
        yield page


@pytest.fixture
def public_base_is_server(runtime, server_url):
    """Point the public base URL at the test server, so the default OAuth redirect reaches the page under test."""
    original = runtime.settings.public_base_url
    runtime.settings.public_base_url = server_url
    yield server_url
    runtime.settings.public_base_url = original


@pytest.fixture
async def wechat(mock_wechat):
    async with httpx.AsyncClient(base_url=mock_wechat.url) as http:
        yield http


async def _authorize_url(client, unionid=None) -> str:
    url = (await client.get("/api/v1/auth/oauth/url")).json()["authorize_url"]
    address, _, fragment = url.partition("#")
    if unionid:
        address += f"&mock_unionid={unionid}"
    return f"{address}#{fragment}"


async def _landing_url(client, unionid=None) -> str:
    """Return the page address with code and state that the mock's authorize redirect leads to."""
    async with httpx.AsyncClient() as http:
        response = await http.get((await _authorize_url(client, unionid)).partition("#")[0])
    return response.headers["location"]


async def test_wechat_login_page_served_without_slash(client):
    response = await client.get("/h5/wechat-login")
    assert response.headers["content-type"] == "text/html; charset=utf-8"


async def test_wechat_login_page_has_csp(client):
    response = await client.get("/h5/wechat-login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_wechat_login_page_unlisted_file_not_found(client):
    response = await client.get("/h5/wechat-login/secret.txt")
    assert response.status_code == 404


async def test_wechat_login_page_default_redirect(client, mock_wechat):
    query = parse_qs(urlsplit(await _authorize_url(client)).query)
    assert urlsplit(query["redirect_uri"][0]).path == "/h5/wechat-login"


async def test_wechat_login_page_new_user_empty_list(browser_page, client, mock_wechat, public_base_is_server):
    page = browser_page
    await page.goto(await _authorize_url(client))

    await expect(page.locator("#empty")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert urlsplit(page.url).path == "/h5/wechat-login"
    assert urlsplit(page.url).query == ""
    assert await page.evaluate("sessionStorage.getItem('mc_borrower_token')")
    assert page.script_errors == []
    assert page.outside_requests == []


async def test_wechat_login_page_lists_applications(browser_page, client, mock_wechat, public_base_is_server, prepare):
    prepared = await prepare("clean_single_owner")
    application = (await prepared.primary.http.get("/api/v1/applications/")).json()["items"][0]
    page = browser_page
    await page.goto(await _authorize_url(client, prepared.primary.wechat_user["unionid"]))

    item = page.locator(f"#applications li[data-id='{application['id']}']")
    await expect(item).to_contain_text(application["application_no"], timeout=STEP_TIMEOUT_MS)
    await expect(item.locator(".state")).to_have_text(LABELS[State(application["state"])])
    await expect(page.locator("#empty")).to_be_hidden()
    assert page.script_errors == []


async def test_wechat_login_page_hides_id_number(browser_page, client, mock_wechat, public_base_is_server, prepare):
    prepared = await prepare("clean_single_owner")
    page = browser_page
    await page.goto(await _authorize_url(client, prepared.primary.wechat_user["unionid"]))

    await expect(page.locator("#applications li").first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert prepared.primary.person.id_number not in await page.content()


async def test_wechat_login_page_reload_keeps_session(browser_page, client, mock_wechat, public_base_is_server):
    page = browser_page
    await page.goto(await _authorize_url(client))
    await expect(page.locator("#empty")).to_be_visible(timeout=STEP_TIMEOUT_MS)

    await page.reload()
    await expect(page.locator("#empty")).to_be_visible(timeout=STEP_TIMEOUT_MS)


async def test_wechat_login_page_reused_link_error(browser_page, client, mock_wechat, public_base_is_server):
    page, landing = browser_page, await _landing_url(client)
    await page.goto(landing)
    await expect(page.locator("#empty")).to_be_visible(timeout=STEP_TIMEOUT_MS)

    await page.goto(landing)
    await expect(page.locator("#view-error")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    await expect(page.locator("#message")).to_contain_text("登录请求已过期")
    await expect(page.locator("#error-hint")).to_contain_text(REOPEN_HINT)
    await expect(page.locator("#view-list")).to_be_hidden()
    assert await page.evaluate("sessionStorage.getItem('mc_borrower_token')") is None


async def test_wechat_login_page_used_code_error(browser_page, client, mock_wechat, public_base_is_server):
    landing = urlsplit(await _landing_url(client))
    code = parse_qs(landing.query)["code"][0]
    await client.get("/api/v1/auth/oauth/callback", params=parse_qs(landing.query))
    fresh_state = (await client.get("/api/v1/auth/oauth/url")).json()["state"]

    page = browser_page
    await page.goto(f"{landing.scheme}://{landing.netloc}{landing.path}?code={code}&state={fresh_state}")
    await expect(page.locator("#message")).to_contain_text("已被使用", timeout=STEP_TIMEOUT_MS)
    await expect(page.locator("#error-hint")).to_contain_text(REOPEN_HINT)


async def test_wechat_login_page_missing_code_error(browser_page, server_url):
    page = browser_page
    await page.goto(f"{server_url}/h5/wechat-login/")
    await expect(page.locator("#message")).to_contain_text("缺少微信登录凭证", timeout=STEP_TIMEOUT_MS)
    await expect(page.locator("#error-hint")).to_contain_text(REOPEN_HINT)
