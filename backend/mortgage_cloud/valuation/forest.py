"""Single-row prediction for a fitted HistGradientBoostingRegressor, walking all trees at once in NumPy.

scikit-learn's own `predict` starts an OpenMP team for every call, which costs milliseconds per row
and far more when other processes load the CPU. A valuation predicts one row at a time, so the
trees are copied into flat arrays once and walked level by level for every tree together.
"""

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor


class FlatForest:
    """The trees of a fitted regressor (numerical features only) as padded node arrays."""

    def __init__(self, booster: HistGradientBoostingRegressor) -> None:
        # NOTE: reads the private `_predictors` and `_baseline_prediction` of scikit-learn 1.9.1; a test checks it against `predict`.
        trees = [predictors[0].nodes for predictors in booster._predictors]
        width = max(len(nodes) for nodes in trees)
        shape = (len(trees), width)

        self.feature = np.zeros(shape, dtype=np.intp)
        self.threshold = np.zeros(shape)
        self.missing_left = np.zeros(shape, dtype=bool)
        self.left = np.zeros(shape, dtype=np.intp)
        self.right = np.zeros(shape, dtype=np.intp)
        self.is_leaf = np.ones(shape, dtype=bool)
        self.value = np.zeros(shape)
        for index, nodes in enumerate(trees):
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not supported")
            count = len(nodes)
            self.feature[index, :count] = nodes["feature_idx"]
            self.threshold[index, :count] = nodes["num_threshold"]
            self.missing_left[index, :count] = nodes["missing_go_to_left"].astype(bool)
            self.left[index, :count] = nodes["left"]
            self.right[index, :count] = nodes["right"]
            self.is_leaf[index, :count] = nodes["is_leaf"].astype(bool)
            self.value[index, :count] = nodes["value"]

        self.depth = max(int(nodes["depth"].max()) for nodes in trees)
        self.baseline = float(np.ravel(booster._baseline_prediction)[0])
        self.rows = np.arange(len(trees))

    def predict_one(self, features: np.ndarray) -> float:
        """Return the regressor's prediction for one row of features."""
        node = np.zeros(len(self.rows), dtype=np.intp)
        for _ in range(self.depth):
            values = features[self.feature[self.rows, node]]
            go_left = np.where(np.isnan(values), self.missing_left[self.rows, node], values <= self.threshold[self.rows, node])
            child = np.where(go_left, self.left[self.rows, node], self.right[self.rows, node])
            at_leaf = self.is_leaf[self.rows, node]
            if at_leaf.all():
                break
            node = np.where(at_leaf, node, child)
        return self.baseline + float(self.value[self.rows, node].sum())
