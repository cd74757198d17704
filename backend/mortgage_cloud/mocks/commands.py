"""Tester commands: `mock-wechat`, `mock-face`, `mock-tsa` and `wechat-callback`."""

import argparse
import asyncio
import secrets
import sys
import time
from pathlib import Path

from mortgage_cloud.settings import get_settings


def add_mock_commands(commands: argparse._SubParsersAction) -> None:
    """Add the tester commands to the `mortgage-cloud` parser."""
    settings = get_settings()

    wechat = commands.add_parser("mock-wechat", help="run the mock WeChat platform for testers")
    wechat.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    wechat.add_argument("--port", type=int, default=8101, help="TCP port (default: 8101)")
    wechat.add_argument("--mp-app-id", default=settings.wechat_mp_app_id, help="mini-program app id accepted")
    wechat.add_argument("--mp-secret", default=settings.wechat_mp_secret.get_secret_value(), help="mini-program secret accepted")
    wechat.add_argument("--oa-app-id", default=settings.wechat_oa_app_id, help="official-account app id accepted")
    wechat.add_argument("--oa-secret", default=settings.wechat_oa_secret.get_secret_value(), help="official-account secret accepted")
    wechat.add_argument("--template-id", action="append", help="template id accepted (repeatable; default: the settings' two)")
    wechat.add_argument("--token-grace-seconds", type=float, default=300.0,
                        help="seconds a replaced access token stays valid (default: 300)")
    wechat.set_defaults(run=_run_mock_wechat)

    face = commands.add_parser("mock-face", help="run the mock face-verification provider (Baidu's protocol) for testers")
    face.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    face.add_argument("--port", type=int, default=8102, help="TCP port (default: 8102)")
    face.add_argument("--api-key", default=settings.face_api_key, help="API key accepted")
    face.add_argument("--secret-key", default=settings.face_secret_key.get_secret_value(), help="secret key accepted")
    face.set_defaults(run=_run_mock_face)

    tsa = commands.add_parser("mock-tsa", help="run the mock RFC 3161 time-stamping authority for testers")
    tsa.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    tsa.add_argument("--port", type=int, default=8103, help="TCP port (default: 8103)")
    tsa.add_argument("--ca-out", type=Path,
                     help="file to write the test CA certificate (PEM) to, for MC_TSA_CA_CERTIFICATE")
    tsa.set_defaults(run=_run_mock_tsa)

    callback = commands.add_parser("wechat-callback", help="fire a signed WeChat server callback at the platform")
    callback.add_argument("--url", default=settings.public_base_url.rstrip("/") + "/wechat/callback", help="callback URL")
    callback.add_argument("--openid", required=True, help="official-account openid of the sender")
    kind = callback.add_mutually_exclusive_group(required=True)
    kind.add_argument("--event", choices=["subscribe", "unsubscribe", "click"], help="event to send")
    kind.add_argument("--text", help="text message to send, such as 进度")
    callback.add_argument("--key", default="", help="EventKey of a click event, such as QUERY_PROGRESS")
    callback.add_argument("--safe-mode", action="store_true", help="encrypt with the EncodingAESKey (安全模式)")
    callback.add_argument("--repeat", type=int, default=1, help="send the same callback this many times, as WeChat's retries do")
    callback.set_defaults(run=_run_wechat_callback)


def _run_mock_wechat(args: argparse.Namespace) -> int:
    from mortgage_cloud.mocks.server import serve_forever
    from mortgage_cloud.mocks.wechat_server import oauth_redirect_hosts, start_mock_wechat
    from mortgage_cloud.mocks.wechat_state import WechatMockConfig

    settings = get_settings()
    config = WechatMockConfig(
        mp_app_id=args.mp_app_id, mp_secret=args.mp_secret, oa_app_id=args.oa_app_id, oa_secret=args.oa_secret,
        template_ids=tuple(args.template_id or (settings.wechat_status_template_id, settings.wechat_subscribe_template_id)),
        token_grace_seconds=args.token_grace_seconds,
        oauth_redirect_hosts=oauth_redirect_hosts(settings.public_base_url),
    )

    async def run() -> None:
        server = await start_mock_wechat(args.port, host=args.host, config=config)
        print(f"mock WeChat platform listening on {server.url}", file=sys.stderr)
        await serve_forever(server)

    return _run_until_interrupted(run())


def _run_mock_face(args: argparse.Namespace) -> int:
    from mortgage_cloud.mocks.face_server import FaceMockConfig, start_mock_face
    from mortgage_cloud.mocks.server import serve_forever

    async def run() -> None:
        config = FaceMockConfig(api_key=args.api_key, secret_key=args.secret_key)
        server = await start_mock_face(args.port, host=args.host, config=config)
        print(f"mock face provider listening on {server.url}", file=sys.stderr)
        await serve_forever(server)

    return _run_until_interrupted(run())


def _run_mock_tsa(args: argparse.Namespace) -> int:
    from mortgage_cloud.mocks.server import serve_forever
    from mortgage_cloud.mocks.tsa_server import start_mock_tsa

    async def run() -> None:
        server = await start_mock_tsa(args.port, host=args.host)
        # The test CA is new on every start, so the platform must be given this run's certificate.
        if args.ca_out:
            args.ca_out.write_text(server.state.ca_pem)
        ca_location = args.ca_out or f"{server.url}/mock/ca.pem"
        print(f"mock TSA listening on {server.url}, test CA certificate at {ca_location}", file=sys.stderr)
        await serve_forever(server)

    return _run_until_interrupted(run())


def _run_until_interrupted(coroutine) -> int:
    try:
        asyncio.run(coroutine)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def _run_wechat_callback(args: argparse.Namespace) -> int:
    from mortgage_cloud.mocks.callback_client import CallbackSigner, event_xml, fire, text_xml

    settings = get_settings()
    signer = CallbackSigner(token=settings.wechat_token.get_secret_value(),
                            encoding_aes_key=settings.wechat_encoding_aes_key.get_secret_value(),
                            app_id=settings.wechat_oa_app_id)
    create_time = int(time.time())
    if args.event:
        xml = event_xml(openid=args.openid, event=args.event, create_time=create_time, key=args.key)
    else:
        xml = text_xml(openid=args.openid, content=args.text, create_time=create_time, msg_id=secrets.randbits(62))

    for attempt in range(1, max(1, args.repeat) + 1):
        status, reply = fire(args.url, signer, xml, safe_mode=args.safe_mode, openid=args.openid)
        print(f"attempt {attempt}: HTTP {status}")
        print(reply)
    return 0 if status == 200 else 1
