"""The learned valuation model: gradient boosting on location encodings and structure, blended with comparables.

`fit` also runs a K-fold cross-validation on the training listings only. From its out-of-fold
predictions it picks the comparables' blend weights and the residual quantiles that make each
confidence grade's 80% interval. Comparables of sibling communities (other phases or zones of the
subject's estate, or names with a long shared prefix) get their own blend weight, because the
model is less accurate for a community it never saw.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from mortgage_cloud.valuation.comparables import (
    Adjustments,
    Comparable,
    ComparablesEstimate,
    ComparablesIndex,
    fit_adjustments,
)
from mortgage_cloud.valuation.forest import FlatForest
from mortgage_cloud.valuation.features import Subject, estate_of, structural_features, subject_of
from mortgage_cloud.valuation.sources import Listing

FOLDS = 5
COMMUNITY_SMOOTHING = 3.0  # pseudo-listings pulling a community's mean towards its district's
DISTRICT_SMOOTHING = 20.0
BLEND_PRIORS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
INTERVAL_QUANTILES = (0.10, 0.90)
MIN_BUCKET = 30  # fewer out-of-fold residuals than this in a grade and the grade borrows the pooled quantiles
GRADES = ("A", "B", "C", "D")
COMMUNITY, SIBLING = "community", "sibling"  # blend prior groups: comparables of the subject's community, or of siblings
MIN_SIBLING_ROWS = 20  # fewer out-of-fold rows with sibling comparables and they share the community prior
SIBLING_ERROR_CAP = 0.5  # absolute percentage error at which a sibling row stops counting more


@dataclass(frozen=True)
class Prediction:
    """The model's result for one subject: unit price, 80% interval, confidence grade, method and comparables."""

    method: str  # comparables, model or blend
    unit_price: float
    low_unit_price: float
    high_unit_price: float
    grade: str
    comparables_weight: float
    model_unit_price: float
    comparables_unit_price: float | None
    comparables: list[Comparable] = field(default_factory=list)
    comparables_source: str | None = None  # community, sibling_estate or sibling_prefix, None without comparables

    @property
    def basis(self) -> str:
        """Return the method with its comparables' source: sibling_comparables or sibling_blend for sibling communities."""
        if self.comparables_source in (None, "community") or self.method == "model":
            return self.method
        return f"sibling_{self.method}"


@dataclass
class _Core:
    adjustments: Adjustments
    index: ComparablesIndex
    community_stats: dict[str, tuple[float, int]]
    district_stats: dict[str, float]
    city_mean: float
    forest: FlatForest
    columns: np.ndarray  # mask of the feature columns the booster was fitted on


class ValuationModel:
    """A fitted valuation model with its comparables index; build it with `ValuationModel.fit`."""

    sibling_blend_prior: float | None = None  # None in model files saved before sibling comparables had their own weight

    def __init__(self, *, core: _Core, blend_prior: float, quantiles: dict[str, tuple[float, float]], version: str,
                 trained_on: int, cv_metrics: dict[str, float], sibling_blend_prior: float | None = None) -> None:
        self.core = core
        self.blend_prior = blend_prior
        self.sibling_blend_prior = sibling_blend_prior
        self.quantiles = quantiles
        self.version = version
        self.trained_on = trained_on
        self.cv_metrics = cv_metrics

    @classmethod
    def fit(cls, listings: list[Listing], *, seed: int = 0, fold_salt: str = "") -> "ValuationModel":
        """Train on the listings, calibrate blend and intervals by cross-validation, and return the model.

        `fold_salt` changes which listings share a cross-validation fold, so repeated runs with other
        salts show how much the cross-validated scores move with the split alone.
        """
        if len(listings) < 50:
            raise ValueError(f"need at least 50 listings to train, got {len(listings)}")

        folds = _fold_of(listings, salt=fold_salt)
        out_of_fold = []
        for fold in range(FOLDS):
            train = [item for item, number in zip(listings, folds, strict=True) if number != fold]
            core = _fit_core(train, seed=seed)
            for item, number in zip(listings, folds, strict=True):
                if number == fold:
                    known = f"community:{item.community}" in core.community_stats
                    out_of_fold.append((item, _predict_core(core, subject_of(item)), known))

        priors = _choose_blend_priors(out_of_fold)
        quantiles, cv_metrics = _calibrate(out_of_fold, priors)
        return cls(
            core=_fit_core(listings, seed=seed),
            blend_prior=priors[COMMUNITY],
            sibling_blend_prior=priors[SIBLING],
            quantiles=quantiles,
            version=_version(listings),
            trained_on=len(listings),
            cv_metrics=cv_metrics,
        )

    def predict(self, subject: Subject) -> Prediction:
        """Estimate the subject's unit price with its 80% interval and confidence grade."""
        model_log, comparables = _predict_core(self.core, subject)
        weight = _blend_weight(comparables, self.blend_priors())
        centre = model_log if comparables is None else (1 - weight) * model_log + weight * comparables.log_unit_price
        grade = _grade(comparables, f"community:{subject.community}" in self.core.community_stats)
        low, high = self.quantiles[grade]
        return Prediction(
            method=_method(weight),
            unit_price=math.exp(centre),
            low_unit_price=math.exp(centre + low),
            high_unit_price=math.exp(centre + high),
            grade=grade,
            comparables_weight=weight,
            model_unit_price=math.exp(model_log),
            comparables_unit_price=math.exp(comparables.log_unit_price) if comparables else None,
            comparables=comparables.comparables if comparables else [],
            comparables_source=_source(comparables),
        )

    def blend_priors(self) -> dict[str, float]:
        """Return the blend prior of community comparables and of sibling comparables."""
        sibling = self.blend_prior if self.sibling_blend_prior is None else self.sibling_blend_prior
        return {COMMUNITY: self.blend_prior, SIBLING: sibling}

    def community_prices(self, community: str) -> list[float]:
        """Return the unit prices of the community's training listings (for the report's chart)."""
        return self.core.index.community_prices(community)


def _fold_of(listings: list[Listing], *, salt: str = "") -> list[int]:
    # Folds by a hash of the listing id keep a listing's duplicates together and make the split repeatable.
    return [int(hashlib.sha256((salt + item.source_listing_id).encode()).hexdigest(), 16) % FOLDS for item in listings]


def _fit_core(listings: list[Listing], *, seed: int) -> _Core:
    adjustments = fit_adjustments(listings)
    logs = np.log([item.unit_price for item in listings])
    city_mean = float(logs.mean())
    district_stats = _district_means(listings, logs, city_mean)

    # Training rows get out-of-fold location means, so no row's encoding contains its own price.
    inner = np.array(_fold_of(listings)) if len(listings) >= FOLDS * 10 else np.zeros(len(listings), dtype=int)
    encoded = np.empty((len(listings), 7))
    for fold in np.unique(inner):
        held = inner == fold
        rest = [item for item, keep in zip(listings, ~held, strict=True) if keep]
        stats = _community_means(rest, logs[~held])
        for row in np.flatnonzero(held):
            encoded[row] = _location_features(listings[row].community, listings[row].district, stats, district_stats, city_mean)

    structure = np.array([structural_features(subject_of(item), reference_year=adjustments.reference_year) for item in listings])
    booster = HistGradientBoostingRegressor(
        max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=10, l2_regularization=0.1, random_state=seed
    )
    features = np.hstack([encoded, structure])
    # Columns with no known value at all (a file shape without that field) are left out, because the binner rejects them.
    columns = ~np.all(np.isnan(features), axis=0)
    with threadpool_limits(limits=1, user_api="openmp"):
        booster.fit(features[:, columns], logs)
    return _Core(
        adjustments=adjustments,
        index=ComparablesIndex(listings),
        community_stats=_community_means(listings, logs),
        district_stats=district_stats,
        city_mean=city_mean,
        forest=FlatForest(booster),
        columns=columns,
    )


def _group_keys(community: str, district: str) -> dict[str, str]:
    return {"community": community, "estate": estate_of(community), "prefix": district + ":" + community[:3]}


def _community_means(listings: list[Listing], logs: np.ndarray) -> dict[str, tuple[float, int]]:
    """Return (mean log unit price, count) per community, estate and name prefix, keyed `level:name`."""
    sums: dict[str, list[float]] = {}
    for item, value in zip(listings, logs, strict=True):
        for level, key in _group_keys(item.community, item.district).items():
            total = sums.setdefault(f"{level}:{key}", [0.0, 0])
            total[0] += value
            total[1] += 1
    return {name: (total / count, count) for name, (total, count) in sums.items()}


def _district_means(listings: list[Listing], logs: np.ndarray, city_mean: float) -> dict[str, float]:
    sums: dict[str, list[float]] = {}
    for item, value in zip(listings, logs, strict=True):
        total = sums.setdefault(item.district, [0.0, 0])
        total[0] += value
        total[1] += 1
    return {name: (total + DISTRICT_SMOOTHING * city_mean) / (count + DISTRICT_SMOOTHING) for name, (total, count) in sums.items()}


def _location_features(community: str, district: str, community_stats, district_stats, city_mean) -> list[float]:
    # Each level's mean shrinks towards the next coarser one: district, name prefix, estate, community.
    keys = _group_keys(community, district)
    smoothed = district_stats.get(district, city_mean)
    features = [smoothed]
    for level in ("prefix", "estate", "community"):
        mean, count = community_stats.get(f"{level}:{keys[level]}", (smoothed, 0))
        smoothed = (mean * count + COMMUNITY_SMOOTHING * smoothed) / (count + COMMUNITY_SMOOTHING)
        features += [smoothed, float(count)]
    return features


def _predict_core(core: _Core, subject: Subject) -> tuple[float, ComparablesEstimate | None]:
    location = _location_features(subject.community, subject.district, core.community_stats, core.district_stats, core.city_mean)
    structure = structural_features(subject, reference_year=core.adjustments.reference_year)
    features = np.array(location + structure)[core.columns]
    model_log = core.forest.predict_one(features)
    return model_log, core.index.estimate(subject, core.adjustments)


def _blend_weight(comparables: ComparablesEstimate | None, priors: dict[str, float]) -> float:
    if comparables is None:
        return 0.0
    strength = sum(item.weight for item in comparables.comparables)
    return strength / (strength + priors[_prior_group(comparables)])


def _prior_group(comparables: ComparablesEstimate | None) -> str:
    return COMMUNITY if comparables is None or comparables.level == "community" else SIBLING


def _source(comparables: ComparablesEstimate | None) -> str | None:
    if comparables is None:
        return None
    return "community" if comparables.level == "community" else f"sibling_{comparables.level}"


def _method(weight: float) -> str:
    if weight == 0.0:
        return "model"
    if weight >= 0.75:
        return "comparables"
    return "blend"


def _grade(comparables: ComparablesEstimate | None, community_known: bool) -> str:
    if comparables is not None and comparables.level != "community":
        return "C"
    if comparables is not None and len(comparables.comparables) >= 4 and comparables.spread <= 0.06:
        return "A"
    if comparables is not None and len(comparables.comparables) >= 2:
        return "B"
    if comparables is not None or community_known:
        return "C"
    return "D"


def _blended_logs(out_of_fold, priors: dict[str, float]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    predicted, actual, grades = [], [], []
    for item, (model_log, comparables), community_known in out_of_fold:
        weight = _blend_weight(comparables, priors)
        centre = model_log if comparables is None else (1 - weight) * model_log + weight * comparables.log_unit_price
        predicted.append(centre)
        actual.append(math.log(item.unit_price))
        grades.append(_grade(comparables, community_known))
    return np.array(predicted), np.array(actual), grades


def _choose_blend_priors(out_of_fold) -> dict[str, float]:
    """Pick the community prior by the median error of all listings, then the sibling prior on the sibling rows alone.

    The sibling rows are few (about 4% of the listings on the Changsha file), and their median
    jumped between fold salts. So their prior minimises the mean error capped at `SIBLING_ERROR_CAP`,
    which one wrong sibling cannot dominate. Without enough sibling rows the sibling prior is the
    community prior.
    """
    def errors(rows, priors: dict[str, float]) -> np.ndarray:
        predicted, actual, _ = _blended_logs(rows, priors)
        return np.abs(np.exp(predicted - actual) - 1)

    community = min(BLEND_PRIORS, key=lambda prior: float(np.median(errors(out_of_fold, {COMMUNITY: prior, SIBLING: prior}))))
    sibling_rows = [row for row in out_of_fold if _prior_group(row[1][1]) == SIBLING]
    if len(sibling_rows) < MIN_SIBLING_ROWS:
        return {COMMUNITY: community, SIBLING: community}

    def capped_error(prior: float) -> float:
        return float(np.mean(np.minimum(errors(sibling_rows, {COMMUNITY: community, SIBLING: prior}), SIBLING_ERROR_CAP)))

    return {COMMUNITY: community, SIBLING: min(BLEND_PRIORS, key=capped_error)}


def _calibrate(out_of_fold, priors: dict[str, float]) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    predicted, actual, grades = _blended_logs(out_of_fold, priors)
    residuals = actual - predicted
    pooled = tuple(float(value) for value in np.quantile(residuals, INTERVAL_QUANTILES))

    quantiles = {}
    for grade in GRADES:
        mine = residuals[np.array(grades) == grade]
        quantiles[grade] = tuple(float(value) for value in np.quantile(mine, INTERVAL_QUANTILES)) if len(mine) >= MIN_BUCKET else pooled
    # A grade never gets a narrower interval than a better grade, so the letters stay ordered by width.
    for better, worse in zip(GRADES, GRADES[1:]):
        low = min(quantiles[worse][0], quantiles[better][0])
        high = max(quantiles[worse][1], quantiles[better][1])
        quantiles[worse] = (low, high)

    errors = np.abs(np.exp(predicted - actual) - 1)
    unseen = np.array([not community_known for _, _, community_known in out_of_fold])
    metrics = {
        "median_ape": float(np.median(errors)),
        "within_10": float(np.mean(errors <= 0.10)),
        "within_20": float(np.mean(errors <= 0.20)),
        "listings": float(len(errors)),
        "unseen_share": float(np.mean(unseen)),
        **_group_metrics("seen", errors[~unseen]),
        **_group_metrics("unseen", errors[unseen]),
    }
    return quantiles, metrics


def _group_metrics(group: str, errors: np.ndarray) -> dict[str, float]:
    # A group without listings gets NaN scores, because an empty group has no median.
    if len(errors) == 0:
        return {f"{group}_median_ape": math.nan, f"{group}_within_10": math.nan}
    return {f"{group}_median_ape": float(np.median(errors)), f"{group}_within_10": float(np.mean(errors <= 0.10))}


def _version(listings: list[Listing]) -> str:
    digest = hashlib.sha256()
    for item in sorted(listings, key=lambda listing: listing.source_listing_id):
        digest.update(f"{item.source_listing_id}:{item.unit_price}:{item.listing_date};".encode())
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + digest.hexdigest()[:8]
