"""Errors of the kiosk endpoints and of the bank's kiosk-session routes, each with a code the page can branch on."""

from mortgage_cloud.errors import AuthenticationRequired, Conflict, Forbidden, NotFound


class KioskTokenMissing(AuthenticationRequired):
    code = "KIOSK_TOKEN_MISSING"
    message = "缺少智能设备会话令牌，请客户经理在业务系统中重新发起办理。"


class KioskTokenInvalid(AuthenticationRequired):
    code = "KIOSK_TOKEN_INVALID"
    message = "智能设备会话令牌无效，请客户经理在业务系统中重新发起办理。"


class KioskDeviceMissing(AuthenticationRequired):
    code = "KIOSK_DEVICE_MISSING"
    message = "请求缺少 Mc-Device-Id 设备编号，请在智能设备上设置本机编号。"


class KioskDeviceMismatch(Forbidden):
    code = "KIOSK_DEVICE_MISMATCH"
    message = "该会话不属于本设备，请在客户经理指定的智能设备上办理。"


class KioskSessionExpired(AuthenticationRequired):
    code = "KIOSK_SESSION_EXPIRED"
    message = "本次办理已超时，请客户经理重新发起办理。"


class KioskSessionClosed(Conflict):
    code = "KIOSK_SESSION_CLOSED"
    message = "本次办理已结束，请客户经理重新发起办理。"


class KioskSessionNotFound(NotFound):
    code = "KIOSK_SESSION_NOT_FOUND"
    message = "未找到该智能设备会话。"


class KioskBorrowerMismatch(Forbidden):
    code = "KIOSK_BORROWER_MISMATCH"
    message = "该申请的借款人或抵押人中没有本次在智能设备上办理的客户，不能绑定。"


class KioskAlreadyBound(Conflict):
    code = "KIOSK_ALREADY_BOUND"
    message = "该会话已绑定另一笔申请，请为新申请重新发起办理。"


class KioskApplicationNotBound(Conflict):
    code = "KIOSK_APPLICATION_NOT_BOUND"
    message = "客户经理尚未为本次办理关联申请，请稍候。"


class KioskNameMismatch(Conflict):
    code = "KIOSK_NAME_MISMATCH"
    message = "姓名与平台登记的该身份证号码持有人姓名不一致，请核对后重新发起。"


class KioskFaceCheckRequired(Forbidden):
    code = "KIOSK_FACE_CHECK_REQUIRED"
    message = "请先在本设备上完成人脸核验，并在核验通过后的有效时间内继续办理。"


class KioskFaceNotMatched(Forbidden):
    """The session's latest face check within the freshness window failed the face-to-ID match or liveness."""

    code = "FACE_NOT_MATCHED"  # the signing API's code for the same case, so that the page handles both alike
    message = "最近一次人脸核验未通过，未能确认为身份证本人。请本人在本设备上重新进行人脸核验，通过后再确认授权。"


class KioskConsentExists(Conflict):
    code = "KIOSK_CONSENT_EXISTS"
    message = "本次办理已完成委托查询授权，无需重复授权。"


class KioskAgreementChanged(Conflict):
    code = "KIOSK_AGREEMENT_CHANGED"
    message = "协议内容已更新，请重新阅读后再确认授权。"


class KioskRatingExists(Conflict):
    code = "KIOSK_RATING_EXISTS"
    message = "您已对本次办理作出评价，感谢您的反馈。"
