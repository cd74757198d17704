const test = require('node:test');
const assert = require('node:assert/strict');

const { agreementView, grantedView } = require('../utils/agreement');
const { consentView } = require('../utils/consents');

const READ_SHA256 = 'a'.repeat(64);

function consent(overrides = {}) {
  return {
    id: 'c',
    institution_id: 'i',
    expires_at: '2027-01-03T02:00:00+00:00',
    agreement_version: '2026.12',
    agreement_text: '委托查询协议\n委托人（借款人）：张三',
    agreement_sha256: READ_SHA256,
    ...overrides,
  };
}

test('agreementView maps preview fields', () => {
  const view = agreementView({
    agreement_text: '委托查询协议', agreement_version: '2026.12', agreement_sha256: READ_SHA256,
    expires_at: '2027-01-03T16:30:00+00:00',
  });
  assert.equal(view.text, '委托查询协议');
  assert.equal(view.version, '2026.12');
  assert.equal(view.sha256, READ_SHA256);
  // 16:30 UTC is already the next day in Beijing.
  assert.equal(view.expiresAt, '2027-01-04 00:30');
});

test('grantedView same digest matches preview', () => {
  const view = grantedView(consent(), READ_SHA256);
  assert.equal(view.matchesPreview, true);
  assert.equal(view.agreementText, '委托查询协议\n委托人（借款人）：张三');
  assert.equal(view.expiresAt, '2027-01-03 10:00');
});

test('grantedView changed digest flagged', () => {
  const view = grantedView(consent({ agreement_sha256: 'b'.repeat(64) }), READ_SHA256);
  assert.equal(view.matchesPreview, false);
});

test('grantedView without preview never matches', () => {
  const view = grantedView(consent(), '');
  assert.equal(view.matchesPreview, false);
});

test('consentView revoked status', () => {
  const view = consentView({ id: 'c', institution_id: 'i', valid: false, revoked_at: '2026-12-04T02:00:00+00:00' }, []);
  assert.equal(view.statusLabel, '已撤回');
  assert.equal(view.institutionName, '已暂停服务的机构');
});

test('consentView names institution', () => {
  const view = consentView({ id: 'c', institution_id: 'i', valid: true, revoked_at: null }, [{ id: 'i', name: '某银行' }]);
  assert.equal(view.institutionName, '某银行');
  assert.equal(view.statusLabel, '有效');
});
