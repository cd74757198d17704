"""Valuation services: train and persist the model, estimate a property, store a valuation."""

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from mortgage_cloud.errors import AppError, NotFound, ValidationFailed, field_error
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.settings import Settings
from mortgage_cloud.valuation import store
from mortgage_cloud.valuation.features import Subject, floor_band_of, subject_from_fields
from mortgage_cloud.valuation.importer import listing_of
from mortgage_cloud.valuation.model import Prediction, ValuationModel
from mortgage_cloud.valuation.models import ConfidenceGrade, MarketListing, Valuation, ValuationMethod

log = logging.getLogger(__name__)

UNIT_NO = re.compile(r"^\d{12}[GJZ][A-Z]\d{5}[FLQW]\d{8}$")


class ValuationModelMissing(AppError):
    status = 503
    code = "VALUATION_MODEL_MISSING"
    message = "估价模型尚未训练，请先导入挂牌数据并运行 `mortgage-cloud valuation train`。"


class ValuationSubjectIncomplete(AppError):
    status = 422
    code = "VALUATION_SUBJECT_INCOMPLETE"
    message = "登记簿中该单元缺少估价所需的信息（小区、区县或面积），请改为填写地址信息估价。"


@dataclass(frozen=True)
class Estimate:
    """A subject with the model's prediction: unit price and total in yuan, 80% interval, grade, comparables."""

    subject: Subject
    prediction: Prediction
    model_version: str

    @property
    def total_value(self) -> float:
        return self.prediction.unit_price * self.subject.area

    @property
    def low_total_value(self) -> float:
        return self.prediction.low_unit_price * self.subject.area

    @property
    def high_total_value(self) -> float:
        return self.prediction.high_unit_price * self.subject.area


def model_dir(settings: Settings | None = None) -> Path:
    """Return the folder that contains this deployment's model files."""
    return (settings or runtime().settings).data_dir / "valuation"


def current_model(directory: Path | None = None) -> ValuationModel:
    """Return the current model, loaded from disk once per process; raise ValuationModelMissing when none was trained."""
    model = store.load_current(directory or model_dir())
    if model is None:
        raise ValuationModelMissing()
    return model


async def train_model(*, city: str | None = None, directory: Path | None = None) -> ValuationModel:
    """Train a model on the stored listings (of one city, if given), persist it and make it current."""
    query = MarketListing.all() if city is None else MarketListing.filter(city=city)
    listings = [listing_of(row) for row in await query]
    if len(listings) < 50:
        raise ValidationFailed(f"用于训练的挂牌数据只有 {len(listings)} 条，至少需要 50 条，请先导入数据。", field="city")

    model = await asyncio.to_thread(ValuationModel.fit, listings)
    path = await asyncio.to_thread(store.save, model, directory or model_dir())
    log.info("valuation model trained", extra={"model_version": model.version, "listings": len(listings), "path": str(path)})
    return model


async def estimate(*, unit_no: str | None = None, address: dict[str, Any] | None = None) -> Estimate:
    """Estimate a property given either its unit number in the register or officer-typed address fields."""
    subject = await resolve_subject(unit_no=unit_no, address=address)
    model = current_model()
    return Estimate(subject=subject, prediction=model.predict(subject), model_version=model.version)


async def resolve_subject(*, unit_no: str | None, address: dict[str, Any] | None) -> Subject:
    """Return the valuation subject from the register (by unit number) or from address fields."""
    if (unit_no is None) == (address is None):
        raise ValidationFailed("请提供不动产单元号或地址信息中的一项。", field="unit_no")
    if address is not None:
        if not isinstance(address, dict):
            raise field_error("address", "地址信息须为对象，包含 district、community、area 等字段。")
        return subject_from_fields(address)
    return await _subject_from_register(unit_no)


async def _subject_from_register(unit_no: str) -> Subject:
    if not isinstance(unit_no, str) or not UNIT_NO.match(unit_no):
        raise field_error("unit_no", "不动产单元号须为28位，例如 430104012002GB00001F00010751。")

    from mortgage_cloud.registry.service import get_unit_snapshot

    snapshot = await get_unit_snapshot(unit_no)
    if snapshot is None:
        raise NotFound("登记簿中没有该不动产单元。", field="unit_no")
    facts = {name: _fact(snapshot, name) for name in ("community", "district", "area", "floor", "total_floors", "build_year")}
    if not facts["community"] or not facts["district"] or not facts["area"]:
        raise ValuationSubjectIncomplete(unit_no=unit_no)

    floor, total_floors = facts.pop("floor"), facts["total_floors"]
    if floor is not None and total_floors:
        facts["floor_band"] = floor_band_of(max(int(floor), 1), int(total_floors))
    facts["area"] = float(facts["area"])
    return subject_from_fields(facts)


def _fact(snapshot: Any, name: str) -> Any:
    if isinstance(snapshot, dict):
        return snapshot.get(name)
    return getattr(snapshot, name, None)


async def value_property(
    *,
    unit_no: str | None = None,
    address: dict[str, Any] | None = None,
    application_id: uuid.UUID | None = None,
    institution_id: uuid.UUID | None = None,
) -> Valuation:
    """Estimate a property and store the valuation with its input, interval, grade and comparables."""
    result = await estimate(unit_no=unit_no, address=address)
    prediction = result.prediction

    valuation = await Valuation.create(
        id=uuid.uuid4(),
        application_id=application_id,
        institution_id=institution_id,
        unit_no=unit_no,
        input={"unit_no": unit_no, "address": address, "subject": result.subject.to_dict()},
        method=ValuationMethod(prediction.method),
        unit_price=_yuan(prediction.unit_price),
        total_value=_yuan(result.total_value),
        low_total_value=_yuan(result.low_total_value),
        high_total_value=_yuan(result.high_total_value),
        low_unit_price=_yuan(prediction.low_unit_price),
        high_unit_price=_yuan(prediction.high_unit_price),
        confidence_grade=ConfidenceGrade(prediction.grade),
        comparables=[item.to_dict() for item in prediction.comparables],
        detail={
            "comparables_weight": round(prediction.comparables_weight, 4),
            "model_unit_price": round(prediction.model_unit_price),
            "comparables_unit_price": round(prediction.comparables_unit_price) if prediction.comparables_unit_price else None,
            "comparables_source": prediction.comparables_source,
            "basis": prediction.basis,
        },
        model_version=result.model_version,
    )
    log.info("property valued", extra={
        "valuation_id": str(valuation.id), "grade": prediction.grade, "method": prediction.method, "basis": prediction.basis,
    })
    return valuation


def _yuan(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")
