"""Console views: the searchable applications list, the application detail and the consents to pick from."""

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import Q

from mortgage_cloud.applications import submission
from mortgage_cloud.applications.models import Application, ApplicationDocument
from mortgage_cloud.applications.previews import DOCUMENT_FILE_NAMES
from mortgage_cloud.applications.states import LABELS, State
from mortgage_cloud.consent.models import Consent
from mortgage_cloud.consent.service import now
from mortgage_cloud.errors import field_error
from mortgage_cloud.identifiers import CHINA_TZ
from mortgage_cloud.infra import pii
from mortgage_cloud.infra.logging import mask_id_number, mask_phone

PAGE_MAX = 100_000
PAGE_SIZE_MAX = 100
SEARCH_MAX_LENGTH = 64
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_list_filters(args: Any) -> dict[str, Any]:
    """Return the list's search text, state, date range and page from the query string, or raise a field error."""
    try:
        page = int(args.get("page", 1))
        page_size = int(args.get("page_size", 20))
    except ValueError:
        raise field_error("page", "page 和 page_size 须为正整数。") from None
    if not 1 <= page <= PAGE_MAX or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise field_error("page_size", f"page 须为 1 至 {PAGE_MAX}，page_size 须为 1 至 {PAGE_SIZE_MAX}。")

    search = str(args.get("q") or "").strip()
    if len(search) > SEARCH_MAX_LENGTH:
        raise field_error("q", f"搜索内容不能超过 {SEARCH_MAX_LENGTH} 个字符。")
    state = args.get("state") or None
    if state is not None and state not in {item.value for item in State}:
        raise field_error("state", "state 取值无效，可选：" + "、".join(item.value for item in State) + "。")

    date_from = _date(args.get("date_from"), field="date_from")
    date_to = _date(args.get("date_to"), field="date_to")
    if date_from and date_to and date_to < date_from:
        raise field_error("date_to", "结束日期不能早于开始日期。")
    return {"search": search, "state": state, "date_from": date_from, "date_to": date_to, "page": page,
            "page_size": page_size}


async def list_applications(*, institution_id: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """Return one page of the institution's applications, newest first, matching the filters."""
    query = Application.filter(institution_id=institution_id)
    if filters["search"]:
        text = filters["search"]
        query = query.filter(Q(application_no__icontains=text) | Q(unit_no__icontains=text)
                             | Q(borrower__name__icontains=text) | Q(debtor_name__icontains=text))
    if filters["state"]:
        query = query.filter(state=filters["state"])
    # Dates are calendar days in China time, the officers' own.
    if filters["date_from"]:
        query = query.filter(created_at__gte=datetime.combine(filters["date_from"], time.min, CHINA_TZ))
    if filters["date_to"]:
        query = query.filter(created_at__lt=datetime.combine(filters["date_to"] + timedelta(days=1), time.min, CHINA_TZ))

    total = await query.count()
    page, size = filters["page"], filters["page_size"]
    applications = await query.order_by("-created_at", "-id").offset((page - 1) * size).limit(size) \
        .prefetch_related("borrower")
    return {"items": [_list_item(item) for item in applications], "page": page, "page_size": size, "total": total}


def _list_item(application: Application) -> dict[str, Any]:
    borrower = application.borrower
    return {
        "id": str(application.id),
        "application_no": application.application_no,
        "kind": application.kind,
        "unit_no": application.unit_no,
        "borrower_name": borrower.name if borrower else None,
        "debtor_name": application.debtor_name,
        "state": str(application.state),
        "state_label": LABELS[State(application.state)],
        "mortgage_type": application.mortgage_type,
        "secured_amount": _money(application.secured_amount),
        "max_secured_amount": _money(application.max_secured_amount),
        "proof_no": application.proof_no,
        "created_at": application.created_at.isoformat(),
    }


async def application_detail(application: Application) -> dict[str, Any]:
    """Describe an application for the detail page: the bank API's status view plus loan data and documents."""
    view = await submission.status_view(application, for_institution=True)
    borrower = await application.borrower if application.borrower_id else None
    documents = await ApplicationDocument.filter(application_id=application.id).order_by("kind")
    view.update({
        "borrower_name": borrower.name if borrower else None,
        "debtor_name": application.debtor_name,
        "loan_contract_no": application.loan_contract_no,
        "guarantee_scope": application.guarantee_scope,
        "transfer_restricted": application.transfer_restricted,
        "mortgagors": [{"name": item["name"], "share": item.get("share")} for item in application.mortgagors],
        "created_at": application.created_at.isoformat(),
        "documents": [
            {"kind": document.kind, "label": DOCUMENT_FILE_NAMES.get(document.kind, document.kind),
             "page_count": document.page_count, "signature_count": document.signature_count,
             "updated_at": document.updated_at.isoformat()}
            for document in documents
        ],
    })
    return view


async def valid_consents(*, institution_id: Any) -> list[dict[str, Any]]:
    """Return the institution's unexpired, unrevoked lookup consents, newest first, with masked borrower data."""
    moment = now()
    consents = await Consent.filter(institution_id=institution_id, revoked_at__isnull=True, granted_at__lte=moment,
                                    expires_at__gt=moment).order_by("-granted_at").limit(200).prefetch_related("borrower")
    return [_consent_item(consent) for consent in consents]


def _consent_item(consent: Consent) -> dict[str, Any]:
    borrower = consent.borrower
    id_number = pii.decrypt(borrower.id_number_enc) if borrower.id_number_enc else None
    phone = pii.decrypt(borrower.phone_enc) if borrower.phone_enc else None
    return {
        "id": str(consent.id),
        "borrower_name": mask_name(borrower.name),
        "borrower_id_number": mask_id_number(id_number) or None,
        "borrower_phone": mask_phone(phone) or None,
        "purpose": consent.purpose,
        "granted_at": consent.granted_at.isoformat(),
        "expires_at": consent.expires_at.isoformat(),
    }


def mask_name(name: str | None) -> str:
    """Return a person's name with every character after the first hidden, as 张** for 张三丰."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _date(value: Any, *, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise field_error(field, "日期须为 YYYY-MM-DD 格式，例如 2026-12-01。")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise field_error(field, f"日期 {value} 不存在，请核对。") from None


def _money(value: Any) -> str | None:
    return None if value is None else str(value)
