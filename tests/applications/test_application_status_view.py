"""The status view that the mini-program and the bank read: names the bank, the property and each signer."""


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
