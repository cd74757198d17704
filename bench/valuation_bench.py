"""Latency of valuations at a fixed concurrency: in-process service calls, and optionally the signed HTTP API.

Usage:
    python bench/valuation_bench.py --train-file FILE [--requests 1000] [--concurrency 20] [--http]

It starts a runtime on a scratch SQLite database in a temp folder (or MC_DATABASE_URL with
--database-url), trains a model on the file, then values the file's own listings as address input,
`--concurrency` at a time. It prints p50/p95/p99 and the maximum in milliseconds for `estimate`
(no database), `value_property` (estimate + one INSERT) and, with --http, `POST /bank/v1/valuations`.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from mortgage_cloud.infra.runtime import start_runtime, stop_runtime
from mortgage_cloud.settings import Settings
from mortgage_cloud.valuation import store
from mortgage_cloud.valuation.evaluate import load_listings
from mortgage_cloud.valuation.model import ValuationModel
from mortgage_cloud.valuation.service import estimate, value_property


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-file", type=Path, required=True, help="listing file to train on and to draw subjects from")
    parser.add_argument("--requests", type=int, default=1000, help="valuations per measured phase")
    parser.add_argument("--concurrency", type=int, default=20, help="valuations in flight at once")
    parser.add_argument("--database-url", help="database to store valuations in (default: scratch SQLite)")
    parser.add_argument("--http", action="store_true", help="also measure the signed HTTP endpoint")
    args = parser.parse_args()
    asyncio.run(run(args))


async def run(args: argparse.Namespace) -> None:
    """Train, then measure each phase and print one line per phase."""
    with tempfile.TemporaryDirectory(prefix="mc-valuation-bench-") as scratch:
        settings = Settings(database_url=args.database_url or f"sqlite://{scratch}/bench.sqlite3", data_dir=Path(scratch) / "data")
        await start_runtime(settings, create_schema=True)
        try:
            listings = load_listings([args.train_file])
            started = time.perf_counter()
            model = await asyncio.to_thread(ValuationModel.fit, listings)
            print(f"trained on {len(listings)} listings in {time.perf_counter() - started:.1f} s")
            store.save(model, settings.data_dir / "valuation")

            rng = random.Random(0)
            subjects = [_address(rng.choice(listings)) for _ in range(args.requests)]
            await _phase("estimate", subjects, args.concurrency, lambda address: estimate(address=address))
            await _phase("value_property", subjects, args.concurrency, lambda address: value_property(address=address))
            if args.http:
                await _http_phase(settings, subjects, args.concurrency)
        finally:
            await stop_runtime()


def _address(listing) -> dict:
    return {
        "district": listing.district, "community": listing.community, "area": listing.area, "floor_band": listing.floor_band,
        "total_floors": listing.total_floors, "build_year": listing.build_year, "decoration": listing.decoration,
        "rooms": listing.rooms, "halls": listing.halls, "baths": listing.baths, "orientation": listing.orientation,
    }


async def _phase(name: str, subjects: list[dict], concurrency: int, call) -> None:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(address: dict) -> None:
        async with gate:
            started = time.perf_counter()
            await call(address)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(address) for address in subjects))
    elapsed = time.perf_counter() - started
    _report(name, latencies, elapsed, concurrency)


def _report(name: str, latencies: list[float], elapsed: float, concurrency: int) -> None:
    ordered = sorted(latencies)
    cuts = statistics.quantiles(ordered, n=100)
    print(f"{name}: n={len(ordered)} concurrency={concurrency} p50={cuts[49]:.2f}ms p95={cuts[94]:.2f}ms "
          f"p99={cuts[98]:.2f}ms max={ordered[-1]:.2f}ms throughput={len(ordered) / elapsed:.0f}/s")


async def _http_phase(settings: Settings, subjects: list[dict], concurrency: int) -> None:
    import socket
    import secrets

    from mortgage_cloud.app import create_app
    from mortgage_cloud.banks.client import BankClient
    from mortgage_cloud.banks.service import onboard_institution
    from mortgage_cloud.identifiers import USCC_ALPHABET, make_uscc

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(settings, manage_runtime=False)
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()

    code = "".join(secrets.choice(USCC_ALPHABET) for _ in range(9))
    bank = await onboard_institution(name="压测银行股份有限公司", uscc=make_uscc(division_code="430100", organisation_code=code), kind="bank")
    client = BankClient(f"http://127.0.0.1:{port}", institution_id=str(bank.institution.id), serial_no=bank.serial_no,
                        private_key_pem=bank.private_key_pem, algorithm=bank.certificate.algorithm)
    try:
        await _phase("POST /bank/v1/valuations", subjects, concurrency, lambda address: client.post("/bank/v1/valuations", {"address": address}))
    finally:
        await client.aclose()
        await server.close()


if __name__ == "__main__":
    main()
