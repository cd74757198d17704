"""The `demo` subcommand."""

import argparse
import asyncio
import os
from pathlib import Path


def add_demo_command(commands: argparse._SubParsersAction) -> None:
    """Add `mortgage-cloud demo` to the command line."""
    demo = commands.add_parser("demo", help="seed a register and drive borrowers through the whole flow over HTTP")
    demo.add_argument("--output-dir", type=Path, help="folder for the proofs, the signed documents and the root "
                      "certificate; the database and keys go to a temporary folder removed at exit "
                      "(default: demo-output/<date-time>)")
    demo.add_argument("--seed", type=int, default=20261204, help="seed of the generated register (default: 20261204)")
    demo.add_argument("--units", type=int, default=5000, help="property units in the register (default: 5000)")
    demo.add_argument("--concurrency", type=int, default=4, help="cases driven at once (default: 4)")
    demo.add_argument("--database-url", help="run on this database instead of a fresh SQLite file")
    demo.add_argument("--redis-url", help="use this Redis for cache, nonces and jobs instead of this process")
    demo.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from mortgage_cloud.demo.run import run_demo
    from mortgage_cloud.infra.logging import configure_logging

    if "MC_LOG_LEVEL" not in os.environ:
        configure_logging("WARNING")  # keep the table readable; MC_LOG_LEVEL=INFO shows every event

    return asyncio.run(run_demo(output_dir=args.output_dir, seed=args.seed, units=args.units,
                                concurrency=args.concurrency, database_url=args.database_url,
                                redis_url=args.redis_url))
