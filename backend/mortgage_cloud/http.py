"""Small helpers shared by routes."""

from typing import Any

from sanic import Request

from mortgage_cloud.errors import field_error


def json_body(request: Request) -> dict[str, Any]:
    """Return the request's JSON object, `{}` for an empty body; raise a Chinese error for anything else."""
    if not request.body:
        return {}
    try:
        body = request.json
    except Exception:  # Sanic raises BadRequest with an English message for malformed JSON
        raise field_error("body", "请求体不是有效的 JSON。") from None
    if not isinstance(body, dict):
        raise field_error("body", "请求体须为 JSON 对象。")
    return body


def client_ip(request: Request) -> str | None:
    """Return the caller's address as seen by this server."""
    return request.ip or None
