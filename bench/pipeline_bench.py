"""Submit-to-proof latency and throughput of the registration pipeline, at concurrency 1 and 20.

Run: `.venv/bin/python bench/pipeline_bench.py` (SQLite, in-process cache and queue), or with
`--postgres` for PostgreSQL at 127.0.0.1 (a fresh database, dropped afterwards) and Redis.

Every application is first prepared up to `signed` over HTTP, as the demo does; only then are
batches submitted, so document rendering does not compete with the pipeline for the CPU.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from mortgage_cloud.demo.cases import Case, DemoContext, prepare_case
from mortgage_cloud.demo.setup import onboard_banks, start_world
from mortgage_cloud.infra.logging import configure_logging

POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


async def main(args: argparse.Namespace) -> None:
    from mortgage_cloud.registry.seed import find_scenario_units, seed_register

    database_url, drop = await _database(args.postgres)
    output_dir = Path(tempfile.mkdtemp(prefix="mc-bench-"))
    world = await start_world(output_dir=output_dir, database_url=database_url,
                              redis_url=REDIS_URL if args.postgres else None)
    try:
        await seed_register(seed=args.seed, units=5000, housing_dir=world.settings.housing_data_dir)
        banks = await onboard_banks(world)
        total = 1 * args.rounds_single + 20 * args.rounds_parallel
        units = (await find_scenario_units(limit=total))["clean_single_owner"][:total]
        context = DemoContext(app_url=world.app_url, wechat_url=world.wechat.url)

        prepared = await _prepare_all(context, [Case("bench", "基准", unit, banks[i % 2]) for i, unit in enumerate(units)])
        print(f"backend: {'postgres+redis' if args.postgres else 'sqlite+in-process'}; prepared {len(prepared)} "
              f"signed applications", flush=True)

        single = await _batches(prepared[:args.rounds_single], size=1)
        parallel = await _batches(prepared[args.rounds_single:], size=20)
        _print("concurrency 1", *single)
        _print("concurrency 20", *parallel)
        for bank in banks:
            await bank.client.aclose()
    finally:
        await world.close()
        await drop()


async def _prepare_all(context: DemoContext, cases: list[Case]) -> list:
    gate = asyncio.Semaphore(4)

    async def one(case: Case):
        async with gate:
            return await prepare_case(context, case)

    return await asyncio.gather(*(one(case) for case in cases))


async def _batches(prepared: list, *, size: int) -> tuple[list[float], list[float], float]:
    """Submit in batches of `size` at once; return server and client latencies and completed per second."""
    server, client, started = [], [], time.perf_counter()
    for index in range(0, len(prepared), size):
        batch = prepared[index:index + size]
        results = await asyncio.gather(*(_submit(item) for item in batch))
        for server_seconds, client_seconds in results:
            server.append(server_seconds)
            client.append(client_seconds)
    return server, client, len(prepared) / (time.perf_counter() - started)


async def _submit(item) -> tuple[float, float]:
    _, application, _ = item.drafts[0]
    began = time.perf_counter()
    response = await item.primary.submit(application["id"])
    response.raise_for_status()
    while True:
        status = await item.primary.status(application["id"])
        if status["proof_issued_at"] or status["state"] in {"rejected", "manual_review"}:
            break
        await asyncio.sleep(0.01)
    client_seconds = time.perf_counter() - began
    if status["state"] in {"rejected", "manual_review"}:
        raise RuntimeError(f"bench application ended in {status['state']}: {status['findings']}")

    from datetime import datetime

    issued = datetime.fromisoformat(status["proof_issued_at"]) - datetime.fromisoformat(status["submitted_at"])
    return issued.total_seconds(), client_seconds


def _print(label: str, server: list[float], client: list[float], throughput: float) -> None:
    print(f"{label}: n={len(server)} server median={statistics.median(server):.3f}s p95={_p95(server):.3f}s | "
          f"client median={statistics.median(client):.3f}s p95={_p95(client):.3f}s | "
          f"throughput={throughput:.2f} proofs/s", flush=True)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def _database(postgres: bool):
    async def nothing() -> None:
        return None

    if not postgres:
        return None, nothing

    import asyncpg

    name = f"mc_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')

    async def drop() -> None:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}", drop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL and Redis at 127.0.0.1 instead of SQLite")
    parser.add_argument("--rounds-single", type=int, default=10, help="applications submitted one at a time")
    parser.add_argument("--rounds-parallel", type=int, default=2, help="batches of 20 applications submitted at once")
    parser.add_argument("--seed", type=int, default=20261204)
    configure_logging("WARNING")
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
