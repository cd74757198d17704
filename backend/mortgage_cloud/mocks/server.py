"""Start a mock server's Sanic app on a loopback port inside the running event loop."""

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

from sanic import Sanic

_app_numbers = itertools.count(1)


@dataclass
class MockServer:
    """A running mock server: its base URL, its app (state in `app.ctx.state`) and a way to stop it."""

    url: str
    app: Sanic
    _server: Any

    @property
    def state(self) -> Any:
        return self.app.ctx.state

    async def close(self) -> None:
        """Stop serving and release the port."""
        await self._server.close()


def unique_app_name(prefix: str) -> str:
    """Return a Sanic app name not used yet in this process (Sanic keeps a registry of app names)."""
    return f"{prefix}_{next(_app_numbers)}"


async def serve(app: Sanic, *, host: str = "127.0.0.1", port: int) -> MockServer:
    """Serve the app on host:port in this event loop and return once it accepts connections."""
    # Sanic's touch-up rewrites its HTTP protocol code once per process. A second rewrite by another
    # app in the same process, such as the platform under test, fails, so mock apps skip it.
    app.config.TOUCHUP = False
    app.config.CORS = False  # sanic-ext's CORS response middleware fails on an app without CORS routes
    app.config.MOTD = False
    server = await app.create_server(host=host, port=port, return_asyncio_server=True, access_log=False)
    if server is None:
        raise RuntimeError(f"mock server could not start on {host}:{port}")
    await server.startup()
    await server.start_serving()
    return MockServer(url=f"http://{host}:{port}", app=app, _server=server)


async def serve_forever(server: MockServer) -> None:
    """Block until the process is interrupted, then stop the server (used by the tester commands)."""
    try:
        await asyncio.Event().wait()
    finally:
        await server.close()
