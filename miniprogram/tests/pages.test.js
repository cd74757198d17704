// Page scripts under a fake `wx`: the screens call the API, show the platform's Chinese messages and navigate.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { installFakeWx } = require('./support/fake_wx');

const fake = installFakeWx();
const APPLICATION_ID = '0b6b8c1e-5b7a-4d1e-9a53-2f4c8d9e1a70';

function pagePath(name) {
  return path.join(__dirname, '..', 'pages', name, 'index.js');
}

// Serves wx.request by method and path like a tiny platform. Unknown routes return 404 with a platform error body.
function serve(routes) {
  fake.on('request', (options) => {
    const route = `${options.method} ${new URL(options.url).pathname}`;
    if (route in routes) {
      return routes[route];
    }
    return { statusCode: 404, data: { code: 'NOT_FOUND', message: '未找到请求的记录。' } };
  });
}

function modalContents() {
  return fake.callsOf('showModal').map((options) => options.content);
}

test.beforeEach(() => fake.reset());

test('login page stores token and opens home', async () => {
  fake.on('login', () => ({ code: 'wx-code-1' }));
  serve({ 'POST /api/v1/auth/mini-program/login': { statusCode: 200, data: { token: 'tok-9', borrower: {} } } });
  const page = fake.openPage(pagePath('login'));
  await page.onLogin();
  assert.equal(fake.storage.getStorageSync('mc_session_token'), 'tok-9');
  assert.deepEqual(fake.callsOf('reLaunch').map((options) => options.url), ['/pages/home/index']);
});

test('login page shows invalid code message', async () => {
  fake.on('login', () => ({ code: 'used-code' }));
  const message = '微信登录凭证无效、已过期或已被使用，请重新登录。';
  serve({ 'POST /api/v1/auth/mini-program/login': { statusCode: 401, data: { code: 'WECHAT_CODE_INVALID', message } } });
  const page = fake.openPage(pagePath('login'));
  await page.onLogin();
  assert.deepEqual(modalContents(), [message]);
  assert.equal(page.data.busy, false);
});

test('login page network failure message', async () => {
  fake.on('login', () => ({ code: 'c' }));
  fake.on('request', () => {
    throw { errMsg: 'request:fail timeout' };
  });
  const page = fake.openPage(pagePath('login'));
  await page.onLogin();
  assert.deepEqual(modalContents(), ['请求超时，请检查网络后重试。']);
});

test('identity page opens face check after declaring', async () => {
  serve({ 'PUT /api/v1/me/identity': { statusCode: 200, data: { identity_declared: true } } });
  const page = fake.openPage(pagePath('identity'));
  page.setData({ name: '张三', idNumber: '11010519491231002x', phone: '13800000000' });
  await page.onSubmit();
  const sent = fake.callsOf('request')[0].data;
  assert.equal(sent.id_number, '11010519491231002X');
  assert.deepEqual(fake.callsOf('navigateTo').map((options) => options.url), ['/pages/face/index?purpose=login']);
});

test('identity page missing field asks locally', async () => {
  const page = fake.openPage(pagePath('identity'));
  page.setData({ name: '张三', idNumber: '', phone: '' });
  await page.onSubmit();
  assert.equal(fake.callsOf('request').length, 0);
  assert.equal(fake.callsOf('showToast')[0].title, '请填写姓名、身份证号码和手机号码');
});

test('face page failed liveness shows hint', async () => {
  fake.on('chooseMedia', () => ({ tempFiles: [{ tempFilePath: '/tmp/face.jpg', size: 1000 }] }));
  serve({
    'POST /api/v1/me/face-verifications': { statusCode: 201, data: { passed: false, liveness_passed: false } },
  });
  const page = fake.openPage(pagePath('face'));
  page.onLoad({ purpose: 'signing' });
  await page.onCapture();
  assert.equal(page.data.result.passed, false);
  assert.match(page.data.result.hint, /活体检测/);
  assert.equal(fake.callsOf('request')[0].data.purpose, 'signing');
});

test('face page cancelled camera shows nothing', async () => {
  fake.on('chooseMedia', () => {
    throw { errMsg: 'chooseMedia:fail cancel' };
  });
  const page = fake.openPage(pagePath('face'));
  page.onLoad({});
  await page.onCapture();
  assert.equal(fake.callsOf('showModal').length, 0);
  assert.equal(page.data.busy, false);
});

test('properties page maps status and reasons', async () => {
  const item = {
    unit_no: '430102001001GB00001F00010001', location: '长沙市某路1号', can_mortgage: false, needs_manual_review: false,
    reasons: [{ code: 'UNIT_SEIZED', message: '该不动产已被查封，依法不得办理抵押登记。' }], restrictions: [], mortgages: [],
  };
  serve({ 'GET /api/v1/me/properties': { statusCode: 200, data: { items: [item], identity_verified: true } } });
  const page = fake.openPage(pagePath('properties'));
  await page.load();
  assert.equal(page.data.items[0].statusLabel, '不能办理抵押');
  assert.deepEqual(page.data.items[0].reasons, ['该不动产已被查封，依法不得办理抵押登记。']);
});

test('application page shows progress and sign action', async () => {
  const status = {
    id: APPLICATION_ID, application_no: 'DY1', state: 'signing', mortgage_type: 'general', secured_amount: '1.00',
    signers: [{ role: 'mortgagor', name: '张三', signed: false, is_caller: true }],
    timeline: [{ state: 'documents_ready', at: '2026-12-04T01:00:00+00:00', actor: 'institution', reasons: [] }],
  };
  serve({
    [`GET /api/v1/applications/${APPLICATION_ID}`]: { statusCode: 200, data: status },
  });
  const page = fake.openPage(pagePath('application'));
  page.onLoad({ id: APPLICATION_ID });
  await page.load();
  page.onUnload();
  assert.equal(page.data.view.canSign, true);
  assert.equal(page.data.steps.find((step) => step.state === 'signing').mark, 'current');
  assert.equal(page.data.timeline[0].actor, '银行');
});

test('application page submit refused shows message', async () => {
  const message = '尚有共有人未签署，共同共有须全体共有人签署，按份共有须抵押份额的共有人签署。';
  serve({ [`POST /api/v1/applications/${APPLICATION_ID}/submit`]: { statusCode: 409, data: { code: 'CO_OWNER_NOT_SIGNED', message } } });
  const page = fake.openPage(pagePath('application'));
  page.onLoad({ id: APPLICATION_ID });
  await page.onSubmit();
  assert.deepEqual(modalContents(), [message]);
  assert.equal(fake.callsOf('requestSubscribeMessage').length, 1);
});

test('sign page without ink asks for signature', async () => {
  serve({ 'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } } });
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  await page.onSign();
  assert.equal(fake.callsOf('request').filter((options) => options.method === 'POST').length, 0);
  assert.equal(fake.callsOf('showToast')[0].title, '请在签名区域手写您的姓名');
});

const FACE_REJECTIONS = [
  ['stale face check', 'FACE_NOT_FRESH', '签署前须在有效期内完成人脸核验，请重新核验。'],
  ['failed face match', 'FACE_NOT_MATCHED', '最近一次人脸核验未通过，未能确认为身份证本人。请本人重新进行人脸核验，通过后再签署。'],
];

for (const [name, code, message] of FACE_REJECTIONS) {
  test(`sign page ${name} resets step one`, async () => {
    serve({
      'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } },
      [`POST /api/v1/applications/${APPLICATION_ID}/signatures`]: { statusCode: 403, data: { code, message } },
    });
    fake.on('canvasToTempFilePath', () => ({ tempFilePath: '/tmp/sign.png' }));
    const page = fake.openPage(pagePath('sign'));
    page.onLoad({ id: APPLICATION_ID });
    page.onReady();
    page.setData({ faceVerified: true, read: true });
    page.onTouchStart({ touches: [{ x: 0, y: 0 }] });
    page.onTouchMove({ touches: [{ x: 200, y: 0 }] });
    page.onTouchEnd();
    await page.onSign();
    assert.equal(page.data.faceVerified, false);
    assert.deepEqual(modalContents(), [message]);
  });
}

test('sign page draws and sends signature', async () => {
  serve({
    'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } },
    [`POST /api/v1/applications/${APPLICATION_ID}/signatures`]: { statusCode: 201, data: { state: 'signing' } },
  });
  fake.on('canvasToTempFilePath', () => ({ tempFilePath: '/tmp/sign.png' }));
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  page.onReady();
  page.onTouchStart({ touches: [{ x: 10, y: 10 }] });
  page.onTouchMove({ touches: [{ x: 120, y: 40 }] });
  page.onTouchEnd();
  await page.onSign();
  const posted = fake.callsOf('request').find((options) => options.method === 'POST');
  assert.deepEqual(posted.data, { signature_image: 'iVBORw0KGgo=' });
  assert.deepEqual(fake.drawn.filter(([name]) => name === 'lineTo'), [['lineTo', 120, 40]]);
  assert.deepEqual(fake.callsOf('canvasToTempFilePath')[0].destWidth, 600);
});

const INSTITUTION = { id: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b', name: '测试银行股份有限公司', kind: 'bank' };
const PREVIEW = {
  agreement_text: '委托查询协议\n委托人（借款人）：张三\n受托机构：测试银行股份有限公司',
  agreement_version: '2026.12',
  agreement_sha256: 'a'.repeat(64),
  expires_at: '2027-01-03T02:00:00+00:00',
};

function grantedConsent(agreementSha256) {
  return {
    id: 'c1', institution_id: INSTITUTION.id, valid: true, revoked_at: null, granted_at: '2026-12-04T02:00:00+00:00',
    expires_at: PREVIEW.expires_at, agreement_version: '2026.12', agreement_text: PREVIEW.agreement_text,
    agreement_sha256: agreementSha256,
  };
}

function consentRoutes(overrides = {}) {
  return {
    'GET /api/v1/institutions': { statusCode: 200, data: { items: [INSTITUTION] } },
    'GET /api/v1/consents': { statusCode: 200, data: { items: [] } },
    'GET /api/v1/consents/agreement': { statusCode: 200, data: PREVIEW },
    ...overrides,
  };
}

test('consent page shows platform agreement', async () => {
  serve(consentRoutes());
  const page = fake.openPage(pagePath('consent'));
  await page.onShow();
  const previewRequest = fake.callsOf('request').find((options) => options.url.includes('/consents/agreement'));
  assert.equal(page.data.agreement.text, PREVIEW.agreement_text);
  assert.equal(page.data.agreement.sha256, PREVIEW.agreement_sha256);
  assert.equal(new URL(previewRequest.url).searchParams.get('institution_id'), INSTITUTION.id);
});

test('consent page unverified shows fix inline', async () => {
  const message = '请先完成实名认证和人脸核验，再进行授权。';
  serve(consentRoutes({
    'GET /api/v1/consents/agreement': { statusCode: 403, data: { code: 'IDENTITY_NOT_VERIFIED', message } },
  }));
  const page = fake.openPage(pagePath('consent'));
  await page.onShow();
  page.onFixAgreement();
  assert.equal(page.data.agreement, null);
  assert.equal(page.data.agreementError, message);
  assert.deepEqual(fake.callsOf('navigateTo').map((options) => options.url), ['/pages/identity/index']);
  assert.equal(fake.callsOf('showModal').length, 0);
});

test('consent page grant matches preview', async () => {
  serve(consentRoutes({ 'POST /api/v1/consents': { statusCode: 201, data: grantedConsent(PREVIEW.agreement_sha256) } }));
  const page = fake.openPage(pagePath('consent'));
  await page.onShow();
  page.onAgreeChange({ detail: { value: ['agreed'] } });
  await page.onGrant();
  assert.equal(page.data.granted.matchesPreview, true);
  assert.equal(fake.callsOf('showModal').length, 0);
});

test('consent page changed text warns borrower', async () => {
  serve(consentRoutes({ 'POST /api/v1/consents': { statusCode: 201, data: grantedConsent('b'.repeat(64)) } }));
  const page = fake.openPage(pagePath('consent'));
  await page.onShow();
  page.onAgreeChange({ detail: { value: ['agreed'] } });
  await page.onGrant();
  assert.equal(page.data.granted.matchesPreview, false);
  assert.match(modalContents()[0], /不一致/);
});

test('consent page grant before preview does nothing', async () => {
  serve(consentRoutes({ 'GET /api/v1/consents/agreement': { statusCode: 503, data: null } }));
  const page = fake.openPage(pagePath('consent'));
  await page.onShow();
  await page.onGrant();
  assert.equal(fake.callsOf('request').filter((options) => options.method === 'POST').length, 0);
  assert.equal(page.data.agreementError, '服务暂时不可用，请稍后重试。');
});

test('sign page shows fresh face check', async () => {
  serve({
    'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } },
    'GET /api/v1/me/face-verifications/latest': {
      statusCode: 200,
      data: { fresh: true, verification_id: 'v', purpose: 'signing', valid_until: '2026-12-04T02:10:00+00:00' },
    },
  });
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  await page.onShow();
  const lookup = fake.callsOf('request').find((options) => options.url.includes('/latest'));
  assert.equal(page.data.faceVerified, true);
  assert.equal(page.data.faceValidUntil, '2026-12-04 10:10');
  assert.equal(new URL(lookup.url).searchParams.get('purpose'), 'signing');
});

// Opens the sign page on a platform whose latest signing face check is not fresh for `reason`.
async function openSignPageWithStaleCheck(reason) {
  serve({
    'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } },
    'GET /api/v1/me/face-verifications/latest': {
      statusCode: 200, data: { fresh: false, verification_id: null, purpose: null, valid_until: null, reason },
    },
  });
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  page.setData({ faceVerified: true, faceValidUntil: '2026-12-04 10:10' });
  await page.onShow();
  return page;
}

test('sign page stale face check asks again', async () => {
  const page = await openSignPageWithStaleCheck('expired');
  assert.equal(page.data.faceVerified, false);
  assert.equal(page.data.faceValidUntil, '');
});

const STALE_REASON_HINTS = [
  ['none', /还没有完成人脸核验/],
  ['expired', /已超过有效时间/],
  ['not_matched', /未通过.*未能确认为身份证本人/],
  ['provider_error', /服务暂时繁忙.*不计为失败/],
];

for (const [reason, hint] of STALE_REASON_HINTS) {
  test(`sign page stale reason ${reason} hint`, async () => {
    const page = await openSignPageWithStaleCheck(reason);
    assert.match(page.data.faceHint, hint);
  });
}

test('sign page provider error not called mismatch', async () => {
  const page = await openSignPageWithStaleCheck('provider_error');
  assert.doesNotMatch(page.data.faceHint, /未通过|比对/);
});

test('sign page unknown stale reason generic hint', async () => {
  const page = await openSignPageWithStaleCheck('constructor');
  assert.equal(page.data.faceHint, '请完成人脸核验后再继续办理。');
});

test('sign page fresh check clears hint', async () => {
  serve({
    'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } },
    'GET /api/v1/me/face-verifications/latest': {
      statusCode: 200,
      data: { fresh: true, verification_id: 'v', purpose: 'signing', valid_until: '2026-12-04T02:10:00+00:00', reason: null },
    },
  });
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  page.setData({ faceHint: '上次人脸核验已超过有效时间，请重新核验。' });
  await page.onShow();
  assert.equal(page.data.faceHint, '');
});

test('sign page lookup failure keeps step one', async () => {
  serve({ 'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } } });
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  await page.onShow();
  assert.equal(page.data.faceVerified, false);
  assert.equal(fake.callsOf('showModal').length, 0);
});

test('sign page face pass shows valid until', async () => {
  fake.on('chooseMedia', () => ({ tempFiles: [{ tempFilePath: '/tmp/face.jpg', size: 1000 }] }));
  serve({
    'GET /api/v1/me': { statusCode: 200, data: { name: '张三' } },
    'POST /api/v1/me/face-verifications': {
      statusCode: 201,
      data: { verification_id: 'v', passed: true, liveness_passed: true, valid_until: '2026-12-04T02:10:00+00:00' },
    },
  });
  const page = fake.openPage(pagePath('sign'));
  page.onLoad({ id: APPLICATION_ID });
  await page.onVerifyFace();
  assert.equal(page.data.faceVerified, true);
  assert.equal(page.data.faceValidUntil, '2026-12-04 10:10');
});

test('face page pass shows valid until', async () => {
  fake.on('chooseMedia', () => ({ tempFiles: [{ tempFilePath: '/tmp/face.jpg', size: 1000 }] }));
  serve({
    'POST /api/v1/me/face-verifications': {
      statusCode: 201,
      data: { verification_id: 'v', passed: true, liveness_passed: true, valid_until: '2026-12-04T02:10:00+00:00' },
    },
  });
  const page = fake.openPage(pagePath('face'));
  page.onLoad({ purpose: 'signing' });
  await page.onCapture();
  assert.equal(page.data.result.validUntil, '2026-12-04 10:10');
});

test('applications page shows bank and location', async () => {
  const status = {
    id: APPLICATION_ID, application_no: 'DY1', state: 'signing', institution_name: '测试银行股份有限公司',
    location: '长沙市岳麓区某路1号', signers: [{ id: 's1', role: 'mortgagor', name: '张三', signed: false, is_caller: true }],
    timeline: [],
  };
  serve({
    'GET /api/v1/applications/': { statusCode: 200, data: { items: [status] } },
  });
  const page = fake.openPage(pagePath('applications'));
  await page.load();
  assert.equal(page.data.items[0].institutionName, '测试银行股份有限公司');
  assert.equal(page.data.items[0].location, '长沙市岳麓区某路1号');
  assert.equal(page.data.items[0].canSign, true);
});

// The two co-owners share a name, so only the platform's `is_caller` flag marks the caller's signer.
test('application page marks caller signer', async () => {
  const status = {
    id: APPLICATION_ID, application_no: 'DY1', state: 'signing', institution_name: '测试银行股份有限公司', location: '长沙市某路1号',
    signers: [
      { id: 's-bank', role: 'mortgagee', name: '测试银行股份有限公司', signed: true, signed_at: '2026-12-04T01:00:00+00:00', is_caller: false },
      { id: 's-owner', role: 'mortgagor', name: '张三', signed: true, signed_at: '2026-12-04T02:00:00+00:00', is_caller: true },
      { id: 's-co-owner', role: 'mortgagor', name: '张三', signed: false, signed_at: null, is_caller: false },
    ],
    timeline: [],
  };
  serve({
    [`GET /api/v1/applications/${APPLICATION_ID}`]: { statusCode: 200, data: status },
  });
  const page = fake.openPage(pagePath('application'));
  page.onLoad({ id: APPLICATION_ID });
  await page.load();
  page.onUnload();
  assert.deepEqual(page.data.view.signers.map((signer) => signer.isCaller), [false, true, false]);
  assert.equal(page.data.view.callerSigned, true);
  assert.equal(page.data.view.canSign, false);
  assert.equal(page.data.view.institutionName, '测试银行股份有限公司');
});
