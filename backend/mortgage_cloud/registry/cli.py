"""The `mortgage-cloud seed` command."""

import argparse
import asyncio
from pathlib import Path
from typing import Any

from mortgage_cloud.registry.seed import DEFAULT_SEED


def add_seed_command(commands: Any) -> None:
    """Add the `seed` subcommand to the command line's subparsers."""
    seed = commands.add_parser("seed", help="fill an empty register with generated units, owners and rights of 长沙市")
    seed.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed; the same seed gives the same register")
    seed.add_argument("--units", type=int, default=5000, help="number of property units to create (default: 5000)")
    seed.add_argument("--housing-dir", type=Path,
                      help="folder holding changsha_lianjia_ershoufang_2022.csv (default: MC_HOUSING_DATA_DIR)")
    seed.set_defaults(run=run_seed)


def run_seed(args: argparse.Namespace) -> int:
    """Apply migrations, seed the register and print the summary."""
    for line in asyncio.run(_seed(args)):
        print(line)
    return 0


async def _seed(args: argparse.Namespace) -> list[str]:
    from mortgage_cloud.infra.db import close_db, init_db, migrate_db
    from mortgage_cloud.registry.seed import seed_register
    from mortgage_cloud.settings import get_settings

    settings = get_settings()
    await migrate_db(settings)
    await init_db(settings)
    try:
        summary = await seed_register(seed=args.seed, units=args.units,
                                      housing_dir=args.housing_dir or settings.housing_data_dir)
    finally:
        await close_db()
    return summary.lines()
