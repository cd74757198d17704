"""Signing of bank API responses: every response, errors included, carries the platform's `Mc-*` signature headers."""

import logging
import time

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from mortgage_cloud.banks.platform_key import PlatformApiKey, load_platform_api_key
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

BANK_API_PREFIX = "/bank/"


async def platform_api_key() -> PlatformApiKey:
    """Return this process's platform API key, created under the data directory on first use."""
    settings = runtime().settings
    return await load_platform_api_key(settings.data_dir, data_key=settings.data_key.get_secret_value())


def install_response_signing(app: Sanic) -> None:
    """Sign every response under `/bank/`, errors and unmatched routes included."""

    @app.on_response
    async def sign_bank_response(request: Request, response: HTTPResponse) -> None:
        if request.path.startswith(BANK_API_PREFIX):
            await sign_response(response)


async def sign_response(response: HTTPResponse) -> None:
    """Add the `Mc-*` signature headers to a response whose body is fully in memory."""
    if response.body is None:
        # A streamed body is never in memory as a whole, so it cannot be signed here.
        log.warning("bank response not signed: streamed body")
        return
    key = await platform_api_key()
    response.headers.update(key.sign_response(response.body, timestamp=int(time.time())))
