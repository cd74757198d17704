"""Errors of the signed bank API: each has a stable code that bank systems can branch on."""

from mortgage_cloud.errors import AppError, AuthenticationRequired, Conflict, Forbidden


class SignatureMissing(AuthenticationRequired):
    code = "SIGNATURE_MISSING"
    message = "请求缺少 Authorization 签名头，请按银行接口文档对请求签名。"


class AuthorizationMalformed(AuthenticationRequired):
    code = "AUTHORIZATION_MALFORMED"
    message = "Authorization 签名头格式有误，请按银行接口文档检查各参数。"


class TimestampOutOfWindow(AuthenticationRequired):
    code = "TIMESTAMP_OUT_OF_WINDOW"
    message = "请求时间戳与平台时间相差过大，请校准系统时钟后重新签名。"


class NonceReplayed(AuthenticationRequired):
    code = "NONCE_REPLAYED"
    message = "该随机串已使用过，请为每个请求生成新的随机串并重新签名。"


class CertificateUnknown(AuthenticationRequired):
    code = "CERTIFICATE_UNKNOWN"
    message = "签名证书序列号未在平台登记，或不属于该机构。"


class CertificateRevoked(AuthenticationRequired):
    code = "CERTIFICATE_REVOKED"
    message = "签名证书已吊销或不在有效期内，请使用有效证书签名。"


class SignatureInvalid(AuthenticationRequired):
    code = "SIGNATURE_INVALID"
    message = "请求签名验证失败，请检查签名串的构造与私钥。"


class OfficerHeaderUnsigned(AuthenticationRequired):
    code = "OFFICER_HEADER_UNSIGNED"
    message = "请求带有 Mc-Officer-Id，但签名串未包含经办人编号，请按银行接口文档把经办人编号写入签名串后重新签名。"


class InstitutionSuspended(Forbidden):
    code = "INSTITUTION_SUSPENDED"
    message = "该机构已暂停接入平台，请联系平台运营方。"


class OfficerIdInvalid(Forbidden):
    code = "OFFICER_ID_INVALID"
    message = "Mc-Officer-Id 须为带连字符的经办人编号（UUID），且每个请求只能带一个。"


class OfficerNotFound(Forbidden):
    code = "OFFICER_NOT_FOUND"
    message = "Mc-Officer-Id 指定的经办人不存在。"


class OfficerOfOtherInstitution(Forbidden):
    code = "OFFICER_OF_OTHER_INSTITUTION"
    message = "Mc-Officer-Id 指定的经办人不属于本机构，请使用本机构经办人的编号。"


class OfficerDisabled(Forbidden):
    code = "OFFICER_DISABLED"
    message = "Mc-Officer-Id 指定的经办人已停用，请由本机构主管重新启用，或换用其他经办人。"


class OfficerRoleForbidden(Forbidden):
    code = "OFFICER_ROLE_FORBIDDEN"
    message = "经办人的角色无权进行此操作，请由具有相应角色的经办人办理。"


class IdempotencyKeyMissing(AppError):
    status = 400
    code = "IDEMPOTENCY_KEY_MISSING"
    message = "POST 请求必须带 Idempotency-Key 请求头，重试时请使用同一个值。"


class IdempotencyKeyInvalid(AppError):
    status = 400
    code = "IDEMPOTENCY_KEY_INVALID"
    message = "Idempotency-Key 须为 1 至 64 位字母、数字或 - _ . : 字符。"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    message = "该 Idempotency-Key 已用于另一个不同的请求，请为新请求使用新的值。"


class IdempotencyInProgress(Conflict):
    code = "IDEMPOTENCY_IN_PROGRESS"
    message = "使用该 Idempotency-Key 的请求仍在处理中，请稍后用同一个值重试以取得结果。"
