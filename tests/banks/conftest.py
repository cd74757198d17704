"""Fixtures for the bank API tests: institutions onboarded through the real service, and signed headers."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from factories import random_uscc

from mortgage_cloud.banks.client import BankClient
from mortgage_cloud.banks.models import SignatureAlgorithm
from mortgage_cloud.banks.service import onboard_institution
from mortgage_cloud.banks.signature import OFFICER_HEADER, sign_request
from mortgage_cloud.infra.runtime import Runtime


@dataclass
class BankCredentials:
    """What a bank keeps after onboarding: its id, certificate serial and private key."""

    institution_id: str
    serial_no: str
    private_key_pem: str
    algorithm: SignatureAlgorithm

    def headers(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        timestamp: int | None = None,
        nonce: str | None = None,
        private_key_pem: str | None = None,
        serial_no: str | None = None,
        officer_id: str | None = None,
    ) -> dict[str, str]:
        """Return an Authorization header for the request, with overrides for the attack cases.

        With `officer_id`, the signature covers it and the headers include `Mc-Officer-Id`.
        """
        authorization = sign_request(
            method=method,
            path_with_query=path,
            body=body,
            institution_id=self.institution_id,
            serial_no=serial_no or self.serial_no,
            private_key_pem=private_key_pem or self.private_key_pem,
            algorithm=self.algorithm,
            timestamp=timestamp,
            nonce=nonce,
            officer_id=officer_id,
        )
        if officer_id is None:
            return {"Authorization": authorization}
        return {"Authorization": authorization, OFFICER_HEADER: officer_id}

    def client(self, base_url: str, **options) -> BankClient:
        return BankClient(
            base_url,
            institution_id=self.institution_id,
            serial_no=self.serial_no,
            private_key_pem=self.private_key_pem,
            algorithm=self.algorithm,
            **options,
        )


Onboard = Callable[..., Awaitable[BankCredentials]]


@pytest.fixture
def onboard(runtime: Runtime) -> Onboard:
    """Onboard a new institution with a platform-generated key of the given algorithm."""

    async def create(algorithm: SignatureAlgorithm = SignatureAlgorithm.ECDSA_P256_SHA256, **options) -> BankCredentials:
        result = await onboard_institution(
            name=options.pop("name", "长沙测试银行股份有限公司"),
            uscc=options.pop("uscc", None) or random_uscc(),
            kind=options.pop("kind", "bank"),
            algorithm=algorithm,
            **options,
        )
        return BankCredentials(
            institution_id=str(result.institution.id),
            serial_no=result.serial_no,
            private_key_pem=result.private_key_pem,
            algorithm=SignatureAlgorithm(algorithm),
        )

    return create


@pytest.fixture
async def bank(onboard: Onboard) -> BankCredentials:
    return await onboard()
