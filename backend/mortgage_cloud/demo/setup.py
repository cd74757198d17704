"""Starting the demo's world in this process: database, mocks, the app on a loopback port, banks."""

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mortgage_cloud.app import create_app
from mortgage_cloud.banks.client import BankClient
from mortgage_cloud.demo.cases import Bank
from mortgage_cloud.identifiers import make_uscc
from mortgage_cloud.infra.db import migrate_db
from mortgage_cloud.infra.runtime import start_runtime, stop_runtime
from mortgage_cloud.mocks.face_server import start_mock_face
from mortgage_cloud.mocks.testing import free_port
from mortgage_cloud.mocks.tsa_server import start_mock_tsa
from mortgage_cloud.mocks.wechat_server import start_mock_wechat
from mortgage_cloud.settings import Settings

# Made-up institutions with valid credit codes: the demo must not pose as a real bank.
DEMO_BANKS = [
    ("湖南示例商业银行股份有限公司长沙分行", "MA4L0001X"),
    ("长沙示例农村商业银行股份有限公司", "MA4L0002Y"),
]


class MockEndpoint(Protocol):
    """A running mock server, in this process or another: its base URL and a way to stop it."""

    url: str

    async def close(self) -> None: ...


@dataclass
class World:
    settings: Settings
    app_url: str
    wechat: MockEndpoint
    face: MockEndpoint
    server: object
    tsa: MockEndpoint | None = None

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()
        await stop_runtime()
        await self.wechat.close()
        await self.face.close()
        if self.tsa is not None:
            await self.tsa.close()


async def start_world(*, data_dir: Path, database_url: str | None, redis_url: str | None,
                      mocks: tuple[MockEndpoint, MockEndpoint] | None = None) -> World:
    """Migrate a fresh database, start the mocks unless `mocks` (WeChat, face) are given, then serve the app.

    `data_dir` receives the platform's keys, its stored files and, without `database_url`, the SQLite database.
    The mock TSA always runs in this process, so that signatures carry timestamps.
    """
    if mocks is None:
        mocks = (await start_mock_wechat(free_port()), await start_mock_face(free_port()))
    wechat, face = mocks
    tsa = await start_mock_tsa(free_port())
    port = free_port()
    settings = Settings(
        database_url=database_url or f"sqlite://{data_dir / 'demo.sqlite3'}",
        redis_url=redis_url,
        redis_prefix=f"mc-demo-{port}:",
        data_dir=data_dir,
        public_base_url=f"http://127.0.0.1:{port}",
        wechat_api_base=wechat.url,
        wechat_open_base=wechat.url,
        face_api_base=face.url,
        tsa_url=tsa.url,
        tsa_ca_certificate=tsa.state.ca_pem,
    )

    await migrate_db(settings)
    await start_runtime(settings, warm_up=True)
    app = create_app(settings, manage_runtime=False)
    app.config.MOTD = False  # the demo's own table is what the user reads
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()
    return World(settings=settings, app_url=settings.public_base_url, wechat=wechat, face=face, server=server,
                 tsa=tsa)


async def onboard_banks(app_url: str, *, institutions: list[tuple[str, str]] = DEMO_BANKS) -> list[Bank]:
    """Register banks (name, organisation code) and give each a signed-API client with its new key."""
    from mortgage_cloud.banks.service import onboard_institution

    banks = []
    for name, organisation_code in institutions:
        uscc = make_uscc(division_code="430100", organisation_code=organisation_code)
        result = await onboard_institution(name=name, uscc=uscc, kind="bank", algorithm="ecdsa-p256")
        client = BankClient(app_url, institution_id=str(result.institution.id), serial_no=result.serial_no,
                            private_key_pem=result.private_key_pem, algorithm=str(result.certificate.algorithm),
                            timeout=60)
        banks.append(Bank(name=name, institution_id=str(result.institution.id), client=client))
    return banks
