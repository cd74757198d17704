"""One exception root for every error a client can see, rendered as `{code, message, context}`."""

from typing import Any


class AppError(Exception):
    """An error with an HTTP status, a stable English code and a Chinese message for people."""

    status = 400
    code = "BAD_REQUEST"
    message = "请求有误，请检查后重试。"

    def __init__(self, message: str | None = None, *, code: str | None = None, **context: Any) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.context = context
        super().__init__(f"{self.code}: {self.message}")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON error body shared by every route."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.context:
            body["context"] = self.context
        return body


class ValidationFailed(AppError):
    status = 422
    code = "VALIDATION_FAILED"
    message = "提交的数据有误，请按提示修改后重试。"


class AuthenticationRequired(AppError):
    status = 401
    code = "AUTHENTICATION_REQUIRED"
    message = "请先登录。"


class Forbidden(AppError):
    status = 403
    code = "FORBIDDEN"
    message = "您无权进行此操作。"


class NotFound(AppError):
    status = 404
    code = "NOT_FOUND"
    message = "未找到请求的记录。"


class Conflict(AppError):
    status = 409
    code = "CONFLICT"
    message = "当前状态不允许此操作，请刷新后重试。"


class ProviderUnavailable(AppError):
    """An outside provider failed (timeout, rate limit, quota); it never counts against the user."""

    status = 503
    code = "PROVIDER_UNAVAILABLE"
    message = "第三方服务暂时不可用，请稍后重试，本次不计入失败次数。"


def field_error(field: str, message: str, *, code: str = "VALIDATION_FAILED") -> ValidationFailed:
    """Build a validation error that names the offending field."""
    return ValidationFailed(message, code=code, field=field)
