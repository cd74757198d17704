"""Serving a page of the repository's h5 folder: a fixed list of plain HTML, JavaScript and CSS files."""

import asyncio
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from mortgage_cloud.errors import NotFound

# NOTE: the folder is found relative to the source tree (backend/mortgage_cloud), so the app must run
# from a checkout or an editable install, as the Makefile and the tests do.
H5_DIR = Path(__file__).resolve().parents[2] / "h5"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


def page_blueprint(*, name: str, folder: str, files: list[str], content_security_policy: str,
                   page_title: str) -> Blueprint:
    """Return a blueprint serving `/h5/<folder>/` from h5/<folder>, with only `files` reachable.

    `page_title` names the page in the Chinese error for a file that is not on the list.
    """
    blueprint = Blueprint(name, url_prefix=f"/h5/{folder}")
    allowed = {file: CONTENT_TYPES[Path(file).suffix] for file in files}
    headers = {
        "Content-Security-Policy": content_security_policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }

    async def send(file: str) -> HTTPResponse:
        content_type = allowed.get(file)
        if content_type is None:
            raise NotFound(f"{page_title}没有该文件，请从 /h5/{folder}/ 打开页面。", file=file[:100])
        content = await asyncio.to_thread((H5_DIR / folder / file).read_bytes)
        return raw(content, content_type=content_type, headers=headers)

    @blueprint.get("/", name="page")
    async def page(request: Request) -> HTTPResponse:
        return await send("index.html")

    @blueprint.get("/<file:str>", name="page_file")
    async def page_file(request: Request, file: str) -> HTTPResponse:
        return await send(file)

    return blueprint
