// Error mapping: every failure a page can meet becomes an ApiError with a Chinese message for the
// borrower and, where one exists, the page that fixes it.

const ROUTES = {
  login: '/pages/login/index',
  identity: '/pages/identity/index',
  face: '/pages/face/index',
};

// Platform error codes whose fix is another page, not a retry.
const RECOVERY_ROUTES = {
  AUTHENTICATION_REQUIRED: ROUTES.login,
  SESSION_EXPIRED: ROUTES.login,
  WECHAT_CODE_INVALID: ROUTES.login,
  IDENTITY_MISSING: ROUTES.identity,
  IDENTITY_NOT_VERIFIED: ROUTES.identity,
  FACE_NOT_FRESH: ROUTES.face,
  FACE_NOT_MATCHED: ROUTES.face,
};

const STATUS_MESSAGES = {
  400: '请求有误，请检查后重试。',
  401: '登录已失效，请重新登录。',
  403: '您无权进行此操作。',
  404: '未找到请求的记录。',
  409: '当前状态不允许此操作，请刷新后重试。',
  413: '上传的文件过大，请压缩后重试。',
  422: '提交的数据有误，请按提示修改后重试。',
  429: '操作过于频繁，请稍后再试。',
};

const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试。';
const TIMEOUT_MESSAGE = '请求超时，请检查网络后重试。';
const SERVER_MESSAGE = '服务暂时不可用，请稍后重试。';
const UNKNOWN_MESSAGE = '操作失败，请稍后重试。';

class ApiError extends Error {
  constructor({ status, code, message, context }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.context = context || {};
  }
}

function hasText(value) {
  return typeof value === 'string' && value.trim() !== '';
}

// Builds the error of a response with status >= 400 from the platform's `{code, message, context}` body.
function errorFromResponse(statusCode, body) {
  if (body && typeof body === 'object' && hasText(body.code) && hasText(body.message)) {
    return new ApiError({ status: statusCode, code: body.code, message: body.message, context: body.context });
  }

  // A proxy or gateway sent this response, not the platform, so only the status is known.
  const message = STATUS_MESSAGES[statusCode] || (statusCode >= 500 ? SERVER_MESSAGE : UNKNOWN_MESSAGE);
  return new ApiError({ status: statusCode, code: `HTTP_${statusCode}`, message });
}

// Builds the error of a request that got no response; `errMsg` is WeChat's or fetch's failure text.
function networkError(errMsg) {
  const timedOut = /timeout|timed out/i.test(String(errMsg || ''));
  return new ApiError({
    status: 0,
    code: timedOut ? 'NETWORK_TIMEOUT' : 'NETWORK_ERROR',
    message: timedOut ? TIMEOUT_MESSAGE : NETWORK_MESSAGE,
    context: { errMsg: String(errMsg || '') },
  });
}

// True for a WeChat API failure the user caused on purpose, such as closing the camera.
function isCancelled(error) {
  return Boolean(error && typeof error.errMsg === 'string' && /cancel/i.test(error.errMsg));
}

// Returns the Chinese message to show for any thrown value, or '' when nothing should be shown.
function messageOf(error) {
  if (isCancelled(error)) {
    return '';
  }
  // Only platform errors carry a message written for people; a WeChat errMsg or a script error is English.
  if (error && hasText(error.code) && hasText(error.message)) {
    return error.message;
  }
  return UNKNOWN_MESSAGE;
}

// Returns the page that lets the borrower fix the error, or null when retrying is the fix.
function recoveryRouteOf(error) {
  if (!error || !hasText(error.code)) {
    return null;
  }
  return RECOVERY_ROUTES[error.code] || null;
}

module.exports = {
  ApiError,
  ROUTES,
  errorFromResponse,
  networkError,
  isCancelled,
  messageOf,
  recoveryRouteOf,
};
