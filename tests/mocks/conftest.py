"""Fixtures: the mock WeChat platform and mock face provider, shared by every test folder that needs them."""

import pytest

from mortgage_cloud.mocks.testing import release, shared_mock_face, shared_mock_wechat


@pytest.fixture(scope="session")
async def mock_wechat(runtime):
    server, started = await shared_mock_wechat(runtime)
    yield server
    await release(runtime, "mock_wechat_server", server, started)


@pytest.fixture(scope="session")
async def mock_face(runtime):
    server, started = await shared_mock_face(runtime)
    yield server
    await release(runtime, "mock_face_server", server, started)
