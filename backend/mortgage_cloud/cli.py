"""The `mortgage-cloud` command: serve, migrate, seed, demo and the mock servers."""

import argparse
import asyncio
import sys

from mortgage_cloud.infra.logging import configure_logging
from mortgage_cloud.settings import get_settings, may_start


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    return args.run(args) or 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mortgage-cloud", description="Smart Mortgage Cloud (智慧抵押云平台)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app (applies pending migrations first)")
    serve.add_argument("--host", help="address to listen on (default: MC_HOST)")
    serve.add_argument("--port", type=int, help="TCP port (default: MC_PORT)")
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(run=_migrate)

    from mortgage_cloud.banks.cli import add_institution_commands
    from mortgage_cloud.banks.officer_cli import add_officer_commands
    from mortgage_cloud.demo.cli import add_demo_command
    from mortgage_cloud.mocks.commands import add_mock_commands
    from mortgage_cloud.pipeline.worker import add_worker_command
    from mortgage_cloud.registry.cli import add_seed_command
    from mortgage_cloud.review.cli import add_staff_commands
    from mortgage_cloud.valuation.cli import add_commands as add_valuation_commands

    for add_commands in (add_worker_command, add_seed_command, add_demo_command, add_institution_commands,
                         add_valuation_commands, add_mock_commands, add_staff_commands, add_officer_commands):
        add_commands(commands)

    return parser


def _serve(args: argparse.Namespace) -> int:
    from mortgage_cloud.app import create_app
    from mortgage_cloud.infra.db import migrate_db

    settings = get_settings()
    if not may_start(settings):
        return 2
    asyncio.run(migrate_db(settings))
    app = create_app(settings)
    app.run(host=args.host or settings.host, port=args.port or settings.port, single_process=True, access_log=False)
    return 0


def _migrate(args: argparse.Namespace) -> int:  # noqa: ARG001
    from mortgage_cloud.infra.db import migrate_db

    asyncio.run(migrate_db(get_settings()))
    print("migrations applied", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
