"""The kiosk page in headless Chromium against the real app and the mock face provider."""

from urllib.parse import urlsplit

import pytest
from browser_support import loopback_page
from kiosk_support import create_application, wait_for_outcome
from playwright.async_api import expect

from mortgage_cloud.mocks.face_images import face_image_for

STEP_TIMEOUT_MS = 30_000


# Chromium's synthetic camera, whose frames show no face, for the camera capture path.
FAKE_CAMERA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
async def browser_page():
    async with loopback_page(extra_args=tuple(FAKE_CAMERA_ARGS), locale="zh-CN", permissions=["camera"]) as page:
        yield page


async def open_kiosk(page, server_url: str, visit) -> None:
    await page.goto(f"{server_url}/h5/kiosk/#token={visit.session['token']}&device={visit.device_id}")


async def pass_face_check(page, visit) -> None:
    await page.locator("#face-file").set_input_files(
        files=[{"name": "face.png", "mimeType": "image/png", "buffer": face_image_for(visit.person.id_number)}])
    await page.click("#face-submit")


async def draw_signature(page) -> None:
    box = await page.locator("#signature-pad").bounding_box()
    left, top = box["x"] + 40, box["y"] + box["height"] / 2
    await page.mouse.move(left, top)
    await page.mouse.down()
    for step in range(1, 30):
        await page.mouse.move(left + step * 18, top + (25 if step % 2 else -25))
    await page.mouse.up()


async def test_kiosk_page_whole_visit(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit(fresh=True)
    await open_kiosk(page, server_url, visit)

    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert urlsplit(page.url).fragment == ""
    await pass_face_check(page, visit)

    await page.wait_for_selector("#view-consent:not([hidden])", timeout=STEP_TIMEOUT_MS)
    # The text arrives after the view shows, so wait for it rather than read it once.
    await expect(page.locator("#consent-text")).to_contain_text(visit.bank.name, timeout=STEP_TIMEOUT_MS)
    await page.check("#consent-read")
    await page.click("#consent-agree")
    await page.wait_for_selector("#view-waiting:not([hidden])", timeout=STEP_TIMEOUT_MS)

    session = await visit.bank.client.kiosk_session(visit.session["id"])
    application = await create_application(visit.bank, consent_id=session["consent_id"], unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])

    await page.wait_for_selector("#view-preview:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.wait_for_selector("#document-pages img.page", timeout=STEP_TIMEOUT_MS)
    assert await page.locator("#document-tabs button").count() == 3
    await page.check("#documents-read")
    await page.click("#preview-next")

    await page.wait_for_selector("#view-sign:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await draw_signature(page)
    await page.click("#signature-submit")

    await page.wait_for_selector("#view-rating:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.check("input[name=rating][value=satisfied]")
    await page.fill("#rating-comment", "客户经理讲解清楚")
    await page.click("#rating-submit")
    await page.wait_for_selector("#view-done:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.click("#finish")
    await page.wait_for_selector("#view-ended:not([hidden])", timeout=STEP_TIMEOUT_MS)

    await visit.bank.client.post(f"/bank/v1/applications/{application['id']}/seal")
    await visit.bank.client.post(f"/bank/v1/applications/{application['id']}/submit")
    status = await wait_for_outcome(visit.bank, application["id"])
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    rating = next(row for row in session["evidence"] if row["kind"] == "rating")

    assert status["state"] == "archived"
    assert [row["kind"] for row in session["evidence"]] == [
        "opened", "face_check", "consent", "application_bound", "signature", "rating", "closed"]
    assert (rating["rating_label"], rating["comment"]) == ("满意", "客户经理讲解清楚")
    assert page.script_errors == []
    assert page.outside_requests == []


async def test_kiosk_page_asks_face_check_before_signing(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit(fresh=True)
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await pass_face_check(page, visit)
    await page.wait_for_selector("#view-consent:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.check("#consent-read")
    await page.click("#consent-agree")
    await page.wait_for_selector("#view-waiting:not([hidden])", timeout=STEP_TIMEOUT_MS)
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    application = await create_application(visit.bank, consent_id=session["consent_id"], unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    await page.wait_for_selector("#view-preview:not([hidden])", timeout=STEP_TIMEOUT_MS)

    await visit.device.face_check(visit.person, impostor=True)  # someone else faced the camera meanwhile
    await page.check("#documents-read")
    await page.click("#preview-next")
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    title = await page.locator("#face-title").inner_text()
    await pass_face_check(page, visit)
    await page.wait_for_selector("#view-sign:not([hidden])", timeout=STEP_TIMEOUT_MS)

    assert title == "签名前人脸核验"


async def open_sign_view(page, server_url: str, visit) -> None:
    """Pass the face check and consent over the kiosk API, bind an application and bring the page to the signature."""
    await visit.device.face_check(visit.person)
    consent = (await visit.device.consent()).json()
    application = await create_application(visit.bank, consent_id=consent["consent_id"], unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-preview:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.check("#documents-read")
    await page.click("#preview-next")
    await page.wait_for_selector("#view-sign:not([hidden])", timeout=STEP_TIMEOUT_MS)


async def test_kiosk_page_signing_not_matched_explained(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit(fresh=True)
    await open_sign_view(page, server_url, visit)

    await visit.device.face_check(visit.person, impostor=True)  # someone else faced the camera before the signature
    await draw_signature(page)
    await page.click("#signature-submit")
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    session = await visit.bank.client.kiosk_session(visit.session["id"])

    assert await page.locator("#message").inner_text() == "最近一次人脸核验未通过，请本人重新核验，通过后再签名。"
    assert await page.locator("#message").get_attribute("class") == "message error"
    assert await page.locator("#face-title").inner_text() == "签名前人脸核验"
    assert "signature" not in [row["kind"] for row in session["evidence"]]
    assert page.script_errors == []


async def test_kiosk_page_signing_not_matched_then_passes(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit(fresh=True)
    await open_sign_view(page, server_url, visit)
    await visit.device.face_check(visit.person, impostor=True)
    await draw_signature(page)
    await page.click("#signature-submit")
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)

    await pass_face_check(page, visit)
    await page.wait_for_selector("#view-sign:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await draw_signature(page)
    await page.click("#signature-submit")
    await page.wait_for_selector("#view-rating:not([hidden])", timeout=STEP_TIMEOUT_MS)

    assert await page.locator("#message").inner_text() == "签名成功，文件已签署。"


async def test_kiosk_page_consent_not_matched_explained(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit(fresh=True)
    await visit.device.face_check(visit.person)
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-consent:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await expect(page.locator("#consent-text")).to_contain_text(visit.bank.name, timeout=STEP_TIMEOUT_MS)

    await visit.device.face_check(visit.person, impostor=True)  # someone else faced the camera before the consent
    await page.check("#consent-read")
    await page.click("#consent-agree")
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    message = await page.locator("#message").inner_text()

    assert "最近一次人脸核验未通过" in message
    assert "本人在本设备上重新进行人脸核验" in message
    assert await page.locator("#face-title").inner_text() == "人脸核验"
    assert page.script_errors == []


async def test_kiosk_page_failed_face_check_explained(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit(fresh=True)
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.locator("#face-file").set_input_files(files=[
        {"name": "face.png", "mimeType": "image/png", "buffer": face_image_for(visit.person.id_number, live=False)}])
    await page.click("#face-submit")
    await page.wait_for_selector("#message.error", timeout=STEP_TIMEOUT_MS)
    assert "活体检测未通过" in await page.locator("#message").inner_text()


async def test_kiosk_page_camera_photo_without_face_retaken(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit()
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-face:not([hidden])", timeout=STEP_TIMEOUT_MS)
    await page.click("#camera-start")
    await page.wait_for_selector("#camera-shoot:not([hidden]):not([disabled])", timeout=STEP_TIMEOUT_MS)
    await page.click("#camera-shoot")
    await page.click("#face-submit")
    await page.wait_for_selector("#message.error", timeout=STEP_TIMEOUT_MS)
    message = await page.locator("#message").inner_text()
    session = await visit.bank.client.kiosk_session(visit.session["id"])
    checks = [row["face_check"] for row in session["evidence"] if row["kind"] == "face_check"]
    assert "重新拍摄" in message
    assert [check["decided"] for check in checks] == [False]


async def test_kiosk_page_withdrawn_application_blocks_signing(browser_page, server_url, open_visit):
    page, visit = browser_page, await open_visit()
    await visit.device.face_check(visit.person)
    consent = (await visit.device.consent()).json()
    application = await create_application(visit.bank, consent_id=consent["consent_id"], unit_no=visit.unit_no)
    await visit.bank.client.bind_kiosk_session(visit.session["id"], application["id"])
    await visit.bank.client.post(f"/bank/v1/applications/{application['id']}/withdraw", {"reason": "客户放弃贷款"})
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-blocked:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await page.locator("#blocked-state").inner_text() == "已撤回"


async def test_kiosk_page_expired_session_ends(browser_page, server_url, open_visit):
    from test_kiosk_sessions import expire

    page, visit = browser_page, await open_visit()
    await expire(visit.session["id"])
    await open_kiosk(page, server_url, visit)
    await page.wait_for_selector("#view-ended:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert "超时" in await page.locator("#ended-reason").inner_text()


async def test_kiosk_page_without_token_asks_setup(browser_page, server_url):
    await browser_page.goto(f"{server_url}/h5/kiosk/")
    await browser_page.wait_for_selector("#view-setup:not([hidden])", timeout=STEP_TIMEOUT_MS)
    assert await browser_page.title() == "智慧抵押云平台 智能设备办理"


async def test_kiosk_page_served_with_csp(client):
    response = await client.get("/h5/kiosk/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


async def test_kiosk_page_unknown_file_not_found(client):
    response = await client.get("/h5/kiosk/..%2F..%2Fpyproject.toml")
    assert response.status_code == 404
