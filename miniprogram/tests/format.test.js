const test = require('node:test');
const assert = require('node:assert/strict');

const format = require('../utils/format');

function status(overrides = {}) {
  return {
    id: 'a1',
    application_no: 'DY202612040001',
    kind: 'mortgage',
    unit_no: '430102001001GB00001F00010001',
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
      { role: 'mortgagee', name: '测试银行', signed: true },
      { role: 'mortgagor', name: '张三', signed: false },
    ],
    timeline: [],
    ...overrides,
  };
}

test('formatTime converts to Beijing time', () => {
  assert.equal(format.formatTime('2026-12-04T16:30:00+00:00'), '2026-12-05 00:30');
});

test('formatTime empty and invalid input', () => {
  assert.equal(format.formatTime(null), '');
  assert.equal(format.formatTime('not a time'), '');
});

test('formatMoney groups thousands', () => {
  assert.equal(format.formatMoney('1500000.00'), '1,500,000.00 元');
  assert.equal(format.formatMoney('680000'), '680,000.00 元');
  assert.equal(format.formatMoney(null), '');
});

test('stateLabel falls back to local labels', () => {
  assert.equal(format.stateLabel('archived'), '已归档');
  assert.equal(format.stateLabel('archived', '服务端标签'), '服务端标签');
});

test('timelineOf sorts oldest first', () => {
  const view = format.timelineOf(status({
    timeline: [
      { state: 'signing', label: '签署中', at: '2026-12-04T02:00:00+00:00', actor: 'borrower', reasons: [] },
      { state: 'documents_ready', label: '文件已生成', at: '2026-12-04T01:00:00+00:00', actor: 'institution', reasons: [] },
    ],
  }));
  assert.deepEqual(view.map((event) => event.label), ['文件已生成', '签署中']);
  assert.equal(view[1].latest, true);
});

test('timelineOf names actors in Chinese', () => {
  const view = format.timelineOf(status({
    timeline: [{ state: 'accepted', at: '2026-12-04T01:00:00+00:00', actor: 'system', reasons: [] }],
  }));
  assert.equal(view[0].actor, '系统自动处理');
  assert.equal(view[0].label, '登记机构已受理');
});

test('timelineOf names bank officer', () => {
  const view = format.timelineOf(status({
    timeline: [{ state: 'draft', at: '2026-12-04T01:00:00+00:00', actor: 'officer', reasons: [] }],
  }));
  assert.equal(view[0].actor, '银行经办人');
});

test('timelineOf keeps reason messages', () => {
  const reasons = [{ code: 'UNIT_SEIZED', message: '该不动产已被查封，依法不得办理抵押登记。' }];
  const view = format.timelineOf(status({
    timeline: [{ state: 'rejected', at: '2026-12-04T01:00:00+00:00', actor: 'system', reasons }],
  }));
  assert.deepEqual(view[0].reasons, ['该不动产已被查封，依法不得办理抵押登记。']);
  assert.equal(view[0].tone, 'fail');
});

test('progressOf marks current step', () => {
  const steps = format.progressOf(status({ state: 'accepted' }));
  const marks = Object.fromEntries(steps.map((step) => [step.state, step.mark]));
  assert.equal(marks.signed, 'done');
  assert.equal(marks.accepted, 'current');
  assert.equal(marks.archived, 'todo');
});

test('progressOf archived is all done', () => {
  const steps = format.progressOf(status({ state: 'archived' }));
  assert.equal(steps.every((step) => step.mark === 'done'), true);
});

test('progressOf rejected ends with exit', () => {
  const steps = format.progressOf(status({
    state: 'rejected',
    timeline: [
      { state: 'submitted', at: '2026-12-04T01:00:00+00:00' },
      { state: 'rejected', at: '2026-12-04T01:00:01+00:00' },
    ],
  }));
  const last = steps[steps.length - 1];
  assert.equal(last.label, '不予登记');
  assert.equal(last.mark, 'fail');
  assert.equal(steps[steps.length - 2].state, 'submitted');
});

test('progressOf manual review is a warning', () => {
  const steps = format.progressOf(status({ state: 'manual_review', timeline: [{ state: 'platform_checked' }] }));
  assert.equal(steps[steps.length - 1].mark, 'warn');
});

test('propertyView blocked property with reasons', () => {
  const view = format.propertyView({
    unit_no: 'U', location: '长沙市岳麓区某路1号', area: '89.50', can_mortgage: false, needs_manual_review: false,
    owners: [{ name: '张三', share: null }], mortgages: [], next_rank: 1,
    restrictions: [{ kind: 'seizure', label: '查封' }, { kind: 'objection', label: '异议登记' }],
    reasons: [{ code: 'UNIT_SEIZED', message: '该不动产已被查封，依法不得办理抵押登记。', outcome: 'reject' }],
  });
  assert.equal(view.statusLabel, '不能办理抵押');
  assert.equal(view.restrictions, '查封、异议登记');
  assert.deepEqual(view.reasons, ['该不动产已被查封，依法不得办理抵押登记。']);
});

test('propertyView objection needs review', () => {
  const view = format.propertyView({ unit_no: 'U', can_mortgage: true, needs_manual_review: true, reasons: [] });
  assert.equal(view.statusLabel, '可申请，需人工审核');
  assert.equal(view.tone, 'warn');
});

test('propertyView existing mortgage rank note', () => {
  const view = format.propertyView({
    unit_no: 'U', can_mortgage: true, needs_manual_review: false, next_rank: 2,
    mortgages: [{ rank: 1, mortgagee_name: '某银行' }], owners: [{ name: '张三', share: '0.5' }, { name: '李四', share: '0.5' }],
  });
  assert.equal(view.mortgageNote, '已有 1 笔抵押，新抵押将登记为第 2 顺位。');
  assert.equal(view.owners, '张三（0.5）、李四（0.5）');
});
