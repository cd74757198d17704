import asyncio
import uuid

from mortgage_cloud.infra import pii
from mortgage_cloud.signing.ca import PlatformCA
from mortgage_cloud.signing.models import OrganisationSeal, SealOwnerKind, SealStatus, SignatureRecord
from mortgage_cloud.signing.service import institution_seal, record_signature, registry_seal, revoke_seal

BANK = "长沙银行股份有限公司岳麓支行"
USCC = "91430104MA4L2XXXXX"


async def test_registry_seal_reused(runtime, ca: PlatformCA):
    first = await registry_seal(ca)
    second = await registry_seal(ca)
    assert first.serial == second.serial


async def test_registry_seal_named_after_registry(runtime, ca: PlatformCA):
    credentials = await registry_seal(ca)
    assert runtime.settings.registry_name in credentials.certificate.subject.rfc4514_string()


async def test_institution_seal_concurrent_one_active(runtime, ca: PlatformCA):
    institution_id = uuid.uuid4()
    seals = await asyncio.gather(*[
        institution_seal(ca, institution_id=institution_id, name=BANK, uscc=USCC) for _ in range(4)
    ])
    assert len({credentials.serial for credentials in seals}) == 1
    assert await OrganisationSeal.filter(owner_id=str(institution_id)).count() == 1


async def test_institution_seal_key_encrypted_at_rest(runtime, ca: PlatformCA):
    institution_id = uuid.uuid4()
    await institution_seal(ca, institution_id=institution_id, name=BANK, uscc=USCC)
    seal = await OrganisationSeal.get(owner_id=str(institution_id))
    assert "PRIVATE KEY" not in seal.key_pem_enc
    assert pii.decrypt(seal.key_pem_enc).startswith("-----BEGIN PRIVATE KEY-----")


async def test_revoke_seal_next_use_creates_new(runtime, ca: PlatformCA):
    institution_id = uuid.uuid4()
    first = await institution_seal(ca, institution_id=institution_id, name=BANK, uscc=USCC)
    assert await revoke_seal(owner_kind=SealOwnerKind.INSTITUTION, owner_id=str(institution_id))
    second = await institution_seal(ca, institution_id=institution_id, name=BANK, uscc=USCC)
    assert second.serial != first.serial
    revoked = await OrganisationSeal.get(serial=first.serial)
    assert revoked.status == SealStatus.REVOKED


async def test_record_signature_stores_certificate(runtime, ca: PlatformCA):
    credentials = ca.issue_event_certificate(name="王建国", id_number="11010519491231002X")
    record = await record_signature(document_key="applications/x/mortgage_contract.pdf", field_name="mortgagor_0",
                                    signer_role="mortgagor", credentials=credentials, signature_image_sha256="ab" * 32)
    stored = await SignatureRecord.get(id=record.id)
    assert stored.certificate_serial == credentials.serial
    assert stored.signer_name == "王建国"
