"""Errors of the officers' console, each with a stable code and a Chinese message."""

from mortgage_cloud.errors import AppError, AuthenticationRequired, Forbidden

FAILURE_WINDOW_MINUTES = 15


class LoginFailed(AuthenticationRequired):
    code = "CONSOLE_LOGIN_FAILED"
    message = "机构代码、账号或密码错误。首次登录请使用主管发放的一次性激活码设置密码。"


class LoginLocked(AppError):
    status = 429
    code = "CONSOLE_LOGIN_LOCKED"
    message = f"该账号登录失败次数过多，已锁定，请 {FAILURE_WINDOW_MINUTES} 分钟后再试。"


class OfficerDisabled(Forbidden):
    code = "CONSOLE_OFFICER_DISABLED"
    message = "该经办人账号已停用，请联系本机构主管。"


class SetupCodeInvalid(AuthenticationRequired):
    code = "CONSOLE_SETUP_CODE_INVALID"
    message = "机构代码、账号或一次性激活码错误，或激活码已过期，请联系主管重新发放。"


class SessionRequired(AuthenticationRequired):
    code = "CONSOLE_SESSION_REQUIRED"
    message = "请先登录：请求缺少 Authorization: Bearer 登录凭证。"


class SessionInvalid(AuthenticationRequired):
    code = "CONSOLE_SESSION_INVALID"
    message = "登录已过期或已失效（账号被停用、角色或密码被修改），请重新登录。"


class InstitutionSuspended(Forbidden):
    code = "INSTITUTION_SUSPENDED"
    message = "本机构已暂停使用平台，请联系平台运营方。"
