"""Accuracy of the valuation model and of two median baselines on a test file, trained on other files only."""

import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mortgage_cloud.valuation.features import subject_of
from mortgage_cloud.valuation.model import ValuationModel
from mortgage_cloud.valuation.sources import Listing, read_file


@dataclass(frozen=True)
class Scores:
    """Accuracy on the total value: median absolute percentage error, hit rates and interval coverage."""

    name: str
    listings: int
    median_ape: float
    within_10: float
    within_20: float
    coverage_80: float | None = None

    def line(self) -> str:
        """Return the scores as one `key=value` line."""
        coverage = "n/a" if self.coverage_80 is None else f"{self.coverage_80:.4f}"
        return f"median_ape={self.median_ape:.4f} within_10={self.within_10:.4f} within_20={self.within_20:.4f} coverage_80={coverage}"


def load_listings(paths: list[Path], *, city: str | None = None) -> list[Listing]:
    """Read and merge listing files; a later file's listing replaces an earlier one with the same id."""
    merged: dict[str, Listing] = {}
    for path in paths:
        for item in read_file(path, city=city).listings:
            merged[item.source_listing_id] = item
    return list(merged.values())


def score(name: str, predicted: list[float], actual: list[float], intervals: list[tuple[float, float]] | None = None) -> Scores:
    """Score predicted totals against actual totals."""
    predicted_array, actual_array = np.array(predicted), np.array(actual)
    errors = np.abs(predicted_array / actual_array - 1)
    coverage = None
    if intervals is not None:
        coverage = float(np.mean([low <= value <= high for (low, high), value in zip(intervals, actual, strict=True)]))
    return Scores(
        name=name,
        listings=len(actual),
        median_ape=float(np.median(errors)),
        within_10=float(np.mean(errors <= 0.10)),
        within_20=float(np.mean(errors <= 0.20)),
        coverage_80=coverage,
    )


def evaluate(train: list[Listing], test: list[Listing], *, model: ValuationModel | None = None) -> list[Scores]:
    """Train on `train` (unless a model is given) and return the baselines' and then the model's scores on `test`.

    The baselines need the training listings, so with an empty `train` only the model's scores are returned.
    """
    test = _drop_training_ids(train, test)
    model = model or ValuationModel.fit(train)
    actual = [item.total_price for item in test]

    model_scores = _model_scores("model", model, test)
    if not train:
        return [model_scores]

    community = _median_baseline(train, test, key=lambda item: item.community)
    district = _median_baseline(train, test, key=lambda item: item.district)
    return [score("community median", community, actual), score("district median", district, actual), model_scores]


def score_by_community(train: list[Listing], test: list[Listing], *, model: ValuationModel) -> list[Scores]:
    """Score the model separately on test listings whose community has training listings and on the others.

    A group without test listings is left out of the result.
    """
    test = _drop_training_ids(train, test)
    communities = {item.community for item in train}
    groups = [
        ("model, community in training", [item for item in test if item.community in communities]),
        ("model, community not in training", [item for item in test if item.community not in communities]),
    ]
    return [_model_scores(name, model, listings) for name, listings in groups if listings]


def score_by_basis(train: list[Listing], test: list[Listing], *, model: ValuationModel) -> list[Scores]:
    """Score the model separately per basis of its estimates (comparables, blend, model, sibling_comparables, ...)."""
    test = _drop_training_ids(train, test)
    groups: dict[str, list[Listing]] = {}
    for item in test:
        groups.setdefault(model.predict(subject_of(item)).basis, []).append(item)
    return [_model_scores(f"model, basis {name}", model, listings) for name, listings in sorted(groups.items())]


def _drop_training_ids(train: list[Listing], test: list[Listing]) -> list[Listing]:
    train_ids = {item.source_listing_id for item in train}
    return [item for item in test if item.source_listing_id not in train_ids]


def _model_scores(name: str, model: ValuationModel, test: list[Listing]) -> Scores:
    predictions = [model.predict(subject_of(item)) for item in test]
    totals = [prediction.unit_price * item.area for prediction, item in zip(predictions, test, strict=True)]
    intervals = [(p.low_unit_price * item.area, p.high_unit_price * item.area) for p, item in zip(predictions, test, strict=True)]
    return score(name, totals, [item.total_price for item in test], intervals)


def _median_baseline(train: list[Listing], test: list[Listing], *, key) -> list[float]:
    groups: dict[str, list[float]] = {}
    for item in train:
        groups.setdefault(key(item), []).append(item.unit_price)
    district_prices: dict[str, list[float]] = {}
    for item in train:
        district_prices.setdefault(item.district, []).append(item.unit_price)
    city_median = statistics.median(item.unit_price for item in train)

    # A group absent from the training data falls back to its district's median, then to the city's.
    totals = []
    for item in test:
        prices = groups.get(key(item)) or district_prices.get(item.district)
        totals.append((statistics.median(prices) if prices else city_median) * item.area)
    return totals
