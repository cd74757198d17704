"""`mortgage-cloud demo`: seed a register and drive borrowers through the whole flow over HTTP."""

import asyncio
import logging
import statistics
import tempfile
from datetime import datetime
from pathlib import Path

from mortgage_cloud.demo.cases import Bank, Case, DemoContext, Outcome, run_case
from mortgage_cloud.demo.expectations import Expected, matches
from mortgage_cloud.demo.report import count_status_messages, print_outcomes, write_documents, write_root_certificate
from mortgage_cloud.demo.setup import World, onboard_banks, start_world

log = logging.getLogger(__name__)

CLEAN_SINGLE_OWNER_CASES = 10


def plan_cases(units: dict[str, list[str]], banks: list[Bank]) -> list[Case]:
    """Pick the demo's cases from the register's scenario units, alternating the banks."""
    first, second = banks
    clean = iter(units["clean_single_owner"])
    cases = [Case("clean_single_owner", "单独所有，无限制", next(clean), banks[i % 2])
             for i in range(CLEAN_SINGLE_OWNER_CASES)]
    cases += [
        Case("maximum_amount", "最高额抵押", next(clean), second, mortgage_type="maximum"),
        Case("joint_owned", "共同共有，全体共有人签署", units["joint_owned"][0], first),
        Case("joint_owned", "共同共有，全体共有人签署", units["joint_owned"][1], second),
        Case("share_owned", "按份共有，全体共有人签署", units["share_owned"][0], first),
        Case("already_mortgaged", "已有抵押，登记为第二顺位", units["already_mortgaged"][0], second),
        Case("already_mortgaged", "已有抵押，登记为第二顺位", units["already_mortgaged"][1], first),
        Case("seized", "已查封", units["seized"][0], first),
        Case("pre_seized", "已预查封", units["pre_seized"][0], second),
        Case("locked", "登记机构锁定", units["locked"][0], first),
        Case("objection", "存在异议登记", units["objection"][0], second),
        Case("advance_notice_other", "他人持有预告登记", units["advance_notice_other"][0], first),
        Case("co_owner_not_signed", "共有人未签署", units["joint_owned"][2], first, skip_co_owner=True),
        Case("expired_consent", "授权已过期", next(clean), second, expire_consent=True),
        Case("face_mismatch", "签署时人脸比对不通过", next(clean), first, impostor_at_signing=True),
        Case("race", "两家银行争抢同一不动产", next(clean), first, race_bank=second),
        Case("repaid", "登记后贷款结清，银行申请注销", next(clean), second, cancel_after_proof=True),
        Case("pc_flow", "网点智能设备办理", next(clean), first, at_kiosk=True),
    ]
    return cases


async def run_demo(*, output_dir: Path | None = None, seed: int, units: int, concurrency: int,
                   database_url: str | None = None, redis_url: str | None = None,
                   housing_dir: Path | None = None) -> int:
    """Run the demo; return 0 when every outcome is the one the register implies, else 1."""
    from mortgage_cloud.registry.seed import find_scenario_units, seed_register

    output_dir = (output_dir or Path("demo-output") / datetime.now().strftime("%Y%m%d-%H%M%S")).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    print(f"demo output folder: {output_dir}", flush=True)

    # The keys (the CA root key among them) and the database stay in a folder of their own, removed at exit,
    # because users share the output folder.
    with tempfile.TemporaryDirectory(prefix="mortgage-cloud-demo-") as data_dir:
        world = await start_world(data_dir=Path(data_dir), database_url=database_url, redis_url=redis_url)
        try:
            summary = await seed_register(seed=seed, units=units,
                                          housing_dir=housing_dir or world.settings.housing_data_dir)
            print(f"register seeded: {summary.units} units, {summary.mortgages} mortgages, "
                  f"{summary.restrictions} restrictions (source: {summary.source})", flush=True)
            banks = await onboard_banks(world.app_url)
            cases = plan_cases(await find_scenario_units(limit=20), banks)
            outcomes = await _run_cases(world, cases, concurrency=concurrency)
            ok = await _report(world, outcomes, output_dir)
            for bank in banks:
                await bank.client.aclose()
        finally:
            await world.close()
    return 0 if ok else 1


async def _run_cases(world: World, cases: list[Case], *, concurrency: int) -> list[Outcome]:
    context = DemoContext(app_url=world.app_url, wechat_url=world.wechat.url)
    gate = asyncio.Semaphore(concurrency)

    async def one(case: Case) -> list[Outcome]:
        async with gate:
            return await run_case(context, case)

    results = await asyncio.gather(*(one(case) for case in cases), return_exceptions=True)
    outcomes: list[Outcome] = []
    for case, result in zip(cases, results):
        if isinstance(result, BaseException):
            log.error("demo case failed", exc_info=result, extra={"case": case.kind, "unit_no": case.unit_no})
            outcomes.append(Outcome(case=case, application_no="-", bank_name=case.bank.name, state="error",
                                    codes=[type(result).__name__], seconds_to_proof=None,
                                    expected=Expected("archived")))
        else:
            outcomes.extend(result)
    return outcomes


def outcome_ok(outcome: Outcome, outcomes: list[Outcome]) -> bool:
    """Return whether an outcome is right. The race case is judged as a pair, where one proceeds and the other is rejected."""
    if outcome.case.kind != "race":
        return matches(outcome.expected, state=outcome.state, codes=outcome.codes)
    pair = [item for item in outcomes if item.case is outcome.case]
    states = sorted(item.state for item in pair)
    loser_codes = {code for item in pair if item.state == "rejected" for code in item.codes}
    return states == ["archived", "rejected"] and bool(loser_codes & {"UNIT_IN_FLIGHT", "DOCUMENT_DATA_MISMATCH"})


async def _report(world: World, outcomes: list[Outcome], output_dir: Path) -> bool:
    verdicts = [outcome_ok(outcome, outcomes) for outcome in outcomes]
    print_outcomes(outcomes, verdicts)

    seconds = sorted(o.seconds_to_proof for o in outcomes if o.seconds_to_proof is not None)
    if seconds:
        p95 = seconds[max(0, round(0.95 * len(seconds)) - 1)]
        print(f"submit to proof: n={len(seconds)} median={statistics.median(seconds):.3f}s p95={p95:.3f}s")

    messages, silent = await count_status_messages(outcomes)
    print(f"WeChat status messages recorded by the mock: {messages}; borrowers and co-owners who got none: {silent}")
    valid_proofs = await write_documents(world, outcomes, output_dir)
    proofs = sum(1 for o in outcomes if o.state == "archived")
    print(f"proofs accepted by pdfsig: {valid_proofs}/{proofs}; documents written to {output_dir / 'documents'}")
    certificate = await write_root_certificate(world, output_dir)
    print(f"platform root certificate, for pdfsig to trust the signers: {certificate}")
    wrong = verdicts.count(False)
    print(f"outcomes as the register implies: {len(verdicts) - wrong}/{len(verdicts)}")
    return wrong == 0 and valid_proofs == proofs and silent == 0
