"""The demo's cases: which unit, which bank, what goes wrong, and what the outcome must be."""

import asyncio
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from mortgage_cloud.banks.client import BankClient
from mortgage_cloud.demo.actors import BorrowerActor, Person
from mortgage_cloud.demo.expectations import Expected, expected_from_register
from mortgage_cloud.infra import pii


@dataclass
class Bank:
    name: str
    institution_id: str
    client: BankClient


@dataclass
class Case:
    kind: str  # a key of find_scenario_units, or a special case name
    label: str
    unit_no: str
    bank: Bank
    race_bank: Bank | None = None
    mortgage_type: str = "general"
    skip_co_owner: bool = False
    expire_consent: bool = False
    impostor_at_signing: bool = False
    # After the proof, the bank reports the loan repaid and has the mortgage cancelled (注销) through its API.
    cancel_after_proof: bool = False
    # The PC flow: the borrower verifies and signs on a branch kiosk instead of the mini-program.
    at_kiosk: bool = False


@dataclass
class Outcome:
    case: Case
    application_no: str
    bank_name: str
    state: str
    codes: list[str]
    seconds_to_proof: float | None
    expected: Expected
    application_id: str | None = None
    actor: BorrowerActor | None = field(default=None, repr=False)
    # Set for applications with no mini-program borrower (cancellations, the PC flow): documents are downloaded as this bank.
    bank: Bank | None = field(default=None, repr=False)
    note: str = ""  # printed under the table, such as a kiosk session's evidence
    # The WeChat openids of each co-owner who logged in, so the report checks that they were sent messages too.
    co_owner_openids: list[list[str]] = field(default_factory=list, repr=False)


@dataclass
class DemoContext:
    app_url: str
    wechat_url: str


@dataclass
class Prepared:
    """A case's applications, signed as far as the case allows and ready to submit."""

    case: Case
    primary: BorrowerActor
    actors: list[BorrowerActor]
    drafts: list[tuple[Bank, dict, str]]

    async def aclose(self) -> None:
        for actor in self.actors:
            await actor.aclose()


async def run_case(ctx: DemoContext, case: Case) -> list[Outcome]:
    """Drive one case end to end over HTTP and return one outcome per application it made."""
    if case.at_kiosk:
        from mortgage_cloud.demo.kiosk import run_pc_flow_case

        return await run_pc_flow_case(ctx, case)

    prepared = await prepare_case(ctx, case)
    outcomes = await asyncio.gather(*(_submit_and_wait(prepared.primary, bank, application, case)
                                      for bank, application, _ in prepared.drafts))
    co_owner_openids = [[co_owner.wechat_user["mini_program_openid"], co_owner.wechat_user["official_account_openid"]]
                        for co_owner in prepared.actors[1:] if co_owner.wechat_user]
    for outcome in outcomes:
        outcome.co_owner_openids = co_owner_openids
    for co_owner in prepared.actors[1:]:
        await co_owner.aclose()  # the primary stays open: the report downloads the documents as that borrower
    if case.cancel_after_proof and outcomes[0].state == "archived":
        outcomes.append(await cancel_mortgage(case, outcomes[0]))
    return list(outcomes)


async def cancel_mortgage(case: Case, registered: Outcome) -> Outcome:
    """Have the mortgagee cancel the mortgage it just registered, through the signed API, and wait for the proof."""
    bank = case.bank
    status = await bank.client.get(f"/bank/v1/applications/{registered.application_id}")
    cancellation = await bank.client.post("/bank/v1/cancellations", {"proof_no": status["proof_no"],
                                                                      "reason": "贷款已结清"})
    final = await wait_as_bank(bank, cancellation["id"])
    return Outcome(
        case=replace(case, kind="cancellation", label="抵押权注销（贷款结清）"), application_no=final["application_no"],
        bank_name=bank.name, state=final["state"], codes=sorted({finding["code"] for finding in final["findings"]}),
        seconds_to_proof=seconds_to_proof(final), expected=Expected("archived"), application_id=cancellation["id"],
        bank=bank,
    )


async def wait_as_bank(bank: Bank, application_id: str, *, timeout: float = 120.0) -> dict:
    """Poll the bank's status API until the application reaches a state the pipeline does not leave by itself."""
    from mortgage_cloud.demo.actors import TERMINAL_STATES

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = await bank.client.get(f"/bank/v1/applications/{application_id}")
        if status["state"] in TERMINAL_STATES or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.05)


async def prepare_case(ctx: DemoContext, case: Case) -> Prepared:
    """Log in, consent, query, create, generate, preview, sign and seal: everything before submission."""
    persons = await owners_of(case.unit_no)
    actors = [BorrowerActor(person, app_url=ctx.app_url, wechat_url=ctx.wechat_url) for person in persons]
    primary = actors[0]
    await primary.log_in()
    await primary.verify_identity()

    banks = [case.bank] + ([case.race_bank] if case.race_bank else [])
    drafts = [await _open_application(primary, bank, case) for bank in banks]

    for bank, application, consent_id in drafts:
        await primary.preview(application["id"])
        refusal = await _sign_all(actors, application["id"], case)
        await bank.client.post(f"/bank/v1/applications/{application['id']}/seal")
        if case.expire_consent:
            await _let_consent_expire(consent_id)
        if refusal is not None:
            application["refusal"] = refusal
    return Prepared(case=case, primary=primary, actors=actors, drafts=drafts)


async def _open_application(primary: BorrowerActor, bank: Bank, case: Case) -> tuple[Bank, dict, str]:
    consent_id = await primary.grant_consent(bank.institution_id)
    query = await bank.client.post("/bank/v1/property-queries", {"consent_id": consent_id})
    if case.unit_no not in {item["unit_no"] for item in query["items"]}:
        raise RuntimeError(f"property query under consent did not list unit {case.unit_no}")

    application = await bank.client.post("/bank/v1/applications", loan_data(consent_id, case))
    await bank.client.post(f"/bank/v1/applications/{application['id']}/documents")
    return bank, application, consent_id


def loan_data(consent_id: str, case: Case) -> dict[str, Any]:
    """Return the loan terms the bank's loan system sends for the case's unit."""
    start = date.today() + timedelta(days=3)
    amount_field = "secured_amount" if case.mortgage_type == "general" else "max_secured_amount"
    return {
        "consent_id": consent_id,
        "unit_no": case.unit_no,
        "mortgage_type": case.mortgage_type,
        amount_field: "680000.00" if case.mortgage_type == "general" else "1500000.00",
        "debt_start": start.isoformat(),
        "debt_end": start.replace(year=start.year + 20).isoformat(),
        "loan_contract_no": f"JK-{start:%Y}-{abs(hash(case.unit_no + case.bank.name)) % 10**8:08d}",
    }


async def _sign_all(actors: list[BorrowerActor], application_id: str, case: Case) -> tuple[str, str] | None:
    """Have every mortgagor sign (some skipped or impersonated by the case); return the first refusal."""
    signers = actors[:1] if case.skip_co_owner else actors
    for actor in signers:
        if "Authorization" not in actor.http.headers:
            await actor.log_in()
            await actor.verify_identity()
        response = await actor.sign(application_id, impostor=case.impostor_at_signing and actor is actors[0])
        if response.status_code == 409 and response.json().get("code") == "ALREADY_SIGNED":
            continue
        if response.status_code >= 400:
            body = response.json()
            return body.get("code", "UNKNOWN"), body.get("message", "")
    return None


async def _let_consent_expire(consent_id: str) -> None:
    """Stand in for the passing of time: move the consent's expiry into the past."""
    from mortgage_cloud.consent.models import Consent

    await Consent.filter(id=consent_id).update(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))


async def _submit_and_wait(primary: BorrowerActor, bank: Bank, application: dict, case: Case) -> Outcome:
    application_id = application["id"]
    codes: list[str] = []
    if "refusal" in application:
        codes.append(application["refusal"][0])
    else:
        response = await primary.submit(application_id)
        if response.status_code >= 400:
            codes.append(response.json().get("code", "UNKNOWN"))

    # A refused application never enters the pipeline, so there is nothing to wait for.
    status = await (primary.status(application_id) if codes else primary.wait_for_outcome(application_id))
    codes += [finding["code"] for finding in status["findings"]]
    return Outcome(
        case=case, application_no=status["application_no"], bank_name=bank.name, state=status["state"],
        codes=sorted(set(codes)), seconds_to_proof=seconds_to_proof(status), expected=await expected_for(case),
        application_id=application_id, actor=primary,
    )


def seconds_to_proof(status: dict) -> float | None:
    """Return the seconds from submission to proof in a status view, or None before the proof."""
    if not status.get("proof_issued_at") or not status.get("submitted_at"):
        return None
    issued = datetime.fromisoformat(status["proof_issued_at"])
    return (issued - datetime.fromisoformat(status["submitted_at"])).total_seconds()


async def expected_for(case: Case) -> Expected:
    """Work out what the case must end in, from the register rows and the case's own twist."""
    from mortgage_cloud.registry.models import OwnershipShare, Restriction

    if case.skip_co_owner:
        return Expected("signing", ("CO_OWNER_NOT_SIGNED",))
    if case.impostor_at_signing:
        return Expected("signing", ("FACE_NOT_MATCHED",))  # the bank has sealed, the borrower could not sign
    if case.expire_consent:
        return Expected("rejected", ("CONSENT_INVALID",))
    if case.race_bank is not None:
        return Expected("archived|rejected", ("UNIT_IN_FLIGHT",))  # judged as a pair, see outcome_ok

    rows = await Restriction.filter(unit__unit_no=case.unit_no, is_current=True).values_list("kind", "holder_id_hash")
    owners = set(await OwnershipShare.filter(ownership__unit__unit_no=case.unit_no, ownership__is_current=True)
                 .values_list("party__id_hash", flat=True))
    notice_holders = {holder for kind, holder in rows if kind == "advance_notice"}
    return expected_from_register(restriction_kinds=[kind for kind, _ in rows],
                                  advance_notice_holders_are_mortgagors=notice_holders <= owners)


async def owners_of(unit_no: str) -> list[Person]:
    """Return the unit's current owners as people who know their own ID and phone numbers."""
    from mortgage_cloud.registry.models import OwnershipShare

    shares = await OwnershipShare.filter(ownership__unit__unit_no=unit_no, ownership__is_current=True) \
        .order_by("id").prefetch_related("party")
    people = []
    for share in shares:
        party = share.party
        phone = pii.decrypt(party.phone_enc) if party.phone_enc else f"139{int(time.time()) % 10**8:08d}"
        people.append(Person(name=party.name, id_number=pii.decrypt(party.id_number_enc), phone=phone))
    return people

