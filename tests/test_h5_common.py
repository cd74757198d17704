"""Serving /h5/common/, the scripts shared by the bank console, the registry console and the kiosk page."""

import pytest

from mortgage_cloud.h5 import H5_DIR


@pytest.mark.parametrize("file", ["api.js", "charts.js"])
async def test_h5_common_script_content_type(client, file):
    response = await client.get(f"/h5/common/{file}")
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"


@pytest.mark.parametrize("file", ["api.js", "charts.js"])
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
