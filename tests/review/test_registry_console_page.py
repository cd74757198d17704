"""The registry staff console (/h5/registry/) in headless Chromium against the real app and a manual-review case."""


import pytest
from browser_support import loopback_page
from playwright.async_api import expect
from registry_console_support import objection_in_review, staff_login, store_reviews

from mortgage_cloud.review.models import StaffRole

STEP_TIMEOUT_MS = 30_000


@pytest.fixture
async def browser_page():
    async with loopback_page(locale="zh-CN", timezone_id="Asia/Shanghai") as page:
        yield page


async def log_in(page, server_url: str, client, role: StaffRole = StaffRole.REVIEWER, hash_part: str = "") -> None:
    username, password, _ = await staff_login(client, role)
    await page.goto(f"{server_url}/h5/registry/{hash_part}")
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_selector("#nav:not([hidden])", timeout=STEP_TIMEOUT_MS)


async def find_in_queue(page, application_no: str) -> bool:
    """Turn the queue's pages until the application's row shows, or the last page is reached."""
    await page.wait_for_selector("#view-queue:not([hidden])", timeout=STEP_TIMEOUT_MS)
    # The waits use locator assertions, because the page's Content-Security-Policy blocks the eval that
    # `wait_for_function` needs.
    pager = page.locator("#queue-page")
    await expect(pager).not_to_have_text("", timeout=STEP_TIMEOUT_MS)
    while True:
        if await page.locator("#queue-rows a", has_text=application_no).count():
            return True
        if await page.locator("#queue-next").is_disabled():
            return False
        before = await pager.inner_text()
        await page.click("#queue-next")
        await expect(pager).not_to_have_text(before, timeout=STEP_TIMEOUT_MS)


async def open_review(page, application_no: str) -> None:
    assert await find_in_queue(page, application_no)
    await page.locator("#queue-rows a", has_text=application_no).click()
    await page.wait_for_selector("#review-decision:not([hidden])", timeout=STEP_TIMEOUT_MS)


async def test_console_page_login_shows_queue(browser_page, server_url, client, prepare):
    status = await objection_in_review(prepare)
    await log_in(browser_page, server_url, client)
    assert await find_in_queue(browser_page, status["application_no"])
    assert "异议登记" in await browser_page.locator("#queue-rows").inner_text()
    assert browser_page.outside_requests == []
    assert browser_page.script_errors == []


async def test_console_page_queue_pages(browser_page, server_url, client):
    stored = await store_reviews(21)
    await log_in(browser_page, server_url, client)
    await expect(browser_page.locator("#queue-page")).to_contain_text("第 1 /", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.locator("#queue-next").is_enabled()
    assert await find_in_queue(browser_page, stored[-1].application_no)
    assert await browser_page.locator("#queue-prev").is_enabled()


async def test_console_page_wrong_password_message(browser_page, server_url, client):
    username, _, _ = await staff_login(client)
    await browser_page.goto(f"{server_url}/h5/registry/")
    await browser_page.fill("#login-username", username)
    await browser_page.fill("#login-password", "wrong-password")
    await browser_page.click("#login-form button[type=submit]")
    await browser_page.wait_for_selector("#message.error", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.locator("#message").inner_text() == "用户名或密码错误。"


async def test_console_page_detail_shows_finding(browser_page, server_url, client, prepare):
    status = await objection_in_review(prepare)
    await log_in(browser_page, server_url, client)
    await open_review(browser_page, status["application_no"])
    findings = await browser_page.locator("#review-findings").inner_text()
    assert "该不动产存在异议登记，需转人工审核。" in findings
    assert "UNIT_OBJECTION" in findings
    assert "转人工审核" in await browser_page.locator("#review-timeline").inner_text()


async def test_console_page_downloads_document(browser_page, server_url, client, prepare):
    status = await objection_in_review(prepare)
    await log_in(browser_page, server_url, client)
    await open_review(browser_page, status["application_no"])
    async with browser_page.expect_download(timeout=STEP_TIMEOUT_MS) as waiting:
        await browser_page.locator("#review-documents button", has_text="抵押合同").click()
    download = await waiting.value
    with open(await download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


async def test_console_page_reject_with_reason(browser_page, server_url, client, prepare):
    status = await objection_in_review(prepare)
    await log_in(browser_page, server_url, client)
    await open_review(browser_page, status["application_no"])
    await browser_page.fill("#reject-reason", "异议人已起诉，暂不登记")
    await browser_page.click("#reject-submit")
    await browser_page.wait_for_selector("#message.ok", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.locator("#review-decision").is_hidden()
    assert await browser_page.locator("#review-state").inner_text() == "不予登记"
    assert "异议人已起诉，暂不登记" in await browser_page.locator("#review-timeline").inner_text()
    assert browser_page.script_errors == []


async def test_console_page_reject_needs_reason(browser_page, server_url, client, prepare):
    status = await objection_in_review(prepare)
    await log_in(browser_page, server_url, client)
    await open_review(browser_page, status["application_no"])
    await browser_page.click("#reject-submit")
    await browser_page.wait_for_selector("#message.error", timeout=STEP_TIMEOUT_MS)
    assert "请填写不予登记的理由" in await browser_page.locator("#message").inner_text()
    assert await browser_page.locator("#review-state").inner_text() == "转人工审核"


async def test_console_page_approve_resumes(browser_page, server_url, client, prepare):
    status = await objection_in_review(prepare)
    await log_in(browser_page, server_url, client)
    await open_review(browser_page, status["application_no"])
    await browser_page.fill("#approve-note", "异议已核实，不影响抵押")
    await browser_page.click("#approve-submit")
    await browser_page.wait_for_selector("#message.ok", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.locator("#review-decision").is_hidden()
    assert await browser_page.locator("#review-state").inner_text() != "转人工审核"


async def test_console_page_statistics_charts(browser_page, server_url, client, prepare):
    await objection_in_review(prepare)
    await log_in(browser_page, server_url, client, hash_part="#stats")
    await browser_page.wait_for_selector("#stats-result:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.locator("#chart-volume svg rect.bar").count() == 30
    assert await browser_page.locator("#chart-steps svg rect.bar").count() >= 1
    assert await browser_page.locator("#chart-outcomes svg rect.part-waiting").count() >= 1
    assert await browser_page.locator("#stats-review-codes", has_text="UNIT_OBJECTION").count() == 1
    assert browser_page.script_errors == []


async def test_console_page_statistics_bad_range_message(browser_page, server_url, client):
    await log_in(browser_page, server_url, client, hash_part="#stats")
    await browser_page.wait_for_selector("#stats-result:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await browser_page.fill("#stats-from", "2023-01-01")
    await browser_page.fill("#stats-to", "2024-12-31")
    await browser_page.click("#stats-form button[type=submit]")
    await browser_page.wait_for_selector("#message.error", timeout=STEP_TIMEOUT_MS)
    assert "最长 366 天" in await browser_page.locator("#message").inner_text()


async def test_console_page_unit_lookup(browser_page, server_url, client, unit_pool):
    unit_no = unit_pool["already_mortgaged"].pop(0)
    await log_in(browser_page, server_url, client, hash_part="#unit")
    await browser_page.fill("#unit-no", unit_no)
    await browser_page.click("#unit-form button[type=submit]")
    await browser_page.wait_for_selector("#unit-result:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert "哈希链校验通过" in await browser_page.locator("#unit-chain").inner_text()
    assert "*" in await browser_page.locator("#unit-owners").inner_text()
    assert "抵押权登记" in await browser_page.locator("#unit-entries").inner_text()


async def test_console_page_reviewer_has_no_accounts(browser_page, server_url, client):
    await log_in(browser_page, server_url, client)
    assert await browser_page.locator("#nav-accounts").is_hidden()


async def test_console_page_admin_creates_account(browser_page, server_url, client):
    await log_in(browser_page, server_url, client, role=StaffRole.ADMIN, hash_part="#accounts")
    await browser_page.wait_for_selector("#view-accounts:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await browser_page.fill("#account-username", "console-new-reviewer")
    await browser_page.fill("#account-name", "新审核员")
    await browser_page.click("#account-form button[type=submit]")
    await browser_page.wait_for_selector("#account-password:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert "console-new-reviewer" in await browser_page.locator("#account-password").inner_text()


async def test_console_page_unknown_file_404(client):
    response = await client.get("/h5/registry/../../pyproject.toml")
    assert response.status_code == 404


async def test_console_page_security_headers(client):
    response = await client.get("/h5/registry/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


async def test_console_page_expired_session_returns_to_login(browser_page, server_url, client):
    await log_in(browser_page, server_url, client)
    await browser_page.wait_for_selector("#view-queue:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await browser_page.evaluate("sessionStorage.setItem('mc-registry-staff-token', 'expired-token')")
    await browser_page.click("#nav a[data-view=stats]")
    await browser_page.wait_for_selector("#view-login:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.evaluate("sessionStorage.getItem('mc-registry-staff-token')") is None
    assert await browser_page.locator("#message.error").is_visible()
    assert browser_page.script_errors == []
