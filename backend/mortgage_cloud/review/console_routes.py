"""The registry staff console (`/h5/registry/`): plain HTML, JavaScript and CSS files from the repository's h5/registry folder."""

import asyncio
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from mortgage_cloud.errors import NotFound

bp = Blueprint("registry_console_page", url_prefix="/h5/registry")

# NOTE: the folder is found relative to the source tree (backend/mortgage_cloud/review), so the app
# must run from a checkout or an editable install, as the Makefile and the tests do.
PAGE_DIR = Path(__file__).resolve().parents[3] / "h5" / "registry"

# Only these files are served, so no other file of the checkout can be requested.
FILES = {
    "index.html": "text/html; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}

# The console loads only its own files and calls only this origin's API.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@bp.get("/")
async def page(request: Request) -> HTTPResponse:
    """Return the console page."""
    return await _file("index.html")


@bp.get("/<name:str>")
async def page_file(request: Request, name: str) -> HTTPResponse:
    """Return one of the console's script or style files."""
    return await _file(name)


async def _file(name: str) -> HTTPResponse:
    content_type = FILES.get(name)
    if content_type is None:
        raise NotFound("登记中心工作台没有该文件，请从 /h5/registry/ 打开页面。", file=name[:100])
    content = await asyncio.to_thread((PAGE_DIR / name).read_bytes)
    return raw(content, content_type=content_type, headers=SECURITY_HEADERS)
