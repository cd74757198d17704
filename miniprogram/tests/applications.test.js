const test = require('node:test');
const assert = require('node:assert/strict');

const { applicationView, callerSigners, signerViews } = require('../utils/applications');

const BANK_SIGNER_ID = '5a0f7a52-1c3e-4b8e-9d6f-0c2b7e4d9a11';
const OWNER_SIGNER_ID = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const CO_OWNER_SIGNER_ID = '8d2f3e4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a';

function status(overrides = {}) {
  return {
    id: 'a1',
    application_no: 'DY202612040001',
    kind: 'mortgage',
    institution_name: '测试银行股份有限公司',
    unit_no: '430102001001GB00001F00010001',
    location: '长沙市岳麓区某路1号1栋101室',
    state: 'documents_ready',
    state_label: '文件已生成',
    mortgage_type: 'general',
    secured_amount: '680000.00',
    max_secured_amount: null,
    debt_start: '2026-12-07',
    debt_end: '2046-12-07',
    proof_no: null,
    findings: [],
    signers: [
      { id: BANK_SIGNER_ID, role: 'mortgagee', name: '测试银行', signed: true, signed_at: '2026-12-04T01:00:00+00:00' },
      { id: OWNER_SIGNER_ID, role: 'mortgagor', name: '张三', signed: false, signed_at: null, is_caller: true },
    ],
    timeline: [],
    ...overrides,
  };
}

// The caller is the owner 张三 unless `owner` or `coOwner` overrides `is_caller`.
function coOwned(ownerSigned, coOwner, owner = {}) {
  return status({
    signers: [
      { id: OWNER_SIGNER_ID, role: 'mortgagor', name: '张三', signed: ownerSigned, signed_at: null, is_caller: true, ...owner },
      { id: CO_OWNER_SIGNER_ID, role: 'mortgagor', signed: false, signed_at: null, is_caller: false, ...coOwner },
    ],
  });
}

function notCaller(application) {
  return { ...application, signers: application.signers.map((signer) => ({ ...signer, is_caller: false })) };
}

test('applicationView signer may sign', () => {
  const view = applicationView(status());
  assert.equal(view.canSign, true);
  assert.deepEqual(view.unsigned, ['张三']);
});

test('applicationView other borrower may not sign', () => {
  const view = applicationView(notCaller(status()));
  assert.equal(view.canSign, false);
  assert.equal(view.callerSignerId, '');
});

test('applicationView without caller flag may not sign', () => {
  const application = status();
  const view = applicationView({ ...application, signers: application.signers.map(({ is_caller: _, ...signer }) => signer) });
  assert.equal(view.canSign, false);
  assert.equal(view.callerSignerId, '');
});

test('applicationView signed state can submit', () => {
  const view = applicationView(status({ state: 'signed' }));
  assert.equal(view.canSubmit, true);
  assert.equal(view.canWithdraw, true);
});

test('applicationView proof after issue', () => {
  const view = applicationView(status({ state: 'archived', proof_no: '湘(2026)长沙市不动产证明第0000001号' }));
  assert.equal(view.hasProof, true);
  assert.equal(view.canWithdraw, false);
});

test('applicationView maximum mortgage amount', () => {
  const view = applicationView(status({ mortgage_type: 'maximum', secured_amount: null, max_secured_amount: '1500000.00' }));
  assert.equal(view.amountLabel, '最高债权额');
  assert.equal(view.amount, '1,500,000.00 元');
  assert.equal(view.mortgageType, '最高额抵押');
});

test('applicationView bank name and location', () => {
  const view = applicationView(status());
  assert.equal(view.institutionName, '测试银行股份有限公司');
  assert.equal(view.location, '长沙市岳麓区某路1号1栋101室');
});

test('applicationView missing bank and location empty', () => {
  const view = applicationView(status({ institution_name: null, location: null }));
  assert.equal(view.institutionName, '');
  assert.equal(view.location, '');
});

test('applicationView caller signer by flag', () => {
  const view = applicationView(status());
  assert.equal(view.callerSignerId, OWNER_SIGNER_ID);
  assert.equal(view.callerSigned, false);
});

test('applicationView caller signed waits for co-owner', () => {
  const view = applicationView(coOwned(true, { name: '李四' }));
  assert.equal(view.callerSigned, true);
  assert.equal(view.canSign, false);
  assert.deepEqual(view.unsigned, ['李四']);
});

test('applicationView same-name co-owner signed', () => {
  const view = applicationView(coOwned(true, { name: '张三' }));
  assert.equal(view.callerSignerId, OWNER_SIGNER_ID);
  assert.equal(view.callerSigned, true);
  assert.equal(view.canSign, false);
});

test('applicationView same-name co-owner unsigned', () => {
  const view = applicationView(coOwned(true, { name: '张三', is_caller: true }, { is_caller: false }));
  assert.equal(view.callerSignerId, CO_OWNER_SIGNER_ID);
  assert.equal(view.callerSigned, false);
  assert.equal(view.canSign, true);
});

test('callerSigners ignores unflagged signers', () => {
  const found = callerSigners(coOwned(false, { name: '张三' }));
  assert.deepEqual(found.map((signer) => signer.id), [OWNER_SIGNER_ID]);
});

test('signerViews keys by signer id and marks caller', () => {
  const application = status();
  const views = signerViews(application, [application.signers[1]]);
  assert.deepEqual(views.map((signer) => signer.key), [BANK_SIGNER_ID, OWNER_SIGNER_ID]);
  assert.deepEqual(views.map((signer) => signer.isCaller), [false, true]);
  assert.deepEqual(views.map((signer) => signer.roleLabel), ['抵押权人', '抵押人']);
  assert.equal(views[0].signedAt, '2026-12-04 09:00');
});

test('signerViews without ids still keyed', () => {
  const application = status({
    signers: [{ role: 'mortgagee', name: '测试银行', signed: true }, { role: 'mortgagor', name: '张三', signed: false }],
  });
  const views = signerViews(application, [application.signers[1]]);
  assert.deepEqual(views.map((signer) => signer.key), ['mortgagee-0', 'mortgagor-1']);
  assert.deepEqual(views.map((signer) => signer.isCaller), [false, true]);
});
