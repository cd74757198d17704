"""The flat single-row tree walk gives the same predictions as scikit-learn's own `predict`."""

import math

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from mortgage_cloud.valuation.forest import FlatForest


def test_forest_matches_sklearn_predict() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(600, 4))
    features[rng.random(features.shape) < 0.1] = np.nan
    target = np.nan_to_num(features[:, 0]) * 2 + np.nan_to_num(features[:, 1]) ** 2 + rng.normal(scale=0.1, size=600)
    booster = HistGradientBoostingRegressor(max_iter=50, random_state=0).fit(features, target)

    forest = FlatForest(booster)
    expected = booster.predict(features[:50])
    for row, value in zip(features[:50], expected, strict=True):
        assert math.isclose(forest.predict_one(row), value, rel_tol=1e-9, abs_tol=1e-9)
