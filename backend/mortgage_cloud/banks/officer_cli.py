"""The `mortgage-cloud officer` commands: the platform operator manages an institution's officers."""

import argparse
import getpass
import sys
from typing import Any

from mortgage_cloud.banks.cli import run_database_command

ROLES = ["loan_officer", "supervisor", "read_only"]


def add_officer_commands(commands: Any) -> None:
    """Add the `officer` subcommands to the command line's subparsers."""
    officer = commands.add_parser("officer", help="manage the officers of banks and fund centres")
    actions = officer.add_subparsers(required=True, metavar="ACTION")

    create = actions.add_parser("create", help="register an officer and print the id sent as Mc-Officer-Id")
    create.add_argument("--institution-id", required=True, help="the institution's id (UUID)")
    create.add_argument("--name", required=True, help="the officer's name (Chinese), at most 50 characters")
    create.add_argument("--role", default="loan_officer", choices=ROLES, help="role (default: loan_officer)")
    create.add_argument("--phone", help="11-digit mainland mobile number, stored encrypted")
    create.set_defaults(run=lambda args: run_database_command(_create(args)))

    listing = actions.add_parser("list", help="list an institution's officers, oldest first")
    listing.add_argument("--institution-id", required=True, help="the institution's id (UUID)")
    listing.add_argument("--status", choices=["active", "disabled"], help="only officers with this status")
    listing.add_argument("--page", type=int, default=1, help="page number from 1 (default: 1)")
    listing.add_argument("--page-size", type=int, default=20, help="officers per page, 1 to 100 (default: 20)")
    listing.set_defaults(run=lambda args: run_database_command(_list(args)))

    show = actions.add_parser("get", help="show one officer")
    show.add_argument("--id", required=True, help="the officer's id (UUID)")
    show.set_defaults(run=lambda args: run_database_command(_get(args)))

    set_role = actions.add_parser("set-role", help="give an officer another role")
    set_role.add_argument("--id", required=True, help="the officer's id (UUID)")
    set_role.add_argument("--role", required=True, choices=ROLES, help="the new role")
    set_role.set_defaults(run=lambda args: run_database_command(_set_role(args)))

    set_phone = actions.add_parser("set-phone", help="replace an officer's phone number, a console login")
    set_phone.add_argument("--id", required=True, help="the officer's id (UUID)")
    set_phone.add_argument("--phone", required=True,
                           help="11-digit mainland mobile number, stored encrypted. An empty value clears it")
    set_phone.set_defaults(run=lambda args: run_database_command(_set_phone(args)))

    password = actions.add_parser(
        "console-password",
        help="set an officer's console password, read from standard input, or issue a one-time setup code")
    password.add_argument("--id", required=True, help="the officer's id (UUID)")
    password.add_argument("--one-time-code", action="store_true",
                          help="print a setup code, valid 72 hours, that the officer redeems at first login")
    password.set_defaults(run=lambda args: run_database_command(_console_password(args)))

    for action, status, text in (("disable", "disabled", "disable an officer, whose requests are then rejected"),
                                 ("enable", "active", "enable a disabled officer again")):
        command = actions.add_parser(action, help=text)
        command.add_argument("--id", required=True, help="the officer's id (UUID)")
        command.set_defaults(run=lambda args, status=status: run_database_command(_set_status(args, status)))


async def _create(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.officers import describe_officer
    from mortgage_cloud.banks.service import create_officer

    officer = await create_officer(institution_id=args.institution_id, name=args.name, role=args.role,
                                   phone=args.phone)
    return _lines(describe_officer(officer))


async def _list(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.officers import list_officers, parse_status
    from mortgage_cloud.banks.service import institution_by_id

    institution = await institution_by_id(args.institution_id)
    page = await list_officers(institution_id=institution.id, page=args.page, page_size=args.page_size,
                               status=parse_status(args.status) if args.status else None)
    lines = [f"{item['id']}  {item['role']}  {item['status']}  {item['phone'] or '-'}  {item['name']}"
             for item in page["items"]]
    lines.append(f"page {page['page']}, {len(page['items'])} of {page['total']} officers")
    return lines


async def _get(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.officers import describe_officer, get_officer

    return _lines(describe_officer(await get_officer(institution_id=None, officer_id=args.id)))


async def _set_role(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.officers import change_officer_role, describe_officer, get_officer, parse_role

    officer = await get_officer(institution_id=None, officer_id=args.id)
    officer = await change_officer_role(officer=officer, role=parse_role(args.role))
    return _lines(describe_officer(officer))


async def _set_phone(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.officers import change_officer_phone, describe_officer, get_officer

    officer = await get_officer(institution_id=None, officer_id=args.id)
    officer = await change_officer_phone(officer=officer, phone=args.phone)
    return _lines(describe_officer(officer))


async def _set_status(args: argparse.Namespace, status: str) -> list[str]:
    from mortgage_cloud.banks.officers import describe_officer, get_officer, parse_status, set_officer_status

    officer = await get_officer(institution_id=None, officer_id=args.id)
    officer = await set_officer_status(officer=officer, status=parse_status(status))
    return _lines(describe_officer(officer))


async def _console_password(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.officers import get_officer
    from mortgage_cloud.console.passwords import issue_setup_code, set_console_password

    officer = await get_officer(institution_id=None, officer_id=args.id)
    if args.one_time_code:
        code, expires_at = await issue_setup_code(officer=officer)
        return [f"one_time_code: {code}", f"expires_at: {expires_at.isoformat()}"]

    # Read from standard input so that the password stays out of the shell history and the process list.
    password = getpass.getpass("console password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    await set_console_password(officer=officer, password=password)
    return [f"officer {officer.id}: console password set, earlier console sessions ended"]


def _lines(described: dict[str, Any]) -> list[str]:
    return [f"{name}: {value if value is not None else '-'}" for name, value in described.items()]

