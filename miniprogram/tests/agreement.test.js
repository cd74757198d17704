const test = require('node:test');
const assert = require('node:assert/strict');

const { agreementPreview, expiryDate } = require('../utils/agreement');
const { consentView } = require('../utils/consents');

test('expiryDate counts days in Beijing time', () => {
  // 16:30 UTC is already the next day in Beijing.
  assert.equal(expiryDate(30, new Date('2026-12-04T16:30:00Z')), '2027年01月04日');
});

test('agreementPreview names borrower and institution', () => {
  const text = agreementPreview({
    borrowerName: '张三', institutionName: '测试银行股份有限公司', purpose: '办理个人住房贷款抵押登记', validDays: 30,
    now: new Date('2026-12-04T02:00:00Z'),
  });
  assert.match(text, /委托人（借款人）：张三/);
  assert.match(text, /受托机构：测试银行股份有限公司/);
  assert.match(text, /查询用途为：办理个人住房贷款抵押登记/);
  assert.match(text, /至2027年01月03日止/);
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
