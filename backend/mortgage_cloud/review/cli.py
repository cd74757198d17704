"""The `mortgage-cloud staff` commands: create registry staff accounts, list them, change roles, deactivate."""

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

    listing = actions.add_parser("list", help="list staff accounts, oldest first")
    listing.add_argument("--page", type=int, default=1, help="page number from 1 (default: 1)")
    listing.add_argument("--page-size", type=int, default=50, help="accounts per page, 1 to 100 (default: 50)")
    listing.set_defaults(run=lambda args: _run(_list(args)))

    set_role = actions.add_parser("set-role", help="give a staff account another role")
    set_role.add_argument("--username", required=True, help="the account's login name")
    set_role.add_argument("--role", required=True, choices=["reviewer", "admin"], help="the new role")
    set_role.set_defaults(run=lambda args: _run(_set_role(args)))

    for action, active, text in (("disable", False, "deactivate an account, ending its sessions at once"),
                                 ("enable", True, "reactivate a deactivated account")):
        command = actions.add_parser(action, help=text)
        command.add_argument("--username", required=True, help="the account's login name")
        command.set_defaults(run=lambda args, active=active: _run(_set_active(args, active)))


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


def _run(action: Any) -> int:
    try:
        lines = asyncio.run(_with_database(action))
    except AppError as error:
        log.info("staff command failed", extra={"code": error.code})
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


async def _with_database(action: Any) -> list[str]:
    from mortgage_cloud.infra.db import close_db, init_db
    from mortgage_cloud.settings import get_settings

    await init_db(get_settings())
    try:
        return await action
    finally:
        await close_db()


async def _list(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.review.staff_accounts import list_staff

    page = await list_staff(page=args.page, page_size=args.page_size)
    lines = [f"{item['id']}  {item['username']}  {item['role']}  {'active' if item['active'] else 'disabled'}  "
             f"{item['display_name']}" for item in page["items"]]
    lines.append(f"page {page['page']}, {len(page['items'])} of {page['total']} accounts")
    return lines


async def _set_role(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.review.staff_accounts import change_staff_role, get_staff, parse_role

    staff = await change_staff_role(staff=await get_staff(username=args.username), role=parse_role(args.role))
    return [f"{staff.username}: {staff.role}"]


async def _set_active(args: argparse.Namespace, active: bool) -> list[str]:
    from mortgage_cloud.review.staff_accounts import get_staff, set_staff_active

    staff = await set_staff_active(staff=await get_staff(username=args.username), active=active)
    return [f"{staff.username}: {'active' if staff.active else 'disabled'}"]
