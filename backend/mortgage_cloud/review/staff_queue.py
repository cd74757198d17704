"""The manual-review queue (转人工) as registry staff see it: oldest first, with findings and the parties."""

from typing import Any

from mortgage_cloud.applications.models import Application, ApplicationEvent
from mortgage_cloud.applications.states import State
from mortgage_cloud.applications.verification import mask_name
from mortgage_cloud.consent.service import parse_uuid
from mortgage_cloud.errors import NotFound, field_error


async def list_reviews(*, page: int, page_size: int) -> dict[str, Any]:
    """Return one page of the applications waiting in manual review, the longest-waiting first."""
    query = Application.filter(state=State.MANUAL_REVIEW)
    total = await query.count()
    applications = await (query.order_by("updated_at", "id").offset((page - 1) * page_size).limit(page_size)
                          .select_related("institution", "borrower"))
    items = [await _item(application) for application in applications]
    return {"items": items, "page": page, "page_size": page_size, "total": total}


async def list_applications(*, page: int, page_size: int, state: str | None = None) -> dict[str, Any]:
    """Return one page of every application, newest first, optionally in one state, for admins."""
    query = Application.all()
    if state is not None:
        if state not in {item.value for item in State}:
            raise field_error("state", "state 取值无效，可选：" + "、".join(item.value for item in State) + "。")
        query = query.filter(state=state)
    total = await query.count()
    applications = await (query.order_by("-created_at", "id").offset((page - 1) * page_size).limit(page_size)
                          .select_related("institution", "borrower"))
    items = [await _item(application) for application in applications]
    return {"items": items, "page": page, "page_size": page_size, "total": total}


async def has_been_in_review(application: Application) -> bool:
    """Return whether the application is or was in manual review, which is what a reviewer may read."""
    if application.state == State.MANUAL_REVIEW:
        return True
    return await ApplicationEvent.exists(application_id=application.id, to_state=str(State.MANUAL_REVIEW))


async def get_review(*, application_id: str) -> Application:
    """Return any application by id for staff, its institution and borrower loaded, or raise NotFound."""
    application = await Application.get_or_none(id=parse_uuid(application_id, field="application_id")
                                                 ).select_related("institution", "borrower")
    if application is None:
        raise NotFound("未找到该申请。", code="APPLICATION_NOT_FOUND")
    return application


async def review_view(application: Application) -> dict[str, Any]:
    """Describe one application for the reviewer: the queue's fields plus the full status view and timeline."""
    from mortgage_cloud.applications.submission import status_view

    view = await status_view(application, for_institution=True)
    view.update(await _item(application))
    return view


async def _item(application: Application) -> dict[str, Any]:
    from mortgage_cloud.registry.models import PropertyUnit

    unit = await PropertyUnit.get_or_none(unit_no=application.unit_no)
    entered = await ApplicationEvent.filter(application_id=application.id,
                                            to_state=str(State.MANUAL_REVIEW)).order_by("-id").first()
    return {
        "id": str(application.id),
        "application_no": application.application_no,
        "kind": application.kind,
        "state": str(application.state),
        "unit_no": application.unit_no,
        "location": unit.location if unit else None,
        "institution_name": application.institution.name,
        "borrower_name": _masked_borrower(application),
        "findings": [{"code": item.get("code"), "message": item.get("message"), "outcome": item.get("outcome")}
                     for item in application.findings],
        "entered_review_at": entered.occurred_at.isoformat() if entered else None,
        "interrupted_state": entered.from_state if entered else None,
    }


def _masked_borrower(application: Application) -> str | None:
    if application.borrower is not None:
        return mask_name(application.borrower.name)
    names = [mortgagor["name"] for mortgagor in application.mortgagors if mortgagor.get("name")]
    return mask_name(names[0]) if names else None
