// The borrower API of the platform, as plain async functions. It needs no WeChat global, because
// the transport (wx.request or fetch) and the token storage are passed in.

const { ApiError, errorFromResponse } = require('./errors');

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOCUMENT_KINDS = ['mortgage_contract', 'application_form', 'power_of_attorney', 'proof'];
const FACE_PURPOSES = ['login', 'signing'];

function invalidArgument(field, message) {
  return new ApiError({ status: 0, code: 'VALIDATION_FAILED', message, context: { field } });
}

// Checks an identifier before it goes into a URL path, so a bad value never reaches another route.
function requireUuid(value, field) {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw invalidArgument(field, '记录编号无效，请返回列表重新进入。');
  }
  return value.toLowerCase();
}

function requireDocumentKind(kind) {
  if (!DOCUMENT_KINDS.includes(kind)) {
    throw invalidArgument('kind', '文件类型无效，请返回文件列表重新选择。');
  }
  return kind;
}

// Builds a query string by hand, because the mini-program runtime has no URLSearchParams.
function queryString(params) {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

function requirePage(page) {
  if (!Number.isInteger(page) || page < 1) {
    throw invalidArgument('page', '页码无效，请返回第 1 页。');
  }
  return page;
}

// Builds the API client. `transport.request` and `transport.download` resolve with
// `{statusCode, data}` and `{statusCode, tempFilePath, data}`, and reject with an ApiError
// when no response arrived. `session` stores the bearer token.
function createApi({ baseUrl, transport, session }) {
  const root = String(baseUrl).replace(/\/+$/, '');

  function headers() {
    const token = session.getToken();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  async function call(method, path, data) {
    const response = await transport.request({
      method,
      url: root + path,
      header: { ...headers(), 'Content-Type': 'application/json' },
      data,
    });
    if (response.statusCode >= 400) {
      throw errorFromResponse(response.statusCode, response.data);
    }
    return response.data;
  }

  async function download(path) {
    const response = await transport.download({ url: root + path, header: headers() });
    if (response.statusCode >= 400) {
      throw errorFromResponse(response.statusCode, response.data);
    }
    return response.tempFilePath;
  }

  function applicationPath(applicationId) {
    return `/api/v1/applications/${requireUuid(applicationId, 'application_id')}`;
  }

  return {
    // Logs in with the code of wx.login and keeps the session token; returns the borrower's profile.
    async logIn(code) {
      if (typeof code !== 'string' || code === '') {
        throw invalidArgument('code', '未取得微信登录凭证，请重新进入小程序。');
      }
      const answer = await call('POST', '/api/v1/auth/mini-program/login', { code });
      session.setToken(answer.token);
      return answer.borrower;
    },

    async logOut() {
      try {
        await call('POST', '/api/v1/auth/logout');
      } finally {
        session.clear();
      }
    },

    isLoggedIn() {
      return session.getToken() !== '';
    },

    async me() {
      return call('GET', '/api/v1/me');
    },

    async declareIdentity({ name, idNumber, phone }) {
      return call('PUT', '/api/v1/me/identity', { name, id_number: idNumber, phone });
    },

    // Sends a face photo (base64 JPEG or PNG). The response contains passed or not and, after a pass,
    // `valid_until`, never the score.
    async verifyFace({ imageBase64, purpose }) {
      if (!FACE_PURPOSES.includes(purpose)) {
        throw invalidArgument('purpose', '人脸核验用途无效。');
      }
      return call('POST', '/api/v1/me/face-verifications', { image_base64: imageBase64, purpose });
    },

    // Returns `{fresh, verification_id, purpose, valid_until, reason}` of the passed face check that the next
    // action would use. For 'signing' only the latest signing check counts, for 'login' any fresh pass.
    // `reason` is null when fresh, otherwise 'none', 'expired', 'not_matched' or 'provider_error'.
    async latestFaceVerification(purpose) {
      if (!FACE_PURPOSES.includes(purpose)) {
        throw invalidArgument('purpose', '人脸核验用途无效。');
      }
      return call('GET', `/api/v1/me/face-verifications/latest?${queryString({ purpose })}`);
    },

    async listInstitutions() {
      return (await call('GET', '/api/v1/institutions')).items;
    },

    // Returns `{agreement_text, agreement_version, agreement_sha256, expires_at}`: the exact text that a
    // grant with the same fields would record now. The expiry date in the text moves with the day.
    async previewAgreement({ institutionId, purpose, validDays }) {
      const query = queryString({
        institution_id: requireUuid(institutionId, 'institution_id'),
        purpose,
        valid_days: validDays,
      });
      return call('GET', `/api/v1/consents/agreement?${query}`);
    },

    // Grants a lookup consent. The response contains the exact agreement text that the platform recorded.
    async grantConsent({ institutionId, purpose, validDays }) {
      return call('POST', '/api/v1/consents', {
        institution_id: requireUuid(institutionId, 'institution_id'),
        purpose,
        valid_days: validDays,
      });
    },

    async listConsents() {
      return (await call('GET', '/api/v1/consents')).items;
    },

    async revokeConsent(consentId) {
      return call('DELETE', `/api/v1/consents/${requireUuid(consentId, 'consent_id')}`);
    },

    // Returns `{items, identity_verified}`: the register's units of the verified borrower with their status.
    async listProperties() {
      return call('GET', '/api/v1/me/properties');
    },

    async listApplications() {
      return (await call('GET', '/api/v1/applications/')).items;
    },

    async getApplication(applicationId) {
      return call('GET', applicationPath(applicationId));
    },

    async listDocuments(applicationId) {
      return (await call('GET', `${applicationPath(applicationId)}/documents`)).items;
    },

    // Downloads one page image (PNG) of a document; resolves with the local file path.
    async downloadPreviewPage(applicationId, kind, page) {
      const documentPath = `${applicationPath(applicationId)}/documents/${requireDocumentKind(kind)}`;
      return download(`${documentPath}/pages/${requirePage(page)}`);
    },

    // Downloads a signed document or the registration proof as PDF; resolves with the local file path.
    async downloadPdf(applicationId, kind) {
      return download(`${applicationPath(applicationId)}/documents/${requireDocumentKind(kind)}/pdf`);
    },

    // Signs every document with the handwritten signature (base64 PNG); needs a fresh signing face check.
    async sign(applicationId, signatureImageBase64) {
      return call('POST', `${applicationPath(applicationId)}/signatures`, { signature_image: signatureImageBase64 });
    },

    async submit(applicationId) {
      return call('POST', `${applicationPath(applicationId)}/submit`);
    },

    async withdraw(applicationId, reason) {
      return call('POST', `${applicationPath(applicationId)}/withdraw`, { reason });
    },
  };
}

module.exports = { createApi, DOCUMENT_KINDS, FACE_PURPOSES };
