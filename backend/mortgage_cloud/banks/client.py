"""An async Python client for the signed bank API: signs requests, checks the platform's response signatures.

    async with BankClient("https://mortgage.example.cn", institution_id=..., serial_no=...,
                          private_key_pem=..., algorithm="ecdsa-p256-sha256") as bank:
        profile = await bank.get("/bank/v1/institution")
"""

import base64
import json
import logging
import time
import uuid
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from mortgage_cloud.banks.models import SignatureAlgorithm
from mortgage_cloud.banks.signature import OFFICER_HEADER, response_signing_message, sign_request

log = logging.getLogger(__name__)

CERTIFICATES_PATH = "/bank/v1/platform-certificates"


class BankApiError(Exception):
    """An error response of the bank API, or a response that failed the client's checks."""

    def __init__(self, code: str, message: str, status: int, context: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.context = context or {}


class ResponseSignatureInvalid(BankApiError):
    """A response whose `Mc-*` signature is missing, stale, from an unknown certificate or wrong."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__("RESPONSE_SIGNATURE_INVALID", f"平台响应签名校验失败：{reason}", status)


class BankClient:
    """A signed-request client for one institution's certificate."""

    def __init__(
        self,
        base_url: str,
        *,
        institution_id: str,
        serial_no: str,
        private_key_pem: str,
        algorithm: str,
        platform_certificates: list[str] | None = None,
        platform_ca_pem: str | None = None,
        officer_id: str | None = None,
        response_window_seconds: int = 300,
        timeout: float = 10.0,
    ) -> None:
        self.institution_id = str(institution_id)
        self.serial_no = serial_no
        self.algorithm = SignatureAlgorithm(algorithm)
        self.officer_id = officer_id
        self.response_window_seconds = response_window_seconds
        self._private_key_pem = private_key_pem
        self._pinned = platform_certificates is not None
        self._platform_ca = x509.load_pem_x509_certificate(platform_ca_pem.encode()) if platform_ca_pem else None
        self._platform_keys: dict[str, ec.EllipticCurvePublicKey] = {}
        for certificate_pem in platform_certificates or []:
            self._trust(x509.load_pem_x509_certificate(certificate_pem.encode()))
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    def __repr__(self) -> str:
        return f"BankClient(institution_id={self.institution_id!r}, serial_no={self.serial_no!r})"

    async def __aenter__(self) -> "BankClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def get(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        """Send a signed GET and return the decoded JSON response."""
        response = await self.send("GET", path, params=params)
        return response.json()

    async def post(self, path: str, body: Any = None, *, idempotency_key: str | None = None) -> Any:
        """Send a signed POST with a JSON body and return the decoded JSON response.

        Pass the same `idempotency_key` to retry safely.
        """
        response = await self.send("POST", path, json_body=body, idempotency_key=idempotency_key)
        return response.json()

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Sign and send a request, check the response signature, and raise BankApiError on an error response."""
        method = method.upper()
        content = b"" if json_body is None else json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"} if content else {}
        if method == "POST":
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        if self.officer_id:
            headers[OFFICER_HEADER] = str(self.officer_id)

        request = self._http.build_request(method, path, params=params, content=content, headers=headers)
        request.headers["Authorization"] = sign_request(
            method=method,
            path_with_query=request.url.raw_path.decode("ascii"),
            body=content,
            institution_id=self.institution_id,
            serial_no=self.serial_no,
            private_key_pem=self._private_key_pem,
            algorithm=self.algorithm,
            officer_id=headers.get(OFFICER_HEADER),
        )
        response = await self._http.send(request)
        await self.verify_response(response)
        _raise_for_error(response)
        return response

    async def list_officers(self, *, page: int = 1, page_size: int = 20, status: str | None = None) -> Any:
        """Return one page of the institution's officers."""
        params: dict[str, Any] = {"page": page, "page_size": page_size}
        if status is not None:
            params["status"] = status
        return await self.get("/bank/v1/officers", params=params)

    async def create_officer(self, *, name: str, role: str = "loan_officer", phone: str | None = None,
                             idempotency_key: str | None = None) -> Any:
        """Register an officer and return it with its id, which requests then send as `Mc-Officer-Id`."""
        body: dict[str, Any] = {"name": name, "role": role}
        if phone is not None:
            body["phone"] = phone
        return await self.post("/bank/v1/officers", body, idempotency_key=idempotency_key)

    async def get_officer(self, officer_id: str) -> Any:
        """Return one officer of the institution."""
        return await self.get(f"/bank/v1/officers/{officer_id}")

    async def change_officer_role(self, officer_id: str, role: str, *, idempotency_key: str | None = None) -> Any:
        """Give an officer another role: loan_officer, supervisor or read_only."""
        return await self.post(f"/bank/v1/officers/{officer_id}/role", {"role": role}, idempotency_key=idempotency_key)

    async def change_officer_phone(self, officer_id: str, phone: str | None, *,
                                   idempotency_key: str | None = None) -> Any:
        """Replace an officer's phone number, or clear it with None. The officer's console sessions end."""
        return await self.post(f"/bank/v1/officers/{officer_id}/phone", {"phone": phone},
                               idempotency_key=idempotency_key)

    async def disable_officer(self, officer_id: str, *, idempotency_key: str | None = None) -> Any:
        """Disable an officer, whose requests are rejected from then on."""
        return await self.post(f"/bank/v1/officers/{officer_id}/disable", idempotency_key=idempotency_key)

    async def enable_officer(self, officer_id: str, *, idempotency_key: str | None = None) -> Any:
        """Enable a disabled officer again."""
        return await self.post(f"/bank/v1/officers/{officer_id}/enable", idempotency_key=idempotency_key)

    async def list_certificates(self) -> Any:
        """Return the institution's API certificates, revoked ones included."""
        return await self.get("/bank/v1/certificates")

    async def rotate_certificate(self, *, algorithm: str = "ecdsa-p256-sha256", csr_pem: str | None = None,
                                 public_key_pem: str | None = None, idempotency_key: str | None = None) -> Any:
        """Add a certificate from a CSR or public key, or for a generated key returned once in `private_key_pem`."""
        body: dict[str, Any] = {"algorithm": algorithm}
        if csr_pem is not None:
            body["csr_pem"] = csr_pem
        if public_key_pem is not None:
            body["public_key_pem"] = public_key_pem
        return await self.post("/bank/v1/certificates", body, idempotency_key=idempotency_key)

    async def revoke_certificate(self, serial_no: str, *, reason: str, idempotency_key: str | None = None) -> Any:
        """Revoke one of the institution's certificates with an RFC 5280 reason such as key_compromise."""
        return await self.post(f"/bank/v1/certificates/{serial_no}/revoke", {"reason": reason},
                               idempotency_key=idempotency_key)

    async def open_kiosk_session(self, *, device_id: str, borrower_name: str, id_number: str,
                                 phone: str | None = None, valid_minutes: int | None = None,
                                 idempotency_key: str | None = None) -> Any:
        """Open a kiosk session for a branch device and a borrower; the response's `token` goes to the device.

        A retry with the same `idempotency_key` returns the session with `token` null, because the
        platform keeps only the token's hash.
        """
        body: dict[str, Any] = {"device_id": device_id, "borrower_name": borrower_name, "id_number": id_number}
        if phone is not None:
            body["phone"] = phone
        if valid_minutes is not None:
            body["valid_minutes"] = valid_minutes
        return await self.post("/bank/v1/kiosk-sessions", body, idempotency_key=idempotency_key)

    async def kiosk_session(self, session_id: str) -> Any:
        """Return a kiosk session with its status and evidence list."""
        return await self.get(f"/bank/v1/kiosk-sessions/{session_id}")

    async def bind_kiosk_session(self, session_id: str, application_id: str, *,
                                 idempotency_key: str | None = None) -> Any:
        """Bind a kiosk session to the application its borrower is to sign on the device."""
        return await self.post(f"/bank/v1/kiosk-sessions/{session_id}/application",
                               {"application_id": application_id}, idempotency_key=idempotency_key)

    async def close_kiosk_session(self, session_id: str, *, idempotency_key: str | None = None) -> Any:
        """Close a kiosk session, so that its token stops working."""
        return await self.post(f"/bank/v1/kiosk-sessions/{session_id}/close", idempotency_key=idempotency_key)

    async def verify_response(self, response: httpx.Response, *, refresh: bool = True) -> None:
        """Check the platform's `Mc-*` signature over the response body; raise ResponseSignatureInvalid.

        With `refresh`, an unknown serial number makes the client download the platform's certificates
        once, unless certificates were pinned.
        """
        headers = response.headers
        missing = [name for name in ("Mc-Timestamp", "Mc-Nonce", "Mc-Serial", "Mc-Signature") if name not in headers]
        if missing:
            raise ResponseSignatureInvalid(f"缺少响应头 {', '.join(missing)}", response.status_code)
        try:
            timestamp = int(headers["Mc-Timestamp"])
            signature = base64.b64decode(headers["Mc-Signature"], validate=True)
        except ValueError:
            raise ResponseSignatureInvalid("Mc-Timestamp 或 Mc-Signature 格式有误", response.status_code) from None
        if abs(time.time() - timestamp) > self.response_window_seconds:
            raise ResponseSignatureInvalid("响应时间戳超出允许范围", response.status_code)

        public_key = await self._platform_key(headers["Mc-Serial"].lower(), response, refresh=refresh)
        message = response_signing_message(timestamp=timestamp, nonce=headers["Mc-Nonce"], body=response.content)
        try:
            public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            log.warning("bank API response signature invalid", extra={"serial_no": headers["Mc-Serial"]})
            raise ResponseSignatureInvalid("签名与响应内容不符", response.status_code) from None

    async def platform_certificates(self) -> list[dict[str, Any]]:
        """Download the platform's response-signing certificates and trust them.

        Pinned certificates without a pinned CA stay the only ones trusted. NOTE: with neither
        `platform_certificates` nor `platform_ca_pem`, the client trusts whatever the server sends
        the first time; pin one of them in production.
        """
        response = await self._http.get(CERTIFICATES_PATH)
        _raise_for_error(response)
        listed = response.json()["certificates"]
        if self._platform_ca is not None or not self._pinned:
            for item in listed:
                self._trust(x509.load_pem_x509_certificate(item["certificate_pem"].encode()))
        await self.verify_response(response, refresh=False)
        return listed

    async def _platform_key(self, serial_no: str, response: httpx.Response, *, refresh: bool) -> ec.EllipticCurvePublicKey:
        if serial_no not in self._platform_keys and refresh and (self._platform_ca is not None or not self._pinned):
            await self.platform_certificates()
        key = self._platform_keys.get(serial_no)
        if key is None:
            raise ResponseSignatureInvalid(f"未知的平台证书序列号 {serial_no[:64]}", response.status_code)
        return key

    def _trust(self, certificate: x509.Certificate) -> None:
        if self._platform_ca is not None:
            try:
                certificate.verify_directly_issued_by(self._platform_ca)
            except (ValueError, TypeError, InvalidSignature):
                raise ResponseSignatureInvalid("平台证书不是由所配置的平台根证书签发", 0) from None
        public_key = certificate.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise ResponseSignatureInvalid("平台证书的密钥不是 EC 密钥", 0)
        self._platform_keys[format(certificate.serial_number, "x")] = public_key


def _raise_for_error(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        log.info("bank API error response is not JSON", extra={"status": response.status_code})
        body = {}
    if not isinstance(body, dict):
        body = {}
    raise BankApiError(
        str(body.get("code", "HTTP_ERROR")),
        str(body.get("message", response.reason_phrase)),
        response.status_code,
        body.get("context") if isinstance(body.get("context"), dict) else None,
    )
