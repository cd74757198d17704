"""The officers' console page in headless Chromium against the real app."""

from datetime import date, timedelta

import pytest
from browser_support import loopback_page
from console_support import PASSWORD
from playwright.async_api import expect

STEP_TIMEOUT_MS = 30_000


@pytest.fixture
async def browser_page():
    async with loopback_page(accept_dialogs=True, locale="zh-CN", accept_downloads=True) as page:
        yield page


async def log_in_on_page(page, server_url: str, officer, *, password: str = PASSWORD) -> None:
    await page.goto(f"{server_url}/h5/bank/")
    await page.wait_for_selector("#view-login:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.fill("#login-uscc", officer.uscc)
    await page.fill("#login-account", officer.phone)
    await page.fill("#login-password", password)
    await page.click("#login-submit")


async def create_on_page(page, borrower) -> None:
    await page.click("#nav-new")
    await page.wait_for_selector(f"#consent-list input[value='{borrower.consent_id}']", timeout=STEP_TIMEOUT_MS)
    await page.check(f"#consent-list input[value='{borrower.consent_id}']")
    await page.click("#query-submit")
    await page.wait_for_selector(f"#property-list input[value='{borrower.unit_no}']", timeout=STEP_TIMEOUT_MS)
    await page.check(f"#property-list input[value='{borrower.unit_no}']")

    start = date.today() + timedelta(days=2)
    await page.fill("#loan-amount", "720000.00")
    await page.fill("#loan-start", start.isoformat())
    await page.fill("#loan-end", start.replace(year=start.year + 15).isoformat())
    await page.fill("#loan-contract", "JK-2026-PAGE0001")
    await page.click("#create-submit")


async def test_console_page_login_shows_list(browser_page, server_url, make_officer):
    page, officer = browser_page, await make_officer()
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await page.locator("#who-institution").inner_text() == officer.bank.name
    assert page.script_errors == []


async def test_console_page_wrong_password_message(browser_page, server_url, make_officer):
    page, officer = browser_page, await make_officer()
    await log_in_on_page(page, server_url, officer, password="Falsch123456")
    await page.wait_for_selector("#message:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert "密码错误" in await page.locator("#message").inner_text()
    assert await page.locator("#view-login").is_visible()


async def test_console_page_create_list_detail(browser_page, server_url, make_officer, consenting_borrower):
    page, officer = browser_page, await make_officer()
    borrower = await consenting_borrower()
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)

    await create_on_page(page, borrower)
    await page.wait_for_selector("#view-detail:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.wait_for_selector("#detail-state[data-state='documents_ready']", timeout=STEP_TIMEOUT_MS)
    application_id = page.url.rsplit("/", 1)[-1]
    title = await page.locator("#detail-title").inner_text()
    assert await page.locator("#documents button").count() == 3

    await page.click("#nav-list")
    await page.fill("#search-q", borrower.unit_no)
    await page.click("#search-submit")
    # The unfiltered list shows first, so wait for the search result to replace it.
    await expect(page.locator("#app-table tbody tr")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    row = page.locator(f"#app-table tbody tr[data-id='{application_id}']")
    assert await row.count() == 1

    await row.click()
    await page.wait_for_selector("#view-detail:not([hidden])", timeout=STEP_TIMEOUT_MS)
    # The page uses CSP without 'unsafe-eval', so waits use selectors rather than wait_for_function.
    await page.wait_for_selector(f"#detail-title:text-is('{title}')", timeout=STEP_TIMEOUT_MS)
    assert await page.locator("#timeline li").count() == 2
    assert borrower.unit_no in await page.locator("#detail-fields").inner_text()
    assert page.script_errors == []
    assert page.outside_requests == []


async def test_console_page_downloads_document(browser_page, server_url, make_officer, consenting_borrower):
    page, officer = browser_page, await make_officer()
    borrower = await consenting_borrower()
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await create_on_page(page, borrower)
    await page.wait_for_selector("#documents button[data-kind='mortgage_contract']", timeout=STEP_TIMEOUT_MS)

    async with page.expect_download(timeout=STEP_TIMEOUT_MS) as waiting:
        await page.click("#documents button[data-kind='mortgage_contract']")
    download = await waiting.value
    assert download.suggested_filename.endswith("-mortgage_contract.pdf")


async def test_console_page_read_only_has_no_new(browser_page, server_url, make_officer):
    page, officer = browser_page, await make_officer(role="read_only")
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await page.locator("#nav-new").is_hidden()


async def test_console_page_statistics_draws_charts(browser_page, server_url, make_officer):
    page, officer = browser_page, await make_officer()
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.click("#nav-statistics")
    await page.wait_for_selector("#chart-volume svg", timeout=STEP_TIMEOUT_MS)
    assert await page.locator("#chart-volume svg rect").count() == 30
    assert await page.locator("#chart-outcomes svg").count() == 1
    assert page.script_errors == []


async def test_console_page_logout_returns_to_login(browser_page, server_url, make_officer):
    page, officer = browser_page, await make_officer()
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.click("#logout")
    await page.wait_for_selector("#view-login:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await page.evaluate("sessionStorage.getItem('mc-console-token')") is None


async def test_console_page_unknown_file_not_found(client):
    response = await client.get("/h5/bank/secret.txt")
    assert response.status_code == 404


async def test_console_page_security_headers(client):
    response = await client.get("/h5/bank/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_console_page_expired_session_returns_to_login(browser_page, server_url, make_officer):
    page, officer = browser_page, await make_officer()
    await log_in_on_page(page, server_url, officer)
    await page.wait_for_selector("#view-list:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.evaluate("sessionStorage.setItem('mc-console-token', 'expired-token')")
    await page.click("#search-submit")
    await page.wait_for_selector("#view-login:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert "请重新登录" in await page.locator("#message").inner_text()
    assert await page.evaluate("sessionStorage.getItem('mc-console-token')") is None
    assert page.script_errors == []
