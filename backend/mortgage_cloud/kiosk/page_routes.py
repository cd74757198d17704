"""The kiosk page (`/h5/kiosk/`): plain HTML, JavaScript and CSS files from the repository's h5/kiosk folder."""

import asyncio
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from mortgage_cloud.errors import NotFound

bp = Blueprint("kiosk_page", url_prefix="/h5/kiosk")

# NOTE: the folder is found relative to the source tree (backend/mortgage_cloud/kiosk), so the app
# must run from a checkout or an editable install, as the Makefile and the tests do.
PAGE_DIR = Path(__file__).resolve().parents[3] / "h5" / "kiosk"

# Only these files are served, so no other file of the checkout can be requested.
FILES = {
    "index.html": "text/html; charset=utf-8",
    "kiosk.js": "text/javascript; charset=utf-8",
    "kiosk.css": "text/css; charset=utf-8",
}

# The page loads only its own files and images from the API (previews arrive as blob: URLs).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@bp.get("/")
async def page(request: Request) -> HTTPResponse:
    """Return the kiosk page."""
    return await _file("index.html")


@bp.get("/<name:str>")
async def page_file(request: Request, name: str) -> HTTPResponse:
    """Return one of the page's script or style files."""
    return await _file(name)


async def _file(name: str) -> HTTPResponse:
    content_type = FILES.get(name)
    if content_type is None:
        raise NotFound("智能设备页面没有该文件，请从 /h5/kiosk/ 打开页面。", file=name[:100])
    content = await asyncio.to_thread((PAGE_DIR / name).read_bytes)
    return raw(content, content_type=content_type, headers=SECURITY_HEADERS)
