const test = require('node:test');
const assert = require('node:assert/strict');

const { ApiError, errorFromResponse, messageOf, networkError, recoveryRouteOf } = require('../utils/errors');

test('errorFromResponse keeps platform code', () => {
  const error = errorFromResponse(403, { code: 'FACE_NOT_FRESH', message: '请重新核验。' });
  assert.equal(error.code, 'FACE_NOT_FRESH');
});

test('errorFromResponse keeps platform message', () => {
  const error = errorFromResponse(409, { code: 'ALREADY_SIGNED', message: '您已签署过该申请的文件。' });
  assert.equal(error.message, '您已签署过该申请的文件。');
});

test('errorFromResponse keeps context and status', () => {
  const error = errorFromResponse(422, { code: 'VALIDATION_FAILED', message: '有误', context: { field: 'phone' } });
  assert.equal(error.context.field, 'phone');
  assert.equal(error.status, 422);
});

test('errorFromResponse gateway body uses status message', () => {
  const error = errorFromResponse(502, '<html>Bad Gateway</html>');
  assert.equal(error.message, '服务暂时不可用，请稍后重试。');
  assert.equal(error.code, 'HTTP_502');
});

test('errorFromResponse unknown 4xx has Chinese fallback', () => {
  const error = errorFromResponse(418, null);
  assert.equal(error.message, '操作失败，请稍后重试。');
});

test('networkError timeout message', () => {
  const error = networkError('request:fail timeout');
  assert.equal(error.code, 'NETWORK_TIMEOUT');
  assert.equal(error.message, '请求超时，请检查网络后重试。');
});

test('networkError other failure message', () => {
  const error = networkError('request:fail net::ERR_CONNECTION_REFUSED');
  assert.equal(error.code, 'NETWORK_ERROR');
  assert.equal(error.status, 0);
});

test('messageOf cancelled camera is silent', () => {
  assert.equal(messageOf({ errMsg: 'chooseMedia:fail cancel' }), '');
});

test('messageOf WeChat failure is Chinese', () => {
  assert.equal(messageOf({ errMsg: 'openDocument:fail filetype not supported' }), '操作失败，请稍后重试。');
});

test('messageOf script error hides English', () => {
  assert.equal(messageOf(new TypeError('x is undefined')), '操作失败，请稍后重试。');
});

test('messageOf ApiError shows its message', () => {
  const error = new ApiError({ status: 409, code: 'NOT_SUBMITTABLE', message: '当前状态不能提交。' });
  assert.equal(messageOf(error), '当前状态不能提交。');
});

test('recoveryRouteOf maps codes to pages', () => {
  const cases = [
    ['SESSION_EXPIRED', '/pages/login/index'],
    ['AUTHENTICATION_REQUIRED', '/pages/login/index'],
    ['IDENTITY_NOT_VERIFIED', '/pages/identity/index'],
    ['IDENTITY_MISSING', '/pages/identity/index'],
    ['FACE_NOT_FRESH', '/pages/face/index'],
    ['FACE_NOT_MATCHED', '/pages/face/index'],
    ['UNIT_SEIZED', null],
  ];
  for (const [code, route] of cases) {
    assert.equal(recoveryRouteOf({ code }), route, code);
  }
});
