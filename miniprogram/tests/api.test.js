const test = require('node:test');
const assert = require('node:assert/strict');

const { createApi } = require('../utils/api');
const { createSession } = require('../utils/session');
const { createMemoryStorage } = require('./support/memory_storage');

const APPLICATION_ID = '0b6b8c1e-5b7a-4d1e-9a53-2f4c8d9e1a70';

// A transport that records requests and returns the queued responses in order.
function recordingTransport(responses) {
  const sent = [];
  const next = () => responses.shift() || { statusCode: 200, data: {} };
  return {
    sent,
    request: async (options) => {
      sent.push(options);
      return next();
    },
    download: async (options) => {
      sent.push(options);
      return next();
    },
  };
}

function apiWith(responses, token = '') {
  const transport = recordingTransport(responses);
  const session = createSession(createMemoryStorage());
  if (token) {
    session.setToken(token);
  }
  return { api: createApi({ baseUrl: 'http://127.0.0.1:9/', transport, session }), transport, session };
}

test('logIn stores session token', async () => {
  const { api, session } = apiWith([{ statusCode: 200, data: { token: 'tok-1', borrower: { id: 'b' } } }]);
  await api.logIn('code-1');
  assert.equal(session.getToken(), 'tok-1');
});

test('logIn posts code to login route', async () => {
  const { api, transport } = apiWith([{ statusCode: 200, data: { token: 't', borrower: {} } }]);
  await api.logIn('code-1');
  assert.equal(transport.sent[0].url, 'http://127.0.0.1:9/api/v1/auth/mini-program/login');
  assert.deepEqual(transport.sent[0].data, { code: 'code-1' });
});

test('logIn empty code rejected locally', async () => {
  const { api, transport } = apiWith([]);
  await assert.rejects(api.logIn(''), { code: 'VALIDATION_FAILED' });
  assert.equal(transport.sent.length, 0);
});

test('request sends bearer token', async () => {
  const { api, transport } = apiWith([{ statusCode: 200, data: {} }], 'tok-2');
  await api.me();
  assert.equal(transport.sent[0].header.Authorization, 'Bearer tok-2');
});

test('request without token sends no authorization', async () => {
  const { api, transport } = apiWith([{ statusCode: 200, data: {} }]);
  await api.me();
  assert.equal('Authorization' in transport.sent[0].header, false);
});

test('error response becomes ApiError', async () => {
  const body = { code: 'ID_NUMBER_TAKEN', message: '该身份证号码已绑定其他微信账号。' };
  const { api } = apiWith([{ statusCode: 409, data: body }]);
  await assert.rejects(api.declareIdentity({ name: '张三', idNumber: 'x', phone: 'y' }), {
    code: 'ID_NUMBER_TAKEN',
    message: '该身份证号码已绑定其他微信账号。',
  });
});

test('declareIdentity sends API field names', async () => {
  const { api, transport } = apiWith([{ statusCode: 200, data: {} }]);
  await api.declareIdentity({ name: '张三', idNumber: '11010519491231002X', phone: '13800000000' });
  assert.equal(transport.sent[0].method, 'PUT');
  assert.deepEqual(transport.sent[0].data, { name: '张三', id_number: '11010519491231002X', phone: '13800000000' });
});

test('verifyFace unknown purpose rejected locally', async () => {
  const { api, transport } = apiWith([]);
  await assert.rejects(api.verifyFace({ imageBase64: 'AAAA', purpose: 'payment' }), { code: 'VALIDATION_FAILED' });
  assert.equal(transport.sent.length, 0);
});

test('grantConsent bad institution id rejected', async () => {
  const { api, transport } = apiWith([]);
  await assert.rejects(api.grantConsent({ institutionId: '../admin', purpose: 'p', validDays: 30 }), {
    code: 'VALIDATION_FAILED',
  });
  assert.equal(transport.sent.length, 0);
});

test('getApplication path traversal rejected', async () => {
  const { api, transport } = apiWith([]);
  await assert.rejects(api.getApplication('../../me'), { code: 'VALIDATION_FAILED' });
  assert.equal(transport.sent.length, 0);
});

test('downloadPreviewPage builds page URL', async () => {
  const { api, transport } = apiWith([{ statusCode: 200, tempFilePath: '/tmp/p1.png' }], 't');
  const file = await api.downloadPreviewPage(APPLICATION_ID, 'mortgage_contract', 2);
  assert.equal(file, '/tmp/p1.png');
  assert.equal(transport.sent[0].url, `http://127.0.0.1:9/api/v1/applications/${APPLICATION_ID}/documents/mortgage_contract/pages/2`);
});

test('downloadPreviewPage unknown kind rejected', async () => {
  const { api } = apiWith([]);
  await assert.rejects(api.downloadPreviewPage(APPLICATION_ID, 'secret', 1), { context: { field: 'kind' } });
});

test('downloadPreviewPage page zero rejected', async () => {
  const { api } = apiWith([]);
  await assert.rejects(api.downloadPreviewPage(APPLICATION_ID, 'proof', 0), { context: { field: 'page' } });
});

test('download error body becomes ApiError', async () => {
  const body = { code: 'DOCUMENT_NOT_FOUND', message: '未找到该文件，文件可能尚未生成。' };
  const { api } = apiWith([{ statusCode: 404, tempFilePath: '/tmp/e', data: body }]);
  await assert.rejects(api.downloadPdf(APPLICATION_ID, 'proof'), { code: 'DOCUMENT_NOT_FOUND' });
});

test('sign posts signature image', async () => {
  const { api, transport } = apiWith([{ statusCode: 201, data: { state: 'signing' } }]);
  await api.sign(APPLICATION_ID, 'iVBORw0KGgo=');
  assert.equal(transport.sent[0].url.endsWith(`/api/v1/applications/${APPLICATION_ID}/signatures`), true);
  assert.deepEqual(transport.sent[0].data, { signature_image: 'iVBORw0KGgo=' });
});

test('logOut clears token when request fails', async () => {
  const { api, session } = apiWith([{ statusCode: 503, data: null }], 'tok-3');
  await assert.rejects(api.logOut(), { status: 503 });
  assert.equal(session.getToken(), '');
});

test('list calls unwrap items', async () => {
  const { api } = apiWith([{ statusCode: 200, data: { items: [{ id: 'i1' }] } }]);
  assert.deepEqual(await api.listInstitutions(), [{ id: 'i1' }]);
});

const INSTITUTION_ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';

test('previewAgreement encodes query', async () => {
  const { api, transport } = apiWith([{ statusCode: 200, data: { agreement_sha256: 'x' } }], 't');
  await api.previewAgreement({ institutionId: INSTITUTION_ID, purpose: '办理 抵押&登记', validDays: 30 });
  const url = new URL(transport.sent[0].url);
  assert.equal(transport.sent[0].method, 'GET');
  assert.equal(url.pathname, '/api/v1/consents/agreement');
  assert.equal(url.searchParams.get('institution_id'), INSTITUTION_ID);
  assert.equal(url.searchParams.get('purpose'), '办理 抵押&登记');
  assert.equal(url.searchParams.get('valid_days'), '30');
});

test('previewAgreement bad institution id rejected', async () => {
  const { api, transport } = apiWith([]);
  await assert.rejects(api.previewAgreement({ institutionId: 'x&valid_days=90', purpose: 'p', validDays: 30 }), {
    context: { field: 'institution_id' },
  });
  assert.equal(transport.sent.length, 0);
});

test('latestFaceVerification signing query', async () => {
  const latest = { fresh: true, verification_id: 'v', purpose: 'signing', valid_until: '2026-12-04T02:10:00+00:00' };
  const { api, transport } = apiWith([{ statusCode: 200, data: latest }], 't');
  assert.deepEqual(await api.latestFaceVerification('signing'), latest);
  assert.equal(transport.sent[0].url, 'http://127.0.0.1:9/api/v1/me/face-verifications/latest?purpose=signing');
});

test('latestFaceVerification unknown purpose rejected', async () => {
  const { api, transport } = apiWith([]);
  await assert.rejects(api.latestFaceVerification('payment'), { context: { field: 'purpose' } });
  assert.equal(transport.sent.length, 0);
});
