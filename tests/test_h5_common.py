"""Serving /h5/common/, the scripts shared by the bank console, the registry console and the kiosk page,
and the state labels and time format that format.js gives the two consoles."""

import pytest
from browser_support import loopback_page

from mortgage_cloud.applications.states import LABELS, State
from mortgage_cloud.h5 import H5_DIR

COMMON_SCRIPTS = ["api.js", "charts.js", "format.js"]


@pytest.mark.parametrize("file", COMMON_SCRIPTS)
async def test_h5_common_script_content_type(client, file):
    response = await client.get(f"/h5/common/{file}")
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"


@pytest.mark.parametrize("file", COMMON_SCRIPTS)
async def test_h5_common_script_body_is_file(client, file):
    response = await client.get(f"/h5/common/{file}")
    assert response.content == (H5_DIR / "common" / file).read_bytes()


async def test_h5_common_script_cache_control(client):
    response = await client.get("/h5/common/api.js")
    assert response.headers["Cache-Control"] == "no-cache"


async def test_h5_common_script_nosniff(client):
    response = await client.get("/h5/common/api.js")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_h5_common_script_has_csp(client):
    response = await client.get("/h5/common/api.js")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize("path", [
    "/h5/common/..%2F..%2Fpyproject.toml",
    "/h5/common/..%2Fbank%2Fbank.js",
    "/h5/common/%2E%2E%2F%2E%2E%2Fbackend%2Fmortgage_cloud%2Fsettings.py",
    "/h5/common/../../pyproject.toml",
])
async def test_h5_common_path_outside_folder_not_found(client, path):
    response = await client.get(path)
    assert response.status_code == 404


async def test_h5_common_unlisted_file_not_found(client):
    response = await client.get("/h5/common/secret.txt")
    assert response.status_code == 404


async def test_h5_common_unlisted_file_error_code(client):
    response = await client.get("/h5/common/secret.txt")
    assert response.json()["code"] == "NOT_FOUND"


async def test_h5_common_unlisted_file_message_names_pages(client):
    response = await client.get("/h5/common/secret.txt")
    assert "/h5/bank/" in response.json()["message"]


async def test_h5_common_folder_itself_not_found(client):
    response = await client.get("/h5/common/")
    assert response.status_code == 404


@pytest.fixture
async def browser_page():
    # The browser's locale and time zone differ from the pages' own, so the formatTime cases show that its
    # output does not depend on them.
    async with loopback_page(locale="en-US", timezone_id="America/New_York") as page:
        yield page


@pytest.mark.parametrize("state", list(State))
async def test_format_script_has_backend_label(client, state):
    response = await client.get("/h5/common/format.js")
    assert f'{state.value}: "{LABELS[state]}"' in response.text


@pytest.mark.parametrize("page_path", ["/h5/bank/", "/h5/registry/", "/h5/wechat-login/"])
async def test_format_script_page_labels_match_backend(browser_page, server_url, page_path):
    await browser_page.goto(f"{server_url}{page_path}")
    labels = await browser_page.evaluate("STATE_LABELS")
    assert labels == {state.value: label for state, label in LABELS.items()}


@pytest.mark.parametrize("page_path", ["/h5/bank/", "/h5/registry/", "/h5/wechat-login/"])
async def test_format_script_page_loads_without_errors(browser_page, server_url, page_path):
    await browser_page.goto(f"{server_url}{page_path}")
    assert browser_page.script_errors == []


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-05T06:07:09Z", "2026/3/5 14:07:09"),
    ("2026-03-05T06:07:09+08:00", "2026/3/5 06:07:09"),
    ("2026-12-31T16:30:00+00:00", "2027/1/1 00:30:00"),
    (None, ""),
    ("", ""),
])
async def test_format_time_without_placeholder(browser_page, server_url, value, expected):
    await browser_page.goto(f"{server_url}/h5/bank/")
    assert await browser_page.evaluate("(value) => formatTime(value)", value) == expected


@pytest.mark.parametrize("value", [None, ""])
async def test_format_time_missing_gives_placeholder(browser_page, server_url, value):
    await browser_page.goto(f"{server_url}/h5/bank/")
    assert await browser_page.evaluate("(value) => formatTime(value, '-')", value) == "-"


async def test_format_time_placeholder_ignored_for_time(browser_page, server_url):
    await browser_page.goto(f"{server_url}/h5/bank/")
    formatted = await browser_page.evaluate("formatTime('2026-03-05T06:07:09Z', '-')")
    assert formatted == "2026/3/5 14:07:09"
