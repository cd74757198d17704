"""The officers' console page (`/h5/bank/`): plain HTML, JavaScript and CSS files from the repository's h5/bank folder."""

import asyncio
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from mortgage_cloud.errors import NotFound

bp = Blueprint("console_page", url_prefix="/h5/bank")

# NOTE: the folder is found relative to the source tree (backend/mortgage_cloud/console), so the app
# must run from a checkout or an editable install, as the Makefile and the tests do.
PAGE_DIR = Path(__file__).resolve().parents[3] / "h5" / "bank"

# Only these files are served, so no other file of the checkout can be requested.
FILES = {
    "index.html": "text/html; charset=utf-8",
    "bank.js": "text/javascript; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "bank.css": "text/css; charset=utf-8",
}

# The page loads only its own files, and downloads arrive as blob: URLs made by its script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
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
    """Return one of the page's script or style files."""
    return await _file(name)


async def _file(name: str) -> HTTPResponse:
    content_type = FILES.get(name)
    if content_type is None:
        raise NotFound("银行控制台没有该文件，请从 /h5/bank/ 打开页面。", file=name[:100])
    content = await asyncio.to_thread((PAGE_DIR / name).read_bytes)
    return raw(content, content_type=content_type, headers=SECURITY_HEADERS)
