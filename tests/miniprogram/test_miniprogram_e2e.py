"""The mini-program's Node tests (`node --test miniprogram/tests/`) against the real app and mock WeChat.

This module prepares what a bank and the register provide: a new borrower who owns a seized unit and starts
from a first login, and a signer whose application the bank has created, generated and sealed. The
Node side then drives the borrower API through miniprogram/utils/api.js.
"""

import asyncio
import base64
import json
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from mortgage_cloud.demo.actors import BorrowerActor, Person
from mortgage_cloud.demo.cases import owners_of
from mortgage_cloud.mocks.face_images import face_image_for, other_person_face
from mortgage_cloud.registry.models import PropertyUnit

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_TIMEOUT_SECONDS = 600


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _loan_data(consent_id: str, unit_no: str) -> dict:
    start = date.today() + timedelta(days=3)
    return {
        "consent_id": consent_id, "unit_no": unit_no, "mortgage_type": "general", "secured_amount": "520000.00",
        "debt_start": start.isoformat(), "debt_end": start.replace(year=start.year + 20).isoformat(),
        "loan_contract_no": "JK-MINIPROGRAM-00000001",
    }


async def _new_borrower(unit_pool: dict[str, list[str]], signer: Person) -> tuple[Person, str]:
    """Return a seized unit's first owner and the unit, skipping the signer, because an ID binds one WeChat account."""
    while unit_pool["seized"]:
        unit_no = unit_pool["seized"].pop(0)
        person = (await owners_of(unit_no))[0]
        if person.id_number != signer.id_number:
            return person, unit_no
    pytest.fail("the seeded register has no seized unit left for the mini-program walk")


async def _prepared_application(signer: Person, unit_no: str, bank, *, server_url: str,
                                wechat_url: str) -> tuple[str, str]:
    """Log the signer in once, consent and let the bank create, generate and seal; return (unionid, application id)."""
    actor = BorrowerActor(signer, app_url=server_url, wechat_url=wechat_url)
    try:
        await actor.log_in()
        await actor.verify_identity()
        consent_id = await actor.grant_consent(bank.institution_id)
    finally:
        await actor.aclose()

    await bank.client.post("/bank/v1/property-queries", {"consent_id": consent_id})
    application = await bank.client.post("/bank/v1/applications", _loan_data(consent_id, unit_no))
    await bank.client.post(f"/bank/v1/applications/{application['id']}/documents")
    await bank.client.post(f"/bank/v1/applications/{application['id']}/seal")
    return actor.wechat_user["unionid"], application["id"]


@pytest.fixture(scope="module")
async def node_run(server_url, mock_wechat, mock_face, flow_banks, unit_pool, tmp_path_factory) -> dict:
    """Prepare the people and the application, run the Node tests once, and return their outcome."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so the mini-program's tests (node --test miniprogram/tests/) cannot run")

    bank = flow_banks[0]
    signer_unit = unit_pool["clean_single_owner"].pop(0)
    signer = (await owners_of(signer_unit))[0]
    new_borrower, new_borrower_unit = await _new_borrower(unit_pool, signer)
    unionid, application_id = await _prepared_application(signer, signer_unit, bank, server_url=server_url,
                                                          wechat_url=mock_wechat.url)
    # The register, not the application, gives the expected location, so the status view is checked against it.
    signer_location = (await PropertyUnit.get(unit_no=signer_unit)).location

    fixture = {
        "institution_id": bank.institution_id,
        "new_borrower": {
            "name": new_borrower.name, "id_number": new_borrower.id_number, "phone": new_borrower.phone,
            "seized_unit_no": new_borrower_unit, "face_base64": _b64(face_image_for(new_borrower.id_number)),
            "impostor_face_base64": _b64(other_person_face()),
        },
        "signer": {
            "name": signer.name, "unionid": unionid, "application_id": application_id,
            "face_base64": _b64(face_image_for(signer.id_number)),
            "impostor_face_base64": _b64(other_person_face()),
            "institution_name": bank.name, "location": signer_location,
        },
    }
    fixture_path = tmp_path_factory.mktemp("miniprogram") / "fixture.json"
    fixture_path.write_text(json.dumps(fixture, ensure_ascii=False))

    env = {**os.environ, "MC_API_BASE_URL": server_url, "MC_MOCK_WECHAT_URL": mock_wechat.url,
           "MC_E2E_FIXTURE": str(fixture_path)}
    # The app serves from this event loop, so Node must run as an asyncio subprocess, never a blocking one.
    process = await asyncio.create_subprocess_exec(
        node, "--test", "miniprogram/tests/", cwd=REPO_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=NODE_TIMEOUT_SECONDS)
    return {"returncode": process.returncode, "output": output.decode(errors="replace"),
            "application_id": application_id, "bank": bank}


async def test_node_tests_pass(node_run):
    assert node_run["returncode"] == 0, node_run["output"][-8000:]


async def test_node_backend_suites_not_skipped(node_run):
    assert "# SKIP" not in node_run["output"], node_run["output"][-4000:]


async def test_node_walk_reached_properties(node_run):
    assert re.search(r"^ *ok \d+ - seized property listed with reason$", node_run["output"], re.MULTILINE)


@pytest.mark.parametrize("name", [
    "consent records previewed agreement",
    "signing face check fresh after pass",
    "signing after failed face match rejected",
    "failed signing face check reason not matched",
    "application shows bank and location",
    "own signer marked by platform",
    "bank signer never marked as caller",
])
async def test_node_backend_case_passed(node_run, name):
    assert re.search(rf"^ *ok \d+ - {re.escape(name)}$", node_run["output"], re.MULTILINE), node_run["output"][-4000:]


async def test_signed_application_archived_for_bank(node_run):
    status = await node_run["bank"].client.get(f"/bank/v1/applications/{node_run['application_id']}")
    assert status["state"] == "archived", status
