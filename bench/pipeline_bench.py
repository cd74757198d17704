"""Submit-to-proof latency and throughput of the registration pipeline, at concurrency 1 and 20.

Run: `.venv/bin/python bench/pipeline_bench.py` (SQLite, in-process cache and queue), or with
`--postgres` for PostgreSQL at 127.0.0.1 (a fresh database, dropped afterwards) and Redis.

Every application is first prepared up to `signed` over HTTP, as the demo does. Only then are
batches submitted, so document rendering does not compete with the pipeline for the CPU.
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import uvloop

from mortgage_cloud.demo.cases import Case, DemoContext, prepare_case
from mortgage_cloud.demo.setup import onboard_banks, start_world
from mortgage_cloud.infra.logging import configure_logging
from mortgage_cloud.mocks.testing import free_port

POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


async def main(args: argparse.Namespace) -> None:
    from mortgage_cloud.registry.seed import find_scenario_units, seed_register

    profiler = ThreadProfiler() if args.profile else None
    if profiler is not None:
        profiler.install()
    database_url, drop = await _database(args.postgres)
    data_dir = Path(tempfile.mkdtemp(prefix="mc-bench-"))
    mocks = None if args.mocks_in_process else (await MockProcess.start("mock-wechat"),
                                                await MockProcess.start("mock-face"))
    world = await start_world(data_dir=data_dir, database_url=database_url,
                              redis_url=REDIS_URL if args.postgres else None, mocks=mocks)
    try:
        await seed_register(seed=args.seed, units=5000, housing_dir=world.settings.housing_data_dir)
        banks = await onboard_banks(world.app_url)
        total = 1 * args.rounds_single + 20 * args.rounds_parallel
        units = (await find_scenario_units(limit=total))["clean_single_owner"][:total]
        context = DemoContext(app_url=world.app_url, wechat_url=world.wechat.url)

        workers = [_start_worker(world) for _ in range(args.workers)]
        prepared = await _prepare_all(context, [Case("bench", "基准", unit, banks[i % 2]) for i, unit in enumerate(units)])
        print(f"backend: {'postgres+redis' if args.postgres else 'sqlite+in-process'}, extra worker processes: "
              f"{args.workers}, mocks: {'in process' if args.mocks_in_process else 'own processes'}; "
              f"prepared {len(prepared)} signed applications", flush=True)

        if profiler is not None:
            profiler.start()
        cpu_at_start = _machine_cpu()
        single = await _batches(prepared[:args.rounds_single], size=1)
        await _wait_until_archived_and_notified(prepared[:args.rounds_single])
        cpu_after_single = _machine_cpu()
        parallel = await _batches(prepared[args.rounds_single:], size=20)
        await _wait_until_archived_and_notified(prepared[args.rounds_single:])
        cpu_after_parallel = _machine_cpu()
        if profiler is not None:
            profiler.stop_and_dump(args.profile)
        _print("concurrency 1", *single)
        _print("concurrency 20", *parallel)
        await _print_steps("concurrency 20", prepared[args.rounds_single:])
        _print_cpu("concurrency 1", cpu_at_start, cpu_after_single, max(args.rounds_single, 1))
        _print_cpu("concurrency 20", cpu_after_single, cpu_after_parallel, max(20 * args.rounds_parallel, 1))
        for bank in banks:
            await bank.client.aclose()
        for worker in workers:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    finally:
        await world.close()
        await drop()
        shutil.rmtree(data_dir, ignore_errors=True)


class ThreadProfiler:
    """cProfile over every thread of this process: the event loop and the threads that sign, render and call WeChat.

    cProfile watches only the thread that enables it. Python 3.11 cannot hook a running thread from
    outside, so `install` hooks every thread started later (the pools start theirs lazily), and each
    hooked thread enables a profiler of its own at its first function call after `start`.
    """

    def __init__(self) -> None:
        self._profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()
        self._measuring = False

    def install(self) -> None:
        threading.setprofile(self._on_call)

    def start(self) -> None:
        self._measuring = True
        self._enable_here()

    def _on_call(self, *_: object) -> None:
        if self._measuring:
            self._enable_here()  # replaces this hook in the calling thread

    def _enable_here(self) -> None:
        profile = cProfile.Profile(time.thread_time)  # CPU time, so waits on the network count as nothing
        with self._lock:
            self._profiles.append(profile)
        profile.enable()

    def stop_and_dump(self, path: str) -> None:
        self._measuring = False
        with self._lock:
            profiles = list(self._profiles)
        merged = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            merged.add(profile)
        merged.dump_stats(path)


class MockProcess:
    """A mock server (`mortgage-cloud mock-wechat` or `mock-face`) in its own process, as the real services are."""

    def __init__(self, process: subprocess.Popen, port: int) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self._port = port

    @classmethod
    async def start(cls, command: str) -> "MockProcess":
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "mortgage_cloud.cli", command, "--port", str(port)],
                                   env={**os.environ, "MC_LOG_LEVEL": "WARNING"})
        mock = cls(process, port)
        await mock._wait_until_listening(timeout=30)
        return mock

    async def _wait_until_listening(self, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.process.args[3]} exited with code {self.process.returncode}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self._port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            await writer.wait_closed()
            return
        self.process.kill()
        raise RuntimeError(f"{self.process.args[3]} did not listen on port {self._port} within {timeout} s")

    async def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _start_worker(world) -> subprocess.Popen:
    """Start `mortgage-cloud worker` on the same database, files and Redis queue as the app under test."""
    settings = world.settings
    env = {**os.environ, "MC_DATABASE_URL": settings.database_url, "MC_REDIS_URL": settings.redis_url,
           "MC_REDIS_PREFIX": settings.redis_prefix, "MC_DATA_DIR": str(settings.data_dir),
           "MC_PUBLIC_BASE_URL": settings.public_base_url, "MC_WECHAT_API_BASE": settings.wechat_api_base,
           "MC_WECHAT_OPEN_BASE": settings.wechat_open_base, "MC_FACE_API_BASE": settings.face_api_base,
           "MC_LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "mortgage_cloud.cli", "worker"], env=env)


async def _prepare_all(context: DemoContext, cases: list[Case]) -> list:
    gate = asyncio.Semaphore(4)

    async def one(case: Case):
        async with gate:
            return await prepare_case(context, case)

    return await asyncio.gather(*(one(case) for case in cases))


def _machine_cpu() -> dict[str, float]:
    """Return the CPU seconds (user + system) so far of every process on the machine, summed by role."""
    ticks = os.sysconf("SC_CLK_TCK")
    roles: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while being read
        role = _role(int(entry.name), command)
        roles[role] = roles.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return roles


def _role(pid: int, command: str) -> str:
    if pid == os.getpid():
        return "app (this process)"
    for marker, role in (("mortgage_cloud.cli worker", "worker"), ("mock-wechat", "mock WeChat"),
                         ("mock-face", "mock face"), ("postgres", "PostgreSQL"), ("redis-server", "Redis")):
        if marker in command:
            return role
    return "other"


def _print_cpu(label: str, before: dict[str, float], after: dict[str, float], proofs: int) -> None:
    spent = {role: after.get(role, 0.0) - before.get(role, 0.0) for role in after}
    parts = [f"{role} {seconds * 1000 / proofs:.0f}" for role, seconds in sorted(spent.items(), key=lambda x: -x[1])
             if seconds > 0]
    # "other" is whatever else runs on the machine, so it is listed but left out of the total.
    total = sum(seconds for role, seconds in spent.items() if role != "other")
    print(f"{label}: machine CPU per proof {total * 1000 / proofs:.0f} ms ({', '.join(parts)} ms)", flush=True)


async def _batches(prepared: list, *, size: int) -> tuple[list[float], list[float], float, float]:
    """Submit in batches of `size` at once; return server and client latencies, proofs per second and CPU per proof.

    The CPU time is this process's (all its threads), so it covers the whole pipeline only without extra workers.
    """
    server, client, started, cpu_started = [], [], time.perf_counter(), time.process_time()
    for index in range(0, len(prepared), size):
        batch = prepared[index:index + size]
        submitted_at = dict(await asyncio.gather(*(_submit(item) for item in batch)))
        observed = await _watch(set(submitted_at))
        for application_id, (seen_at, server_seconds) in observed.items():
            server.append(server_seconds)
            client.append(seen_at - submitted_at[application_id])
    cpu_per_proof = (time.process_time() - cpu_started) / max(len(prepared), 1)
    return server, client, len(prepared) / (time.perf_counter() - started), cpu_per_proof


async def _submit(item) -> tuple[str, float]:
    """Submit over HTTP as the borrower; return the application id and when the request was sent."""
    _, application, _ = item.drafts[0]
    began = time.perf_counter()
    response = await item.primary.submit(application["id"])
    response.raise_for_status()
    return application["id"], began


async def _watch(pending: set[str]) -> dict[str, tuple[float, float]]:
    """Poll the database (one query for the whole batch, every 50 ms) until every proof is issued.

    Watching the database rather than polling the status API keeps the measurement from loading
    the server it measures.
    """
    from mortgage_cloud.applications.models import Application

    observed: dict[str, tuple[float, float]] = {}
    while pending:
        rows = await Application.filter(id__in=list(pending)).values("id", "state", "submitted_at", "proof_issued_at")
        now = time.perf_counter()
        for row in rows:
            if row["state"] in {"rejected", "manual_review"}:
                raise RuntimeError(f"bench application {row['id']} ended in {row['state']}")
            if row["proof_issued_at"] is not None:
                key = str(row["id"])
                observed[key] = (now, (row["proof_issued_at"] - row["submitted_at"]).total_seconds())
                pending.discard(key)
        await asyncio.sleep(0.05)
    return observed


async def _wait_until_archived_and_notified(prepared: list) -> None:
    """Wait until every application is archived and its borrower was sent the archived message.

    The work after the proof (archiving, the messages) counts in the CPU per proof but not in its latency.
    """
    from mortgage_cloud.notify.models import NotificationLog

    ids = [item.drafts[0][1]["id"] for item in prepared]
    while await NotificationLog.filter(application_id__in=ids, state="archived", status="sent").count() < len(ids):
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.2)


async def _print_steps(label: str, prepared: list) -> None:
    """Print the median time each application spent reaching each state, from the event rows."""
    from mortgage_cloud.applications.models import ApplicationEvent

    ids = [item.drafts[0][1]["id"] for item in prepared]
    events = await ApplicationEvent.filter(application_id__in=ids).order_by("id").values(
        "application_id", "to_state", "occurred_at")
    last_seen: dict[str, object] = {}
    waits: dict[str, list[float]] = {}
    for event in events:
        key = str(event["application_id"])
        if event["to_state"] != "submitted" and key in last_seen:
            waits.setdefault(event["to_state"], []).append((event["occurred_at"] - last_seen[key]).total_seconds())
        last_seen[key] = event["occurred_at"]
    parts = [f"{state} {statistics.median(values) * 1000:.0f}" for state, values in waits.items()]
    print(f"{label}: median ms from the previous state to {', '.join(parts)}", flush=True)


def _print(label: str, server: list[float], client: list[float], throughput: float, cpu_per_proof: float) -> None:
    if not server:
        print(f"{label}: no applications", flush=True)
        return
    print(f"{label}: n={len(server)} server median={statistics.median(server):.3f}s p95={_p95(server):.3f}s | "
          f"client median={statistics.median(client):.3f}s p95={_p95(client):.3f}s | "
          f"throughput={throughput:.2f} proofs/s | app process CPU {cpu_per_proof * 1000:.0f} ms per proof", flush=True)


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
    parser.add_argument("--profile", metavar="FILE",
                        help="write a cProfile of all threads of this process over the submissions to FILE (read it with pstats)")
    parser.add_argument("--mocks-in-process", action="store_true",
                        help="run the mock WeChat and face servers inside the app's process (default: own processes)")
    parser.add_argument("--workers", type=int, default=0,
                        help="extra `mortgage-cloud worker` processes beside the app (needs --postgres for Redis)")
    configure_logging("WARNING")
    # uvloop, as under `mortgage-cloud serve` (Sanic's default) and `mortgage-cloud worker`.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main(parser.parse_args()))
    sys.exit(0)
