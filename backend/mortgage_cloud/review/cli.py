"""The `mortgage-cloud staff create` command: a registry staff account with a one-time generated password."""

import argparse
import asyncio
import logging
import sys
from typing import Any

from mortgage_cloud.errors import AppError

log = logging.getLogger(__name__)


def add_staff_commands(commands: Any) -> None:
    """Add the `staff` subcommands to the command line's subparsers."""
    staff = commands.add_parser("staff", help="manage registry staff accounts for the manual-review queue")
    actions = staff.add_subparsers(required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a staff account and print its one-time password")
    create.add_argument("--username", required=True, help="login name: 3-64 lower-case letters, digits, . _ -")
    create.add_argument("--name", required=True, help="the staff member's display name (Chinese)")
    create.add_argument("--role", default="reviewer", choices=["reviewer", "admin"], help="role (default: reviewer)")
    create.set_defaults(run=run_create)


def run_create(args: argparse.Namespace) -> int:
    """Create the account and print its id and password; the password is not stored and cannot be shown again."""
    try:
        staff_id, password = asyncio.run(_create(args))
    except AppError as error:
        log.info("staff create failed", extra={"code": error.code})
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 2
    print(f"staff id: {staff_id}")
    print(f"password: {password}")
    print("该密码只显示这一次，请立即交给本人，并提醒其妥善保管。", file=sys.stderr)
    return 0


async def _create(args: argparse.Namespace) -> tuple[str, str]:
    # Only the database and no job workers, like the other admin commands.
    from mortgage_cloud.infra.db import close_db, init_db
    from mortgage_cloud.review.staff import create_staff
    from mortgage_cloud.settings import get_settings

    await init_db(get_settings())
    try:
        staff, password = await create_staff(username=args.username, display_name=args.name, role=args.role)
    finally:
        await close_db()
    return str(staff.id), password
