"""The Sanic app factory: one blueprint per domain, one error shape, request ids in every log line."""

import itertools
import logging
import uuid

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

from mortgage_cloud.errors import AppError
from mortgage_cloud.infra.logging import application_id_var, request_id_var
from mortgage_cloud.infra.runtime import start_runtime, stop_runtime
from mortgage_cloud.settings import Settings, get_settings

log = logging.getLogger(__name__)
_app_numbers = itertools.count(1)


def create_app(settings: Settings | None = None, *, manage_runtime: bool = True) -> Sanic:
    """Build the web app. With `manage_runtime`, the runtime starts with the server and stops with it."""
    settings = settings or get_settings()
    settings.check_for_production()

    app = Sanic(f"mortgage_cloud_{next(_app_numbers)}", configure_logging=False)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.CORS = False  # the consoles are served from this origin; bank systems call server to server
    # sanic-ext would publish a map of every route, staff ones included, at /docs. Banks get their own API
    # description at /bank/v1/docs.
    app.config.OAS = False
    app.config.REQUEST_MAX_SIZE = 20 * 1024 * 1024
    app.ctx.settings = settings

    _register_blueprints(app)
    if manage_runtime:
        _register_lifecycle(app, settings)
    _register_request_ids(app)
    _register_error_handlers(app)
    return app


def _register_blueprints(app: Sanic) -> None:
    from mortgage_cloud.applications.bank_routes import bp as bank_applications_bp
    from mortgage_cloud.applications.public_routes import bp as public_bp
    from mortgage_cloud.applications.routes import bp as borrower_applications_bp
    from mortgage_cloud.applications.status_reply import latest_status_text
    from mortgage_cloud.banks.responses import install_response_signing
    from mortgage_cloud.banks.ca_routes import bp as platform_ca_bp
    from mortgage_cloud.banks.certificate_routes import bp as bank_certificates_bp
    from mortgage_cloud.banks.officer_routes import bp as bank_officers_bp
    from mortgage_cloud.banks.routes import bp as banks_bp
    from mortgage_cloud.banks.webhook_routes import bp as bank_webhooks_bp
    from mortgage_cloud.banks.openapi_routes import bp as bank_openapi_bp
    from mortgage_cloud.consent.routes import bp as consents_bp
    from mortgage_cloud.console.auth_routes import bp as console_auth_bp
    from mortgage_cloud.console.page_routes import bp as console_page_bp
    from mortgage_cloud.console.routes import bp as console_applications_bp
    from mortgage_cloud.console.valuation_routes import bp as console_valuations_bp
    from mortgage_cloud.h5 import common_bp as h5_common_bp
    from mortgage_cloud.health import bp as health_bp
    from mortgage_cloud.identity.callback import set_status_reply_provider
    from mortgage_cloud.identity.callback_routes import bp as wechat_callback_bp
    from mortgage_cloud.identity.page_routes import bp as wechat_login_page_bp
    from mortgage_cloud.identity.routes import bp as identity_bp
    from mortgage_cloud.kiosk.bank_routes import bp as bank_kiosk_bp
    from mortgage_cloud.kiosk.page_routes import bp as kiosk_page_bp
    from mortgage_cloud.kiosk.routes import bp as kiosk_bp
    from mortgage_cloud.review.admin_routes import bp as registry_staff_admin_bp
    from mortgage_cloud.review.console_routes import bp as registry_console_page_bp
    from mortgage_cloud.review.document_routes import bp as registry_staff_documents_bp
    from mortgage_cloud.review.institution_routes import bp as registry_staff_institutions_bp
    from mortgage_cloud.review.routes import bp as registry_staff_bp
    from mortgage_cloud.review.unit_routes import bp as registry_staff_units_bp
    from mortgage_cloud.statistics.routes import bp as registry_statistics_bp
    from mortgage_cloud.valuation.routes import bp as valuation_bp

    for blueprint in (health_bp, identity_bp, wechat_callback_bp, consents_bp, borrower_applications_bp,
                      banks_bp, bank_applications_bp, valuation_bp, public_bp, bank_webhooks_bp,
                      bank_openapi_bp, registry_staff_bp, bank_officers_bp, bank_certificates_bp, platform_ca_bp,
                      bank_kiosk_bp, kiosk_bp, kiosk_page_bp, registry_staff_admin_bp,
                      console_auth_bp, console_applications_bp, console_valuations_bp, console_page_bp,
                      registry_staff_units_bp, registry_statistics_bp, registry_console_page_bp,
                      registry_staff_documents_bp, registry_staff_institutions_bp, h5_common_bp,
                      wechat_login_page_bp):
        app.blueprint(blueprint)

    install_response_signing(app)
    set_status_reply_provider(latest_status_text)


def _register_lifecycle(app: Sanic, settings: Settings) -> None:
    @app.before_server_start
    async def open_runtime(app: Sanic) -> None:
        app.ctx.runtime = await start_runtime(settings, warm_up=True)
        log.info("server starting", extra={"port": settings.port})

    @app.after_server_stop
    async def close_runtime(app: Sanic) -> None:
        await stop_runtime()
        log.info("server stopped")


def _register_request_ids(app: Sanic) -> None:
    @app.on_request
    async def assign_request_id(request: Request) -> None:
        incoming = request.headers.get("X-Request-Id", "")
        request.ctx.request_id = incoming if _is_safe_request_id(incoming) else uuid.uuid4().hex
        request_id_var.set(request.ctx.request_id)
        application_id_var.set(None)

    @app.on_response
    async def echo_request_id(request: Request, response: HTTPResponse) -> None:
        request_id = getattr(request.ctx, "request_id", None)
        if request_id:
            response.headers["X-Request-Id"] = request_id


def _is_safe_request_id(value: str) -> bool:
    return 8 <= len(value) <= 64 and all(ch.isalnum() or ch in "-_" for ch in value)


def _register_error_handlers(app: Sanic) -> None:
    @app.exception(AppError)
    async def render_app_error(request: Request, error: AppError) -> HTTPResponse:
        level = logging.WARNING if error.status >= 500 else logging.INFO
        log.log(level, "request failed", extra={"code": error.code, "status": error.status, "path": request.path})
        return json(error.to_dict(), status=error.status)

    @app.exception(SanicException)
    async def render_sanic_error(request: Request, error: SanicException) -> HTTPResponse:
        status = getattr(error, "status_code", 500)
        code, message = _SANIC_ERRORS.get(status, ("HTTP_ERROR", "请求无法处理。"))
        log.info("request failed", extra={"code": code, "status": status, "path": request.path})
        return json({"code": code, "message": message}, status=status)

    @app.exception(Exception)
    async def render_unexpected(request: Request, error: Exception) -> HTTPResponse:
        log.exception("unexpected error", extra={"path": request.path})
        return json({"code": "INTERNAL_ERROR", "message": "系统繁忙，请稍后重试。"}, status=500)


_SANIC_ERRORS = {
    400: ("BAD_REQUEST", "请求格式有误，请检查后重试。"),
    404: ("NOT_FOUND", "请求的地址不存在。"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法。"),
    413: ("PAYLOAD_TOO_LARGE", "请求内容或地址过长（请求体上限 20 MB），请压缩图片或精简内容后重试。"),
}
