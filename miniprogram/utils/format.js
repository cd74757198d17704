// Turns platform API data into what the pages display. Pure functions, so Node tests load them directly.

// Labels of the application states, a copy of the backend's LABELS (applications/states.py), because the
// mini-program is packaged on its own. tests/miniprogram/test_miniprogram_labels.py fails when they differ.
// The API's `state_label` wins when present.
const STATE_LABELS = {
  draft: '申请已创建',
  documents_ready: '文件已生成',
  signing: '签署中',
  signed: '签署完成',
  submitted: '已提交',
  platform_checked: '平台校验通过',
  accepted: '登记机构已受理',
  reviewed: '审核通过',
  registered: '已登簿',
  proof_issued: '登记证明已出具',
  archived: '已归档',
  loan_disbursed: '银行已放款',
  rejected: '不予登记',
  manual_review: '转人工审核',
  withdrawn: '已撤回',
};

// The path an application takes when every check passes, in order.
const MAIN_PATH = [
  'documents_ready', 'signing', 'signed', 'submitted', 'platform_checked',
  'accepted', 'reviewed', 'registered', 'proof_issued', 'archived',
];

const FAILED_STATES = ['rejected', 'withdrawn'];
const PROOF_STATES = ['proof_issued', 'archived', 'loan_disbursed'];

const ACTOR_LABELS = {
  borrower: '借款人',
  institution: '银行',
  officer: '银行经办人',
  staff: '登记中心工作人员',
  system: '系统自动处理',
};

const DOCUMENT_TITLES = {
  mortgage_contract: '抵押合同',
  application_form: '不动产登记申请书',
  power_of_attorney: '授权委托书',
  proof: '不动产登记证明',
};

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(number) {
  return String(number).padStart(2, '0');
}

// Formats an ISO 8601 time as Beijing time, 'YYYY-MM-DD HH:mm', whatever the phone's time zone is.
function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) {
    return '';
  }
  const beijing = new Date(millis + BEIJING_OFFSET_MS);
  const day = `${beijing.getUTCFullYear()}-${pad(beijing.getUTCMonth() + 1)}-${pad(beijing.getUTCDate())}`;
  return `${day} ${pad(beijing.getUTCHours())}:${pad(beijing.getUTCMinutes())}`;
}

// Formats a decimal string of yuan with thousands separators: '680000.00' -> '680,000.00 元'.
function formatMoney(amount) {
  if (amount === null || amount === undefined || amount === '') {
    return '';
  }
  const [whole, fraction = '00'] = String(amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}.${fraction.padEnd(2, '0').slice(0, 2)} 元`;
}

function stateLabel(state, label) {
  return label || STATE_LABELS[state] || state;
}

// The tone colours a state: 'done' (proof issued or later), 'fail', 'warn' (a person must act) or 'active'.
function stateTone(state) {
  if (FAILED_STATES.includes(state)) {
    return 'fail';
  }
  if (state === 'manual_review') {
    return 'warn';
  }
  return PROOF_STATES.includes(state) ? 'done' : 'active';
}

function actorLabel(actor) {
  return ACTOR_LABELS[actor] || '系统';
}

// Returns the timeline of a status view, oldest first, with the reasons of each step as Chinese text.
function timelineOf(status) {
  const events = Array.isArray(status.timeline) ? status.timeline.slice() : [];
  events.sort((left, right) => Date.parse(left.at) - Date.parse(right.at));
  return events.map((event, index) => ({
    key: `${index}-${event.state}`,
    label: stateLabel(event.state, event.label),
    time: formatTime(event.at),
    actor: actorLabel(event.actor),
    tone: stateTone(event.state),
    reasons: (event.reasons || []).map((reason) => reason.message).filter(Boolean),
    latest: index === events.length - 1,
  }));
}

// Returns the main path as steps marked done, current or todo. An application that left the path
// (rejected, manual review, withdrawn) ends with that exit, marked 'fail' or 'warn', after the last step it reached.
function progressOf(status) {
  const visited = (status.timeline || []).map((event) => MAIN_PATH.indexOf(event.state));
  let reached = Math.max(-1, MAIN_PATH.indexOf(status.state), ...visited);
  if (status.state === 'loan_disbursed') {
    reached = MAIN_PATH.length - 1;
  }
  const finished = status.state === 'archived' || status.state === 'loan_disbursed';

  const steps = MAIN_PATH.map((step, index) => {
    let mark = 'todo';
    if (index < reached || (index === reached && finished)) {
      mark = 'done';
    } else if (index === reached) {
      mark = 'current';
    }
    return { state: step, label: STATE_LABELS[step], mark };
  });

  const leftPath = MAIN_PATH.indexOf(status.state) < 0 && !['draft', 'loan_disbursed'].includes(status.state);
  if (!leftPath) {
    return steps;
  }
  const exit = { state: status.state, label: stateLabel(status.state), mark: stateTone(status.state) };
  return steps.slice(0, reached + 1).map((step) => ({ ...step, mark: 'done' })).concat([exit]);
}

// The status line of a property: whether it can be mortgaged online, and why not.
function propertyStatus(item) {
  if (!item.can_mortgage) {
    return { label: '不能办理抵押', tone: 'fail' };
  }
  if (item.needs_manual_review) {
    return { label: '可申请，需人工审核', tone: 'warn' };
  }
  return { label: '可办理抵押', tone: 'done' };
}

// Describes a property of the register for the property list.
function propertyView(item) {
  const status = propertyStatus(item);
  const mortgages = item.mortgages || [];
  return {
    unitNo: item.unit_no,
    location: item.location,
    area: item.area ? `${item.area} ㎡` : '',
    use: item.use || '',
    certificateNo: item.certificate_no || '',
    coOwnership: item.co_ownership || '',
    owners: (item.owners || []).map((owner) => (owner.share ? `${owner.name}（${owner.share}）` : owner.name)).join('、'),
    statusLabel: status.label,
    tone: status.tone,
    restrictions: (item.restrictions || []).map((restriction) => restriction.label).join('、'),
    mortgageNote: mortgages.length ? `已有 ${mortgages.length} 笔抵押，新抵押将登记为第 ${item.next_rank} 顺位。` : '',
    reasons: (item.reasons || []).map((reason) => reason.message).filter(Boolean),
  };
}

function documentTitle(kind) {
  return DOCUMENT_TITLES[kind] || kind;
}

module.exports = {
  STATE_LABELS,
  MAIN_PATH,
  PROOF_STATES,
  DOCUMENT_TITLES,
  formatTime,
  formatMoney,
  stateLabel,
  stateTone,
  actorLabel,
  timelineOf,
  progressOf,
  propertyStatus,
  propertyView,
  documentTitle,
};
