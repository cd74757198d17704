"""Scores split by whether a community has training listings: cross-validation with fold salts, and the test file."""

import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from valuation_synthetic import changsha_line, make_rows, to_listing, write_changsha

from mortgage_cloud.valuation.evaluate import score_by_community
from mortgage_cloud.valuation.model import FOLDS, ValuationModel, _fold_of, _group_metrics

BENCH = Path(__file__).resolve().parents[2] / "bench" / "valuation_cv.py"
SEEN_GROUP = "model, community in training"
UNSEEN_GROUP = "model, community not in training"


@pytest.fixture(scope="module")
def sparse_model() -> ValuationModel:
    """A model on 400 listings spread over 250 communities, so many communities have one listing only."""
    return ValuationModel.fit([to_listing(row) for row in make_rows(400, seed=61, communities=250)])


def test_fold_salt_repeatable() -> None:
    listings = [to_listing(row) for row in make_rows(100, seed=62)]
    assert _fold_of(listings, salt="a:") == _fold_of(listings, salt="a:")


def test_fold_salt_moves_listings() -> None:
    listings = [to_listing(row) for row in make_rows(100, seed=63)]
    moved = sum(first != second for first, second in zip(_fold_of(listings), _fold_of(listings, salt="a:"), strict=True))
    # About four fifths of the listings change fold when the salt changes.
    assert moved > 50


def test_fold_salt_default_keeps_old_folds() -> None:
    # Without a salt the folds are the ones earlier models were calibrated on: the listing id's hash alone.
    listings = [to_listing(row) for row in make_rows(20, seed=64)]
    expected = [int(hashlib.sha256(item.source_listing_id.encode()).hexdigest(), 16) % FOLDS for item in listings]
    assert _fold_of(listings) == expected


def test_fit_fold_salt_changes_scores() -> None:
    listings = [to_listing(row) for row in make_rows(300, seed=65, communities=40)]
    plain = ValuationModel.fit(listings).cv_metrics
    salted = ValuationModel.fit(listings, fold_salt="b:").cv_metrics
    assert plain["median_ape"] != salted["median_ape"]


def test_cv_metrics_unseen_share_fraction(sparse_model: ValuationModel) -> None:
    share = sparse_model.cv_metrics["unseen_share"]
    assert 0 < share < 1


def test_cv_metrics_unseen_worse_than_seen(sparse_model: ValuationModel) -> None:
    metrics = sparse_model.cv_metrics
    # An unseen community has no comparables, so its listings get the booster's estimate alone.
    assert metrics["unseen_median_ape"] > metrics["seen_median_ape"]


def test_group_metrics_empty_group_nan() -> None:
    metrics = _group_metrics("unseen", np.array([]))
    assert math.isnan(metrics["unseen_median_ape"])
    assert math.isnan(metrics["unseen_within_10"])


def test_group_metrics_hit_rate() -> None:
    metrics = _group_metrics("seen", np.array([0.02, 0.05, 0.15, 0.30]))
    assert metrics["seen_within_10"] == 0.5
    assert math.isclose(metrics["seen_median_ape"], 0.10)


def test_cv_bench_prints_mean_line(tmp_path: Path) -> None:
    train = write_changsha(tmp_path / "train.csv", [changsha_line(row) for row in make_rows(300, seed=66, communities=60)])
    result = subprocess.run([sys.executable, str(BENCH), str(train), "--salts", "", "a:"],
                            capture_output=True, text=True, env=dict(os.environ, MC_LOG_LEVEL="WARNING"), timeout=600)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("mean")
    assert len(last.split(":", 1)[1].split()) == 8


def test_score_by_community_group_names(synthetic_model: ValuationModel) -> None:
    train = [to_listing(row) for row in make_rows(1500, seed=1)]
    # Rows drawn from 120 communities, so the half beyond the training's 60 are unknown to the model.
    test = [to_listing(row) for row in make_rows(200, seed=67, communities=120, id_base=116100000000)]
    scores = score_by_community(train, test, model=synthetic_model)
    assert [item.name for item in scores] == [SEEN_GROUP, UNSEEN_GROUP]


def test_score_by_community_counts_add_up(synthetic_model: ValuationModel) -> None:
    train = [to_listing(row) for row in make_rows(1500, seed=1)]
    test = [to_listing(row) for row in make_rows(200, seed=67, communities=120, id_base=116100000000)]
    scores = score_by_community(train, test, model=synthetic_model)
    assert sum(item.listings for item in scores) == len(test)


def test_score_by_community_counts_seen(synthetic_model: ValuationModel) -> None:
    train = [to_listing(row) for row in make_rows(1500, seed=1)]
    test = [to_listing(row) for row in make_rows(200, seed=67, communities=120, id_base=116100000000)]
    communities = {item.community for item in train}
    expected = sum(item.community in communities for item in test)
    assert score_by_community(train, test, model=synthetic_model)[0].listings == expected


def test_score_by_community_drops_empty_group(synthetic_model: ValuationModel) -> None:
    train = [to_listing(row) for row in make_rows(1500, seed=1)]
    test = [to_listing(row) for row in make_rows(50, seed=68, id_base=117100000000)]
    scores = score_by_community(train, test, model=synthetic_model)
    assert [item.name for item in scores] == [SEEN_GROUP]


def test_score_by_community_skips_training_ids(synthetic_model: ValuationModel) -> None:
    train = [to_listing(row) for row in make_rows(1500, seed=1)]
    assert score_by_community(train, train[:40], model=synthetic_model) == []


def test_cli_evaluate_prints_community_groups(tmp_path: Path) -> None:
    train = write_changsha(tmp_path / "train.csv", [changsha_line(row) for row in make_rows(300, seed=69, communities=30)])
    test = write_changsha(tmp_path / "test.csv", [changsha_line(row) for row in make_rows(80, seed=70, communities=60, id_base=118100000000)])
    result = subprocess.run([sys.executable, "-m", "mortgage_cloud.cli", "valuation", "evaluate", "--train", str(train), "--test", str(test)],
                            capture_output=True, text=True, env=dict(os.environ, MC_LOG_LEVEL="WARNING"), timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"{UNSEEN_GROUP} (" in result.stdout
    assert "communities seen in the other folds" in result.stdout
