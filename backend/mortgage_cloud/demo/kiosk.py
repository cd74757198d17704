"""The PC flow in the demo: a bank officer opens a kiosk session and the borrower verifies and signs at the branch device."""

import base64
import secrets
from dataclasses import replace

import httpx

from mortgage_cloud.demo.actors import Person, handwritten_signature
from mortgage_cloud.demo.cases import Case, DemoContext, Outcome, expected_for, loan_data, owners_of, seconds_to_proof
from mortgage_cloud.mocks.face_images import face_image_for, other_person_face

RATING = "very_satisfied"


class KioskDevice:
    """One kiosk device holding one session's token; every call sends the token and the device id."""

    def __init__(self, server_url: str, *, token: str, device_id: str) -> None:
        self.http = httpx.AsyncClient(base_url=server_url, timeout=60, headers={
            "Authorization": f"Bearer {token}", "Mc-Device-Id": device_id})

    async def aclose(self) -> None:
        await self.http.aclose()

    async def session(self) -> httpx.Response:
        return await self.http.get("/kiosk/v1/session")

    async def face_check(self, person: Person, *, impostor: bool = False, live: bool = True) -> httpx.Response:
        image = other_person_face() if impostor else face_image_for(person.id_number, live=live)
        return await self.http.post("/kiosk/v1/face-checks", json={"image_base64": base64.b64encode(image).decode()})

    async def consent(self) -> httpx.Response:
        return await self.http.post("/kiosk/v1/consents")

    async def documents(self) -> httpx.Response:
        return await self.http.get("/kiosk/v1/documents")

    async def page(self, kind: str, number: int) -> httpx.Response:
        return await self.http.get(f"/kiosk/v1/documents/{kind}/pages/{number}")

    async def sign(self, person: Person) -> httpx.Response:
        return await self.http.post("/kiosk/v1/signatures", json={"signature_image": handwritten_signature(person.name)})

    async def rate(self, rating: str, comment: str | None = None) -> httpx.Response:
        return await self.http.post("/kiosk/v1/ratings", json={"rating": rating, "comment": comment})

    async def close(self) -> httpx.Response:
        return await self.http.post("/kiosk/v1/close")


async def run_pc_flow_case(ctx: DemoContext, case: Case) -> list[Outcome]:
    """Drive one application through the PC flow: kiosk session, face check, consent, signing, seal, submit, rating."""
    from mortgage_cloud.demo.cases import wait_as_bank

    bank = case.bank
    person = (await owners_of(case.unit_no))[0]
    device_id = f"demo-kiosk-{secrets.token_hex(3)}"
    session = await bank.client.open_kiosk_session(device_id=device_id, borrower_name=person.name,
                                                   id_number=person.id_number)
    device = KioskDevice(ctx.app_url, token=session["token"], device_id=device_id)
    try:
        await _checked(device.face_check(person), "face check")
        consent = (await _checked(device.consent(), "consent")).json()

        await bank.client.post("/bank/v1/property-queries", {"consent_id": consent["consent_id"]})
        application = await bank.client.post("/bank/v1/applications", loan_data(consent["consent_id"], case))
        await bank.client.post(f"/bank/v1/applications/{application['id']}/documents")
        await bank.client.bind_kiosk_session(session["id"], application["id"])

        for document in (await _checked(device.documents(), "documents")).json()["items"]:
            await _checked(device.page(document["kind"], 1), "preview")
        await _checked(device.sign(person), "signature")
        await bank.client.post(f"/bank/v1/applications/{application['id']}/seal")
        await bank.client.post(f"/bank/v1/applications/{application['id']}/submit")
        final = await wait_as_bank(bank, application["id"])

        await _checked(device.rate(RATING, "网点办理顺利"), "rating")
        await _checked(device.close(), "close")
    finally:
        await device.aclose()

    evidence = (await bank.client.kiosk_session(session["id"]))["evidence"]
    return [Outcome(
        case=replace(case, label="网点智能设备办理"), application_no=final["application_no"], bank_name=bank.name,
        state=final["state"], codes=sorted({finding["code"] for finding in final["findings"]}),
        seconds_to_proof=seconds_to_proof(final), expected=await expected_for(case),
        application_id=application["id"], bank=bank,
        note=f"kiosk {device_id} evidence: {', '.join(row['kind'] for row in evidence)}",
    )]


async def _checked(call, step: str) -> httpx.Response:
    response = await call
    if response.status_code >= 400:
        raise RuntimeError(f"kiosk {step} failed: HTTP {response.status_code} {response.text[:200]}")
    return response
