"""Liveness and readiness checks for operators."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from tortoise import connections

from mortgage_cloud.infra.runtime import runtime

bp = Blueprint("health")


@bp.get("/healthz")
async def liveness(request: Request) -> HTTPResponse:
    """Report that the process serves requests."""
    return json({"status": "ok"})


@bp.get("/readyz")
async def readiness(request: Request) -> HTTPResponse:
    """Report whether the database and the cache respond."""
    await connections.get("default").execute_query("SELECT 1")
    await runtime().cache.set("readyz", "1", ttl=5)
    return json({"status": "ready"})
