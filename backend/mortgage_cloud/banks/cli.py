"""The `mortgage-cloud institution` commands: onboard an institution, list them, revoke a certificate."""

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

from mortgage_cloud.errors import AppError

log = logging.getLogger(__name__)


def add_institution_commands(commands: Any) -> None:
    """Add the `institution` subcommands to the command line's subparsers."""
    institution = commands.add_parser("institution", help="onboard banks and fund centres and manage their API certificates")
    actions = institution.add_subparsers(required=True, metavar="ACTION")

    create = actions.add_parser("create", help="register an institution and its first API certificate")
    create.add_argument("--name", required=True, help="the institution's registered Chinese name")
    create.add_argument("--uscc", required=True, help="unified social credit code (18 characters)")
    create.add_argument("--kind", required=True, choices=["bank", "fund_centre"], help="bank or housing provident fund centre")
    create.add_argument("--webhook-url", help="http(s) URL that receives the platform's signed webhooks")
    create.add_argument("--algorithm", default="ecdsa-p256", choices=["ecdsa-p256", "rsa-2048", "sm2"],
                        help="API signature algorithm (default: ecdsa-p256)")
    key_source = create.add_mutually_exclusive_group()
    key_source.add_argument("--csr", type=Path, help="PEM certificate signing request from the bank (ecdsa-p256 or rsa-2048)")
    key_source.add_argument("--public-key", type=Path, help="PEM public key from the bank (required form for sm2 keys the bank made)")
    create.add_argument("--key-out", type=Path,
                        help="file that receives the private key the platform generates; needed without --csr or --public-key")
    create.add_argument("--accept-uscc-warning", action="store_true",
                        help="register a credit code whose check character does not match, after checking the licence")
    create.set_defaults(run=run_create)

    listing = actions.add_parser("list", help="list institutions with their certificates")
    listing.set_defaults(run=run_list)

    revoke = actions.add_parser("revoke-cert", help="revoke an API certificate by its serial number and update the CA's CRL")
    revoke.add_argument("--serial", required=True, help="certificate serial number in hexadecimal")
    revoke.add_argument("--reason", default="unspecified",
                        choices=["unspecified", "key_compromise", "superseded", "affiliation_changed",
                                 "cessation_of_operation"],
                        help="RFC 5280 revocation reason listed in the CRL (default: unspecified)")
    revoke.set_defaults(run=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    """Onboard the institution and print its id and certificate serial."""
    if args.csr is None and args.public_key is None and args.key_out is None:
        print("缺少 --key-out：平台生成的私钥只交付这一次，请指定保存私钥的文件。", file=sys.stderr)
        return 2
    if args.key_out is not None and args.key_out.exists():
        print(f"{args.key_out} 已存在，为免覆盖已有私钥，请指定新的文件。", file=sys.stderr)
        return 2
    return run_database_command(_create(args))


async def _create(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.banks.service import onboard_institution

    result = await onboard_institution(
        name=args.name,
        uscc=args.uscc,
        kind=args.kind,
        webhook_url=args.webhook_url,
        csr_pem=args.csr.read_text() if args.csr else None,
        public_key_pem=args.public_key.read_text() if args.public_key else None,
        algorithm=args.algorithm,
        accept_uscc_warning=args.accept_uscc_warning,
    )
    if result.private_key_pem is not None:
        _write_private_key(args.key_out, result.private_key_pem)

    lines = [f"warning: {warning}" for warning in result.warnings]
    lines += [
        f"institution_id: {result.institution.id}",
        f"serial_no: {result.serial_no}",
        f"algorithm: {result.certificate.algorithm}",
    ]
    if result.private_key_pem is not None:
        lines.append(f"private_key_file: {args.key_out}")
    return lines


def _write_private_key(path: Path, private_key_pem: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(private_key_pem)


def run_list(args: argparse.Namespace) -> int:  # noqa: ARG001 - every command takes its arguments
    """Print one line per institution and one per certificate."""
    return run_database_command(_list())


async def _list() -> list[str]:
    from mortgage_cloud.banks.service import list_institutions

    lines = []
    for institution in await list_institutions():
        lines.append(f"{institution.id}  {institution.uscc}  {institution.kind}  {institution.status}  {institution.name}")
        for certificate in institution.certificates:
            lines.append(
                f"    {certificate.serial_no}  {certificate.algorithm}  {certificate.status}  "
                f"until {certificate.not_after.date().isoformat()}"
            )
    return lines


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke the certificate and print its serial."""
    return run_database_command(_revoke(args.serial, args.reason))


async def _revoke(serial_no: str, reason: str) -> list[str]:
    from mortgage_cloud.banks.service import revoke_certificate

    certificate = await revoke_certificate(serial_no=serial_no, reason=reason)
    return [f"revoked: {certificate.serial_no}", f"reason: {certificate.revocation_reason}"]


def run_database_command(action: Any) -> int:
    """Run a coroutine that returns output lines against the database, print them, and return the exit status."""
    try:
        lines = asyncio.run(_with_database(action))
    except AppError as error:
        log.info("institution command failed", extra={"code": error.code})
        print(f"{error.code}: {error.message}", file=sys.stderr)
        if error.code == "USCC_CHECK_CHARACTER_MISMATCH":
            print("核对营业执照无误后，加上 --accept-uscc-warning 重新执行。", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


async def _with_database(action: Any) -> list[str]:
    # Only the database: a full runtime would also start job workers that take pipeline jobs from Redis.
    from mortgage_cloud.infra.db import close_db, init_db
    from mortgage_cloud.settings import get_settings

    await init_db(get_settings())
    try:
        return await action
    finally:
        await close_db()
