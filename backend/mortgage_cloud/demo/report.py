"""Printing the demo's outcomes and writing its proofs, signed documents and root certificate to the output folder."""

import asyncio
from pathlib import Path

from mortgage_cloud.demo.cases import Outcome

DOCUMENT_KINDS = ("mortgage_contract", "application_form", "power_of_attorney", "proof")


def print_outcomes(outcomes: list[Outcome], verdicts: list[bool]) -> None:
    """Print one line per application: number, case, bank, outcome, rule codes, seconds to proof."""
    print(f"{'application_no':<18} {'case':<22} {'outcome':<16} {'expected':<16} {'rule codes':<40} {'seconds':>8}  ok")
    for outcome, ok in zip(outcomes, verdicts):
        seconds = f"{outcome.seconds_to_proof:.3f}" if outcome.seconds_to_proof is not None else "-"
        codes = ",".join(outcome.codes) or "-"
        print(f"{outcome.application_no:<18} {outcome.case.kind:<22} {outcome.state:<16} "
              f"{outcome.expected.state:<16} {codes:<40} {seconds:>8}  {'yes' if ok else 'NO'}", flush=True)
    for outcome in outcomes:
        if outcome.note:
            print(f"{outcome.application_no} ({outcome.case.label}): {outcome.note}", flush=True)


async def count_status_messages(outcomes: list[Outcome]) -> tuple[int, int]:
    """Return (messages the mock WeChat recorded for the demo's borrowers and co-owners, those who got none)."""
    total, silent = 0, 0
    for actor in {id(o.actor): o.actor for o in outcomes if o.actor is not None}.values():
        people = [[actor.wechat_user["mini_program_openid"], actor.wechat_user["official_account_openid"]]]
        people += next(o.co_owner_openids for o in outcomes if o.actor is actor)
        for openids in people:
            messages = [m for openid in openids for m in
                        (await actor.wechat.get("/mock/messages", params={"openid": openid})).json()["messages"]]
            total += len(messages)
            silent += 0 if messages else 1
    return total, silent


async def write_documents(world: object, outcomes: list[Outcome], output_dir: Path) -> int:
    """Download each application's documents as its borrower; return how many proofs pdfsig accepts."""
    from mortgage_cloud.signing.ca import PlatformCA
    from mortgage_cloud.signing.pdfsig import pdfsig_report

    ca = await PlatformCA.load_or_create(world.settings.data_dir / "ca")
    valid_proofs = 0
    for outcome in outcomes:
        if outcome.application_id is None or (outcome.actor is None and outcome.bank is None):
            continue
        folder = output_dir / "documents" / outcome.application_no
        folder.mkdir(parents=True, exist_ok=True)
        for kind in _kinds_to_download(outcome):
            pdf = await _download(outcome, kind)
            (folder / f"{kind}.pdf").write_bytes(pdf)
            if kind == "proof":
                report = await asyncio.to_thread(pdfsig_report, pdf, ca_pem=ca.certificate_pem)
                if report and all(item.signature_validation.startswith("Signature is Valid") for item in report):
                    valid_proofs += 1

    for outcome in outcomes:
        if outcome.actor is not None:
            await outcome.actor.aclose()
            outcome.actor = None
    return valid_proofs


async def write_root_certificate(world: object, output_dir: Path) -> Path:
    """Write the platform's root certificate (no key) to the output folder and return its path."""
    from mortgage_cloud.signing.ca import CERTIFICATE_FILE, PlatformCA

    ca = await PlatformCA.load_or_create(world.settings.data_dir / "ca")
    path = output_dir / CERTIFICATE_FILE
    path.write_bytes(ca.certificate_pem)
    return path


def _kinds_to_download(outcome: Outcome) -> list[str]:
    if outcome.case.kind == "cancellation":
        # A cancellation has no borrower and no generated documents, only the registry's proof.
        return ["proof"] if outcome.state == "archived" else []
    if outcome.state == "draft":
        return []
    return [kind for kind in DOCUMENT_KINDS if kind != "proof" or outcome.state == "archived"]


async def _download(outcome: Outcome, kind: str) -> bytes:
    if outcome.actor is not None:
        return await outcome.actor.download(outcome.application_id, kind)
    response = await outcome.bank.client.send("GET", f"/bank/v1/applications/{outcome.application_id}/documents/{kind}/pdf")
    return response.content
