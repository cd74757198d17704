from mortgage_cloud.documents.proof import proof_font
from mortgage_cloud.pipeline.warm_up import warm_up_in_background, warm_up_proofs
from mortgage_cloud.signing import appearance

REGISTRY = "长沙市不动产登记中心"


def test_warm_up_registers_proof_font():
    proof_font.cache_clear()
    warm_up_proofs(REGISTRY)
    assert proof_font.cache_info().currsize == 1


def test_warm_up_draws_registry_seal():
    appearance._encoded_seal.cache_clear()
    warm_up_proofs(REGISTRY)
    assert appearance._encoded_seal.cache_info().currsize == 1


async def test_warm_up_failure_logged_not_raised(monkeypatch, caplog):
    def broken(_name: str) -> None:
        raise OSError("font file missing")

    monkeypatch.setattr("mortgage_cloud.pipeline.warm_up.warm_up_proofs", broken)
    await warm_up_in_background(REGISTRY)
    assert "proof warm-up failed" in caplog.text
