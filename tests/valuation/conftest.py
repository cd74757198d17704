"""Fixtures of the valuation tests: a model trained on synthetic listings, and that model installed."""

import pytest
from valuation_synthetic import make_rows, to_listing

from mortgage_cloud.valuation import store
from mortgage_cloud.valuation.model import ValuationModel


@pytest.fixture(scope="session")
def synthetic_model() -> ValuationModel:
    """A model trained on 1,500 synthetic listings."""
    return ValuationModel.fit([to_listing(row) for row in make_rows(1500, seed=1)])


@pytest.fixture(scope="session")
def installed_model(runtime, synthetic_model: ValuationModel) -> ValuationModel:
    """The synthetic model saved as the deployment's current model."""
    store.save(synthetic_model, runtime.settings.data_dir / "valuation")
    return synthetic_model
