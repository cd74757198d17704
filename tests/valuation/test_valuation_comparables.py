"""Comparables: the fallback to an estate's other phases, the time factor towards the subject's date, old model files."""

import dataclasses
import math
import pickle

from valuation_synthetic import make_rows, to_listing

from mortgage_cloud.valuation.comparables import ComparablesIndex
from mortgage_cloud.valuation.features import subject_of
from mortgage_cloud.valuation.model import ValuationModel


def _subject(seed: int, id_base: int):
    return subject_of(to_listing(make_rows(1, seed=seed, id_base=id_base)[0]))


def test_comparables_new_phase_uses_estate(synthetic_model: ValuationModel) -> None:
    known = _subject(21, 110100000000)
    subject = dataclasses.replace(known, community=known.community + "·北苑")
    prediction = synthetic_model.predict(subject)
    assert {item.community for item in prediction.comparables} == {known.community}


def test_comparables_new_phase_graded_c(synthetic_model: ValuationModel) -> None:
    known = _subject(22, 111100000000)
    subject = dataclasses.replace(known, community=known.community + "B区")
    assert synthetic_model.predict(subject).grade == "C"


def test_comparables_estate_needs_same_district(synthetic_model: ValuationModel) -> None:
    known = _subject(23, 112100000000)
    subject = dataclasses.replace(known, community=known.community + "·北苑", district="不存在的区县")
    assert synthetic_model.predict(subject).comparables == []


def test_comparables_time_factor_targets_as_of(synthetic_model: ValuationModel) -> None:
    subject = _subject(24, 113100000000)
    first = synthetic_model.predict(subject).comparables[0]
    dated = dataclasses.replace(subject, as_of=first.listing_date)
    again = next(item for item in synthetic_model.predict(dated).comparables if item.listing_id == first.listing_id)
    assert math.isclose(again.adjustments["time"], 1.0)


def test_comparables_time_factor_stops_at_latest_month(synthetic_model: ValuationModel) -> None:
    subject = _subject(25, 114100000000)
    undated = synthetic_model.predict(dataclasses.replace(subject, as_of=None)).comparables
    later = dataclasses.replace(subject, as_of=subject.as_of.replace(year=2030))
    assert [item.adjustments["time"] for item in synthetic_model.predict(later).comparables] == [item.adjustments["time"] for item in undated]


def test_subject_of_values_listing_at_its_date() -> None:
    listing = to_listing(make_rows(1, seed=26, id_base=115100000000)[0])
    assert subject_of(listing).as_of == listing.listing_date


def test_comparables_old_index_gets_estates(synthetic_model: ValuationModel) -> None:
    index = synthetic_model.core.index
    old_state = {"by_community": index.by_community}
    restored = ComparablesIndex.__new__(ComparablesIndex)
    restored.__setstate__(pickle.loads(pickle.dumps(old_state)))
    assert restored.estates == index.estates


def test_comparables_old_estate_index_replaced(synthetic_model: ValuationModel) -> None:
    # Model files saved before the estate keys were normalised carry a `by_estate` index built with the old rule.
    index = synthetic_model.core.index
    old_state = {"by_community": index.by_community, "by_estate": {("岳麓", "旧规则"): []}}
    restored = ComparablesIndex.__new__(ComparablesIndex)
    restored.__setstate__(pickle.loads(pickle.dumps(old_state)))
    assert not hasattr(restored, "by_estate")
    assert restored.estates == index.estates
