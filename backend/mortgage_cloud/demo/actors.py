"""Demo participants: a borrower driving the platform over HTTP as the mini-program does, and a bank."""

import asyncio
import base64
import io
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image, ImageDraw

from mortgage_cloud.mocks.face_images import face_image_for, other_person_face

TERMINAL_STATES = {"archived", "rejected", "manual_review", "withdrawn", "loan_disbursed"}


@dataclass(frozen=True)
class Person:
    """A right holder from the register, with the ID and phone numbers the person would type in."""

    name: str
    id_number: str
    phone: str


class DemoStepFailed(Exception):
    """A request the demo expected to succeed failed; carries the platform's error code and message."""

    def __init__(self, step: str, response: httpx.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {"code": "NOT_JSON", "message": response.text[:200]}
        self.code = body.get("code", "UNKNOWN")
        self.message = body.get("message", "")
        self.status = response.status_code
        super().__init__(f"{step}: HTTP {response.status_code} {self.code} {self.message}")


class BorrowerActor:
    """One person using the mini-program: WeChat login, identity, face checks, consent, preview, signing."""

    def __init__(self, person: Person, *, app_url: str, wechat_url: str) -> None:
        self.person = person
        self.http = httpx.AsyncClient(base_url=app_url, timeout=60)
        self.wechat = httpx.AsyncClient(base_url=wechat_url, timeout=10)
        self.wechat_user: dict[str, Any] = {}

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.wechat.aclose()

    async def call(self, step: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request with the session token and raise DemoStepFailed on an error response."""
        response = await self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise DemoStepFailed(step, response)
        return response

    async def log_in(self) -> None:
        """Open the mini-program: a WeChat user logs in with the code of wx.login."""
        self.wechat_user = (await self.wechat.post("/mock/users", json={})).json()
        code = (await self.wechat.post("/mock/codes", json={"unionid": self.wechat_user["unionid"],
                                                            "kind": "mini_program"})).json()["code"]
        answer = (await self.call("login", "POST", "/api/v1/auth/mini-program/login", json={"code": code})).json()
        self.http.headers["Authorization"] = f"Bearer {answer['token']}"

    async def verify_identity(self) -> None:
        """Declare name, ID and phone, then pass a face verification against the ID photo."""
        await self.call("identity", "PUT", "/api/v1/me/identity", json={
            "name": self.person.name, "id_number": self.person.id_number, "phone": self.person.phone})
        result = await self.verify_face("login")
        if not result["passed"]:
            raise RuntimeError(f"face verification of {self.person.name} unexpectedly failed")

    async def verify_face(self, purpose: str, *, impostor: bool = False) -> dict[str, Any]:
        """Take a face picture (another person's when `impostor`) and send it for verification."""
        image = other_person_face() if impostor else face_image_for(self.person.id_number)
        response = await self.call("face", "POST", "/api/v1/me/face-verifications", json={
            "image_base64": base64.b64encode(image).decode(), "purpose": purpose})
        return response.json()

    async def grant_consent(self, institution_id: str) -> str:
        """Accept the lookup consent agreement for the bank; return the consent id."""
        response = await self.call("consent", "POST", "/api/v1/consents", json={
            "institution_id": institution_id, "purpose": "办理个人住房贷款抵押登记", "valid_days": 30})
        return response.json()["id"]

    async def preview(self, application_id: str) -> int:
        """Open each document's first page image, as the preview screen does; return the pages seen."""
        documents = (await self.call("documents", "GET", f"/api/v1/applications/{application_id}/documents")).json()
        seen = 0
        for document in documents["items"]:
            path = f"/api/v1/applications/{application_id}/documents/{document['kind']}/pages/1"
            page = await self.call("preview", "GET", path)
            if page.content.startswith(b"\x89PNG"):
                seen += 1
        return seen

    async def sign(self, application_id: str, *, impostor: bool = False) -> httpx.Response:
        """Verify the face again and sign with a handwritten signature drawn on the pad.

        With `impostor`, someone else faces the camera, so the platform must refuse the signature.
        """
        await self.verify_face("signing", impostor=impostor)
        return await self.http.post(f"/api/v1/applications/{application_id}/signatures",
                                    json={"signature_image": handwritten_signature(self.person.name)})

    async def submit(self, application_id: str) -> httpx.Response:
        return await self.http.post(f"/api/v1/applications/{application_id}/submit")

    async def status(self, application_id: str) -> dict[str, Any]:
        return (await self.call("status", "GET", f"/api/v1/applications/{application_id}")).json()

    async def wait_for_outcome(self, application_id: str, *, timeout: float = 120.0) -> dict[str, Any]:
        """Poll the status API, as the progress screen does, until the application stops moving."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            status = await self.status(application_id)
            if status["state"] in TERMINAL_STATES or asyncio.get_running_loop().time() > deadline:
                return status
            await asyncio.sleep(0.1)

    async def download(self, application_id: str, kind: str) -> bytes:
        response = await self.call("download", "GET", f"/api/v1/applications/{application_id}/documents/{kind}/pdf")
        return response.content


def handwritten_signature(name: str) -> str:
    """Draw a pen-stroke signature as the signature pad would send it, a base64 PNG."""
    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    seed = sum(ord(ch) for ch in name)
    points = [(20 + i * 16, 60 + ((seed * (i + 3)) % 50) - 25) for i in range(20)]
    pen.line(points, fill=(10, 10, 60, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()
