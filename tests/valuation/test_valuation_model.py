"""The model on synthetic listings with a known price structure: accuracy, adjustments, interval coverage, comparables."""

import math

from valuation_synthetic import DECORATION_EFFECT, FLOOR_EFFECT, make_rows, to_listing

from mortgage_cloud.valuation.comparables import fit_adjustments
from mortgage_cloud.valuation.evaluate import evaluate
from mortgage_cloud.valuation.features import Subject, subject_of
from mortgage_cloud.valuation.model import ValuationModel, estate_of


def test_model_recovers_prices(synthetic_model: ValuationModel) -> None:
    test = [to_listing(row) for row in make_rows(400, seed=11, id_base=105100000000)]
    scores = evaluate([], test, model=synthetic_model)[-1]
    # The noise alone has a median absolute error of about 2.7% (σ = 4%).
    assert scores.median_ape < 0.05
    assert scores.within_10 > 0.85


def test_model_interval_coverage_near_80(synthetic_model: ValuationModel) -> None:
    test = [to_listing(row) for row in make_rows(600, seed=12, id_base=106100000000)]
    coverage = evaluate([], test, model=synthetic_model)[-1].coverage_80
    assert 0.72 <= coverage <= 0.88


def test_adjustments_recover_decoration_effect() -> None:
    adjustments = fit_adjustments([to_listing(row) for row in make_rows(2000, seed=13)])
    expected = DECORATION_EFFECT["精装"] - DECORATION_EFFECT["毛坯"]
    measured = adjustments.decoration["精装"] - adjustments.decoration["毛坯"]
    assert math.isclose(measured, expected, abs_tol=0.015)


def test_adjustments_recover_floor_effect() -> None:
    adjustments = fit_adjustments([to_listing(row) for row in make_rows(2000, seed=14)])
    expected = FLOOR_EFFECT["高"] - FLOOR_EFFECT["低"]
    measured = adjustments.floor_band["高"] - adjustments.floor_band["低"]
    assert math.isclose(measured, expected, abs_tol=0.015)


def test_adjustments_recover_area_elasticity() -> None:
    adjustments = fit_adjustments([to_listing(row) for row in make_rows(2000, seed=15)])
    assert math.isclose(adjustments.log_area, -0.10, abs_tol=0.03)


def test_comparables_from_same_community(synthetic_model: ValuationModel) -> None:
    subject = subject_of(to_listing(make_rows(1, seed=16, id_base=107100000000)[0]))
    prediction = synthetic_model.predict(subject)
    assert prediction.comparables
    assert {item.community for item in prediction.comparables} == {subject.community}


def test_comparables_adjusted_towards_subject(synthetic_model: ValuationModel) -> None:
    subject = subject_of(to_listing(make_rows(1, seed=17, id_base=108100000000)[0]))
    for item in synthetic_model.predict(subject).comparables:
        expected = item.unit_price * math.prod(item.adjustments.values())
        assert math.isclose(item.adjusted_unit_price, expected, rel_tol=1e-9)


def test_model_unknown_community_uses_model_only(synthetic_model: ValuationModel) -> None:
    subject = Subject(district="岳麓", community="不存在的小区", area=90.0, floor_band="中", build_year=2010)
    prediction = synthetic_model.predict(subject)
    assert prediction.method == "model"
    assert prediction.grade == "D"
    assert prediction.comparables == []


def test_model_interval_contains_estimate(synthetic_model: ValuationModel) -> None:
    subject = subject_of(to_listing(make_rows(1, seed=18, id_base=109100000000)[0]))
    prediction = synthetic_model.predict(subject)
    assert prediction.low_unit_price < prediction.unit_price < prediction.high_unit_price


def test_model_grades_widen_in_order(synthetic_model: ValuationModel) -> None:
    widths = [synthetic_model.quantiles[grade][1] - synthetic_model.quantiles[grade][0] for grade in "ABCD"]
    assert widths == sorted(widths)


def test_model_rejects_tiny_training_set() -> None:
    listings = [to_listing(row) for row in make_rows(20, seed=19)]
    try:
        ValuationModel.fit(listings)
    except ValueError as error:
        assert "at least 50" in str(error)
    else:
        raise AssertionError("fit accepted 20 listings")


def test_estate_strips_phase_suffix() -> None:
    assert estate_of("五矿万境水岸一期") == "五矿万境水岸"
    assert estate_of("北辰三角洲C2区") == "北辰三角洲"
    assert estate_of("八方小区·A区") == "八方小区"
