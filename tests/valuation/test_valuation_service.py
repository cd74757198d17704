"""Valuation services: address and register input, stored valuations, input errors, the report files."""

import itertools
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from valuation_synthetic import make_rows

from mortgage_cloud.errors import NotFound, ValidationFailed
from mortgage_cloud.identifiers import make_unit_no
from mortgage_cloud.registry.models import PropertyUnit
from mortgage_cloud.valuation.models import Valuation
from mortgage_cloud.valuation.report import write_report
from mortgage_cloud.valuation.service import estimate, value_property

_parcels = itertools.count(1)


def _address(**overrides) -> dict:
    row = make_rows(1, seed=31)[0]
    fields = {"district": row.district, "community": row.community, "area": 88.5, "floor_band": "中", "total_floors": 18,
              "build_year": 2012, "decoration": "精装", "rooms": 3, "halls": 2, "baths": 1, "has_lift": "有"}
    return fields | overrides


async def test_service_stores_address_valuation(installed_model) -> None:
    application_id = uuid.uuid4()
    valuation = await value_property(address=_address(), application_id=application_id)
    stored = await Valuation.get(id=valuation.id)
    assert stored.application_id == application_id
    assert stored.model_version == installed_model.version
    assert stored.low_total_value < stored.total_value < stored.high_total_value
    assert stored.comparables


async def test_service_total_is_unit_price_times_area(installed_model) -> None:
    valuation = await value_property(address=_address(area=100))
    assert abs(valuation.total_value - valuation.unit_price * 100) <= Decimal("1")


async def test_service_values_registered_unit(installed_model) -> None:
    row = make_rows(1, seed=32)[0]
    unit_no = make_unit_no(division_code="430104", zone=998, subzone=1, parcel_no=next(_parcels), building=1, unit_seq=1)
    await PropertyUnit.create(
        unit_no=unit_no, location=f"长沙市{row.district}区{row.community}1栋1201室", district=f"{row.district}区",
        division_code="430104", community=row.community, floor=12, total_floors=18, area=Decimal("96.30"), build_year=2011,
    )
    result = await estimate(unit_no=unit_no)
    assert result.subject.community == row.community
    assert result.subject.district == row.district
    assert result.subject.floor_band == "中"
    assert result.subject.area == 96.3


async def test_service_unknown_unit_not_found(installed_model) -> None:
    unit_no = make_unit_no(division_code="430104", zone=998, subzone=2, parcel_no=next(_parcels), building=1, unit_seq=1)
    with pytest.raises(NotFound):
        await estimate(unit_no=unit_no)


async def test_service_malformed_unit_rejected(installed_model) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await estimate(unit_no="430104")
    assert caught.value.context["field"] == "unit_no"


async def test_service_needs_exactly_one_input(installed_model) -> None:
    with pytest.raises(ValidationFailed):
        await estimate(unit_no=None, address=None)


@pytest.mark.parametrize(
    ("field", "value"),
    [("area", "abc"), ("area", 2), ("build_year", 1800), ("floor_band", "顶"), ("decoration", "豪装"), ("community", "")],
)
async def test_service_bad_address_names_field(installed_model, field: str, value) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await estimate(address=_address(**{field: value}))
    assert caught.value.context["field"] == field


async def test_service_floor_number_sets_band(installed_model) -> None:
    address = _address(floor_band=None, floor=17, total_floors=18)
    result = await estimate(address=address)
    assert result.subject.floor_band == "高"


async def test_report_files_contain_community(installed_model, tmp_path: Path) -> None:
    valuation = await value_property(address=_address())
    community = valuation.input["subject"]["community"]
    files = await write_report(valuation, directory=tmp_path, community_prices=installed_model.community_prices(community))
    text = _pdf_text(files.pdf)
    assert files.docx.exists()
    assert community in text
    assert "评估总价" in text


async def test_report_without_comparables(installed_model, tmp_path: Path) -> None:
    valuation = await value_property(address=_address(community="不存在的小区"))
    files = await write_report(valuation, directory=tmp_path, community_prices=[])
    text = _pdf_text(files.pdf)
    assert "仅采用模型法" in text


async def test_report_names_sibling_phase(installed_model, tmp_path: Path) -> None:
    community = _address()["community"]
    valuation = await value_property(address=_address(community=community + "B区"))
    files = await write_report(valuation, directory=tmp_path, community_prices=[])
    assert f"其他分期或片区：{community}" in _pdf_text(files.pdf)


def _pdf_text(path: Path) -> str:
    # pdftotext puts a space between Chinese characters and digits, so all whitespace is removed before matching.
    output = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(output.split())


async def test_service_records_sibling_basis(installed_model) -> None:
    # A new phase of a known estate is valued by the estate's other phases, and the stored detail records that.
    community = make_rows(1, seed=31)[0].community + "二期"
    valuation = await value_property(address=_address(community=community))
    assert valuation.detail["comparables_source"] == "sibling_estate"
    assert valuation.detail["basis"].startswith("sibling_")
