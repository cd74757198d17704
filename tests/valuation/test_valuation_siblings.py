"""Sibling communities: estate keys of phase and zone names, sibling comparables in the same district, no leakage."""

import copy
import dataclasses

import pytest
from valuation_synthetic import make_rows, to_listing

from mortgage_cloud.valuation.comparables import ComparablesIndex, fit_adjustments
from mortgage_cloud.valuation.evaluate import score_by_basis
from mortgage_cloud.valuation.features import estate_of, subject_of
from mortgage_cloud.valuation.model import BLEND_PRIORS, SIBLING, Prediction, ValuationModel, _fit_core, _fold_of, _predict_core

ESTATE_KEYS = [
    ("五矿万境水岸一期", "五矿万境水岸"),
    ("五矿万境水岸二期", "五矿万境水岸"),
    ("中海国际社区1期", "中海国际社区"),
    ("北辰三角洲C2区", "北辰三角洲"),
    ("北辰三角洲D2区", "北辰三角洲"),
    ("金房奥斯卡东区", "金房奥斯卡"),
    ("金房奥斯卡西区", "金房奥斯卡"),
    ("鑫天御景湾一期", "鑫天御景湾"),
    ("八方小区B区", "八方小区"),
    ("八方小区·A区", "八方小区"),
    ("八方小区 A区", "八方小区"),
    ("万科城二期A区", "万科城"),
    ("芙蓉苑甲区", "芙蓉苑"),
    ("谷山庭苑一区", "谷山庭苑"),
    ("狮子山二片小区", "狮子山"),
    ("阿弥岭2片", "阿弥岭"),
    ("金色溪泉湾5栋", "金色溪泉湾"),
    ("金色溪泉湾12号楼", "金色溪泉湾"),
    ("万国城ＭＯＭＡ一期", "万国城MOMA"),
    ("万国城moma二期", "万国城MOMA"),
    ("阳光城尚东湾（学园区）", "阳光城尚东湾"),
    ("凤凰城(三期)紫云府", "凤凰城"),
    ("世纪城临江苑", "世纪城临江苑"),
    ("长沙理工大学东校区教工宿舍", "长沙理工大学东校区教工宿舍"),
    ("曾家湾13号生活区", "曾家湾13号生活区"),
    ("一期花园", "一期花园"),
    ("金桥国际12二期", "金桥国际12"),
    ("金桥国际12B区", "金桥国际12"),
]

# Sibling communities as (district, community), with one estate name in two districts.
SIBLING_MARKET = [
    ("开福", "世纪城咏江苑"),
    ("开福", "北辰三角洲D2区"),
    ("开福", "北辰三角洲奥城E3区"),
    ("雨花", "五矿万境水岸二期"),
    ("雨花", "佳兆业水岸新都东区"),
    ("天心", "五矿万境水岸二期"),
    ("天心", "五矿万境水岸三期"),
]


@pytest.fixture(scope="module")
def sibling_listings():
    """Twenty listings in each community of SIBLING_MARKET, each community with its own listing id range."""
    listings = []
    for number, (district, community) in enumerate(SIBLING_MARKET):
        for row in make_rows(20, seed=70 + number, communities=1, id_base=116100000000 + number * 1000):
            listings.append(dataclasses.replace(to_listing(row), district=district, community=community))
    return listings


@pytest.fixture(scope="module")
def sibling_index(sibling_listings) -> ComparablesIndex:
    return ComparablesIndex(sibling_listings)


@pytest.mark.parametrize(("community", "expected"), ESTATE_KEYS)
def test_estate_key_table(community: str, expected: str) -> None:
    assert estate_of(community) == expected


def test_siblings_same_estate_same_district(sibling_index: ComparablesIndex) -> None:
    assert sibling_index.siblings("雨花", "五矿万境水岸一期") == ("estate", ["五矿万境水岸二期"])


def test_siblings_other_district_ignored(sibling_index: ComparablesIndex) -> None:
    assert sibling_index.siblings("岳麓", "五矿万境水岸一期") == ("", [])


def test_siblings_estate_before_prefix(sibling_index: ComparablesIndex) -> None:
    assert sibling_index.siblings("开福", "北辰三角洲C2区") == ("estate", ["北辰三角洲D2区"])


def test_siblings_longest_prefix(sibling_index: ComparablesIndex) -> None:
    relation, names = sibling_index.siblings("开福", "北辰三角洲凤凰公元")
    assert relation == "prefix"
    assert sorted(names) == ["北辰三角洲D2区", "北辰三角洲奥城E3区"]


def test_siblings_skip_own_community(sibling_index: ComparablesIndex) -> None:
    # The community's own estate key contains no other community, so the prefix search finds the siblings.
    assert sibling_index.siblings("开福", "北辰三角洲D2区") == ("prefix", ["北辰三角洲奥城E3区"])


def test_siblings_short_prefix_rejected(sibling_index: ComparablesIndex) -> None:
    # 世纪城 (3 characters) is shorter than the shared prefix a sibling needs, like a brand name such as 佳兆业.
    assert sibling_index.siblings("开福", "世纪城临江苑") == ("", [])
    assert sibling_index.siblings("雨花", "佳兆业天墅") == ("", [])


def test_sibling_comparables_same_district(sibling_index: ComparablesIndex, sibling_listings) -> None:
    adjustments = fit_adjustments(sibling_listings)
    subject = dataclasses.replace(subject_of(sibling_listings[0]), district="雨花", community="五矿万境水岸一期")
    estimate = sibling_index.estimate(subject, adjustments)
    districts = {item.source_listing_id: item.district for item in sibling_listings}
    assert estimate.level == "estate"
    assert {districts[item.listing_id] for item in estimate.comparables} == {"雨花"}


def test_sibling_comparables_marked_in_dict(sibling_index: ComparablesIndex, sibling_listings) -> None:
    adjustments = fit_adjustments(sibling_listings)
    subject = dataclasses.replace(subject_of(sibling_listings[0]), district="雨花", community="五矿万境水岸一期")
    comparable = sibling_index.estimate(subject, adjustments).comparables[0]
    assert comparable.to_dict()["relation"] == "estate"


def test_sibling_prediction_basis(synthetic_model: ValuationModel) -> None:
    known = subject_of(to_listing(make_rows(1, seed=80, id_base=117100000000)[0]))
    prediction = synthetic_model.predict(dataclasses.replace(known, community=known.community + "二期"))
    assert prediction.comparables_source == "sibling_estate"
    assert prediction.basis == f"sibling_{prediction.method}"


def test_prediction_basis_community() -> None:
    prediction = Prediction(method="comparables", unit_price=1.0, low_unit_price=1.0, high_unit_price=1.0, grade="A",
                            comparables_weight=0.9, model_unit_price=1.0, comparables_unit_price=1.0, comparables_source="community")
    assert prediction.basis == "comparables"


def test_prediction_basis_model_only() -> None:
    prediction = Prediction(method="model", unit_price=1.0, low_unit_price=1.0, high_unit_price=1.0, grade="D",
                            comparables_weight=0.0, model_unit_price=1.0, comparables_unit_price=None)
    assert prediction.basis == "model"


def test_sibling_prior_from_cross_validation(synthetic_model: ValuationModel) -> None:
    assert synthetic_model.sibling_blend_prior in BLEND_PRIORS


def test_sibling_prior_missing_in_old_model(synthetic_model: ValuationModel) -> None:
    # Model files saved before sibling comparables had their own prior lack the attribute.
    old = copy.copy(synthetic_model)
    del old.__dict__["sibling_blend_prior"]
    assert old.blend_priors()[SIBLING] == old.blend_prior


def test_sibling_comparables_never_from_held_fold() -> None:
    # Out-of-fold sibling comparables come from the other folds only, so the scores that pick the sibling prior see no held-out price.
    listings = []
    for row in make_rows(600, seed=81, communities=30):
        phase = "一期" if int(row.listing_id) % 2 else "二期"
        listings.append(dataclasses.replace(to_listing(row), community=row.community.replace("合成小区", "合成家园") + phase))
    folds = _fold_of(listings)
    train = [item for item, fold in zip(listings, folds, strict=True) if fold != 0]
    held_out = [item for item, fold in zip(listings, folds, strict=True) if fold == 0]
    core = _fit_core(train, seed=0)
    held_ids = {item.source_listing_id for item in held_out}

    sibling_ids = set()
    for item in held_out:
        subject = dataclasses.replace(subject_of(item), community=item.community[:-2] + "三期")
        _, comparables = _predict_core(core, subject)
        if comparables is not None:
            sibling_ids |= {comparable.listing_id for comparable in comparables.comparables}
    assert sibling_ids
    assert not sibling_ids & held_ids


def test_score_by_basis_groups(synthetic_model: ValuationModel) -> None:
    test = [to_listing(row) for row in make_rows(40, seed=82, id_base=118100000000)]
    phases = [dataclasses.replace(item, community=item.community + "二期") for item in test[:20]]
    names = {scores.name for scores in score_by_basis([], test[20:] + phases, model=synthetic_model)}
    assert any(name.startswith("model, basis sibling_") for name in names)
