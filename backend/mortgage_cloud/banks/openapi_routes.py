"""Routes for the bank API's own documentation: the OpenAPI description and an offline Swagger UI page.

Both are public, like the platform certificates: a bank reads them before it has credentials.
"""

import asyncio
from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html, json, raw
from swagger_ui_bundle import swagger_ui_path

from mortgage_cloud.banks.openapi import build_bank_openapi
from mortgage_cloud.banks.openapi_page import INIT_SCRIPT, PAGE
from mortgage_cloud.errors import NotFound
from mortgage_cloud.infra.runtime import runtime

bp = Blueprint("bank_openapi", url_prefix="/bank/v1")

# Only the files the page uses are served, so no other file of the package can be requested.
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
ASSET_CACHE_CONTROL = "public, max-age=86400"
_asset_bytes: dict[str, bytes] = {}


@bp.get("/openapi.json")
async def openapi_description(request: Request) -> HTTPResponse:
    """Return the OpenAPI 3 description of the bank API, built once per app from its routes."""
    spec = getattr(request.app.ctx, "bank_openapi", None)
    if spec is None:
        spec = build_bank_openapi(request.app, server_url=runtime().settings.public_base_url)
        request.app.ctx.bank_openapi = spec
    return json(spec, ensure_ascii=False)


@bp.get("/docs")
async def docs_page(request: Request) -> HTTPResponse:
    """Return the documentation page, which renders the description with Swagger UI served from here."""
    return html(PAGE)


@bp.get("/docs/assets/<name:str>")
async def docs_asset(request: Request, name: str) -> HTTPResponse:
    """Return one Swagger UI file of the page, or its start-up script."""
    if name == "docs-init.js":
        return raw(INIT_SCRIPT.encode(), content_type="text/javascript; charset=utf-8",
                   headers={"Cache-Control": ASSET_CACHE_CONTROL})
    content_type = ASSETS.get(name)
    if content_type is None:
        raise NotFound("文档页面没有该文件，请从 /bank/v1/docs 打开文档。", file=name[:100])
    if name not in _asset_bytes:
        _asset_bytes[name] = await asyncio.to_thread((Path(swagger_ui_path) / name).read_bytes)
    return raw(_asset_bytes[name], content_type=content_type, headers={"Cache-Control": ASSET_CACHE_CONTROL})
