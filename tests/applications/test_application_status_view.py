"""The status view that the mini-program and the bank read: names the bank, the property and each signer."""

from mortgage_cloud.applications.models import Signer
from mortgage_cloud.infra import pii


async def test_status_view_names_institution_and_location(prepare, flow_banks):
    prepared = await prepare("clean_single_owner")
    _, application, _ = prepared.drafts[0]

    status = await prepared.primary.status(application["id"])

    assert status["institution_name"] == flow_banks[0].name
    assert status["location"].startswith("长沙市")


async def test_status_view_gives_each_signer_an_id(prepare):
    prepared = await prepare("joint_owned")
    _, application, _ = prepared.drafts[0]

    status = await prepared.primary.status(application["id"])
    ids = [signer["id"] for signer in status["signers"]]

    assert all(ids)
    assert len(set(ids)) == len(ids)


async def _own_signer_id(application_id: str, actor) -> str:
    signer = await Signer.get(application_id=application_id, role="mortgagor",
                              id_hash=pii.search_hash(actor.person.id_number))
    return str(signer.id)


async def _log_in_unsigned_co_owners(prepared) -> None:
    for actor in prepared.actors:
        if "Authorization" not in actor.http.headers:
            await actor.log_in()
            await actor.verify_identity()


async def test_status_view_marks_caller_signer(prepare):
    # The co-owner has not signed, so one caller is found by borrower id and the other by ID-number hash only.
    prepared = await prepare("joint_owned", skip_co_owner=True)
    _, application, _ = prepared.drafts[0]
    await _log_in_unsigned_co_owners(prepared)
    # Both mortgagors get the same name, so only the ID number can tell them apart.
    await Signer.filter(application_id=application["id"], role="mortgagor").update(name=prepared.primary.person.name)

    for actor in prepared.actors:
        status = await actor.status(application["id"])
        marked = [signer["id"] for signer in status["signers"] if signer["is_caller"]]
        assert marked == [await _own_signer_id(application["id"], actor)], actor.person.name


async def test_status_view_list_marks_caller_signer(prepare):
    prepared = await prepare("joint_owned")
    _, application, _ = prepared.drafts[0]
    co_owner = prepared.actors[1]

    response = await co_owner.call("list", "GET", "/api/v1/applications/")
    item = next(entry for entry in response.json()["items"] if entry["id"] == application["id"])
    marked = [signer["id"] for signer in item["signers"] if signer["is_caller"]]

    assert marked == [await _own_signer_id(application["id"], co_owner)]


async def test_status_view_bank_signers_lack_caller_flag(prepare):
    prepared = await prepare("joint_owned")
    bank, application, _ = prepared.drafts[0]

    status = await bank.client.get(f"/bank/v1/applications/{application['id']}")

    assert all("is_caller" not in signer for signer in status["signers"])
