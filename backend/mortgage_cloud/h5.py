"""Serving the repository's h5 folder: each page's fixed list of plain HTML, JavaScript and CSS files, and
the scripts in h5/common that the pages share."""

import asyncio
from collections.abc import Awaitable, Callable
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

COMMON_FOLDER = "common"
COMMON_FILES = ["api.js", "charts.js", "format.js"]
# The shared files are scripts, not documents, so their policy allows nothing to load from them.
COMMON_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


def security_headers(content_security_policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def file_sender(*, folder: str, files: list[str], content_security_policy: str,
                not_found_message: str) -> Callable[[str], Awaitable[HTTPResponse]]:
    """Return a function that sends one of `files` from h5/<folder> and raises NotFound for any other name.

    Only names on the list are read, so a path outside the folder can never reach the disk.
    """
    allowed = {file: CONTENT_TYPES[Path(file).suffix] for file in files}
    headers = security_headers(content_security_policy)

    async def send(file: str) -> HTTPResponse:
        content_type = allowed.get(file)
        if content_type is None:
            raise NotFound(not_found_message, file=file[:100])
        content = await asyncio.to_thread((H5_DIR / folder / file).read_bytes)
        return raw(content, content_type=content_type, headers=headers)

    return send


def page_blueprint(*, name: str, folder: str, files: list[str], content_security_policy: str,
                   page_title: str) -> Blueprint:
    """Return a blueprint serving `/h5/<folder>/` from h5/<folder>, with only `files` reachable.

    `page_title` names the page in the Chinese error for a file that is not on the list.
    """
    blueprint = Blueprint(name, url_prefix=f"/h5/{folder}")
    send = file_sender(folder=folder, files=files, content_security_policy=content_security_policy,
                       not_found_message=f"{page_title}没有该文件，请从 /h5/{folder}/ 打开页面。")

    @blueprint.get("/", name="page")
    async def page(request: Request) -> HTTPResponse:
        return await send("index.html")

    @blueprint.get("/<file:str>", name="page_file")
    async def page_file(request: Request, file: str) -> HTTPResponse:
        return await send(file)

    return blueprint


def common_blueprint() -> Blueprint:
    """Return the blueprint serving `/h5/common/<file>`, the scripts shared by the pages, and nothing else."""
    blueprint = Blueprint("h5_common", url_prefix=f"/h5/{COMMON_FOLDER}")
    send = file_sender(folder=COMMON_FOLDER, files=COMMON_FILES,
                       content_security_policy=COMMON_CONTENT_SECURITY_POLICY,
                       not_found_message="页面公共脚本中没有该文件，请从 /h5/bank/、/h5/registry/、/h5/kiosk/ 或 /h5/wechat-login/ 打开页面。")

    @blueprint.get("/<file:str>", name="common_file")
    async def common_file(request: Request, file: str) -> HTTPResponse:
        return await send(file)

    return blueprint


common_bp = common_blueprint()
