"""Helpers for test suites and the demo: run the mocks once per process and point the runtime at them."""

import socket

from mortgage_cloud.infra.runtime import Runtime
from mortgage_cloud.mocks.face_server import start_mock_face
from mortgage_cloud.mocks.server import MockServer
from mortgage_cloud.mocks.tsa_server import start_mock_tsa
from mortgage_cloud.mocks.wechat_server import start_mock_wechat


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def shared_mock_wechat(runtime: Runtime) -> tuple[MockServer, bool]:
    """Return the process's mock WeChat platform, starting it and pointing the settings at it if needed.

    The flag is True when this call started it, so only the starter closes it.
    """
    server = runtime.extras.get("mock_wechat_server")
    if server is not None:
        return server, False
    server = await start_mock_wechat(free_port())
    runtime.settings.wechat_api_base = server.url
    runtime.settings.wechat_open_base = server.url
    runtime.extras["mock_wechat_server"] = server
    return server, True


async def shared_mock_face(runtime: Runtime) -> tuple[MockServer, bool]:
    """Return the process's mock face provider, starting it and pointing the face verifier at it if needed."""
    server = runtime.extras.get("mock_face_server")
    if server is not None:
        return server, False
    server = await start_mock_face(free_port())
    runtime.settings.face_api_base = server.url
    runtime.extras.pop("face_verifier", None)  # rebuilt on next use with the new base URL
    runtime.extras["mock_face_server"] = server
    return server, True


async def shared_mock_tsa(runtime: Runtime) -> tuple[MockServer, bool]:
    """Return the process's mock TSA, starting it and making the platform timestamp with it and trust its CA."""
    server = runtime.extras.get("mock_tsa_server")
    if server is not None:
        return server, False
    server = await start_mock_tsa(free_port())
    runtime.settings.tsa_ca_certificate = server.state.ca_pem
    runtime.settings.tsa_url = server.url
    runtime.extras["mock_tsa_server"] = server
    return server, True


async def release(runtime: Runtime, name: str, server: MockServer, started: bool) -> None:
    """Close a shared mock if this caller started it."""
    if started:
        runtime.extras.pop(name, None)
        await server.close()
