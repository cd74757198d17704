// The mini-program's API module against the real platform and the mock WeChat server.
// tests/miniprogram/test_miniprogram_e2e.py starts both, prepares the people and an application
// through the bank API, and runs this file with:
//   MC_API_BASE_URL      the platform, e.g. http://127.0.0.1:8000
//   MC_MOCK_WECHAT_URL   the mock WeChat server that issues wx.login codes
//   MC_E2E_FIXTURE       a JSON file with the people, their face photos and the prepared application
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');

const { grantedView } = require('../utils/agreement');
const { createApi } = require('../utils/api');
const { applicationView } = require('../utils/applications');
const { messageOf, recoveryRouteOf } = require('../utils/errors');
const format = require('../utils/format');
const { isMoving } = require('../utils/polling');
const { createSession } = require('../utils/session');
const { createStrokeRecorder } = require('../utils/signature');
const { createMemoryStorage } = require('./support/memory_storage');
const { createWechatUser, loginCode } = require('./support/mock_wechat');
const { createNodeTransport } = require('./support/node_transport');
const { drawStrokes } = require('./support/png');

const { MC_API_BASE_URL: baseUrl, MC_MOCK_WECHAT_URL: wechatUrl, MC_E2E_FIXTURE: fixturePath } = process.env;
const skip = baseUrl && wechatUrl && fixturePath
  ? false
  : 'MC_API_BASE_URL, MC_MOCK_WECHAT_URL and MC_E2E_FIXTURE are not set: run tests/miniprogram/test_miniprogram_e2e.py';
const CJK = /[\u4e00-\u9fff]/;
const PNG_MAGIC = '89504e47';
const PIPELINE_TIMEOUT_MS = 120000;
const PURPOSE = '办理个人住房贷款抵押登记';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function newClient() {
  return createApi({ baseUrl, transport: createNodeTransport(), session: createSession(createMemoryStorage()) });
}

function fileStartsWith(filePath, hexPrefix) {
  return fs.readFileSync(filePath).subarray(0, hexPrefix.length / 2).toString('hex') === hexPrefix;
}

// A signature written on the pad: the recorder collects the strokes, the PNG is what the canvas exports.
function handwrittenSignature() {
  const recorder = createStrokeRecorder();
  recorder.start({ x: 20, y: 70 });
  for (let x = 30; x <= 330; x += 15) {
    recorder.move({ x, y: 60 + ((x * 7) % 40) - 20 });
  }
  recorder.end();
  assert.equal(recorder.hasEnoughInk(), true);
  return drawStrokes(recorder.strokes(), { width: 360, height: 120 }).toString('base64');
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the request was expected to fail');
}

describe('borrower walk from first login', { skip }, () => {
  const api = newClient();
  let fixture;
  let unionid;

  before(async () => {
    fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
    unionid = await createWechatUser(wechatUrl);
  });

  it('login with wx.login code', async () => {
    const borrower = await api.logIn(await loginCode(wechatUrl, unionid));
    assert.equal(borrower.identity_declared, false);
    assert.equal(api.isLoggedIn(), true);
  });

  it('login code is single use', async () => {
    const code = await loginCode(wechatUrl, unionid);
    await newClient().logIn(code);
    const error = await rejection(newClient().logIn(code));
    assert.equal(error.code, 'WECHAT_CODE_INVALID');
    assert.equal(recoveryRouteOf(error), '/pages/login/index');
  });

  it('properties hidden before identity', async () => {
    const answer = await api.listProperties();
    assert.equal(answer.identity_verified, false);
    assert.deepEqual(answer.items, []);
  });

  it('consent before identity sends to identity page', async () => {
    const error = await rejection(api.grantConsent({ institutionId: fixture.institution_id, purpose: '办理个人住房贷款抵押登记', validDays: 30 }));
    assert.equal(error.code, 'IDENTITY_NOT_VERIFIED');
    assert.match(messageOf(error), CJK);
    assert.equal(recoveryRouteOf(error), '/pages/identity/index');
  });

  it('agreement preview before identity refused', async () => {
    const error = await rejection(api.previewAgreement({ institutionId: fixture.institution_id, purpose: PURPOSE, validDays: 30 }));
    assert.equal(error.code, 'IDENTITY_NOT_VERIFIED');
    assert.equal(recoveryRouteOf(error), '/pages/identity/index');
  });

  it('identity with bad check character rejected', async () => {
    const person = fixture.new_borrower;
    const last = person.id_number.slice(-1);
    const wrong = person.id_number.slice(0, -1) + (last === '0' ? '1' : '0');
    const error = await rejection(api.declareIdentity({ name: person.name, idNumber: wrong, phone: person.phone }));
    assert.equal(error.status, 422);
    assert.equal(error.context.field, 'id_number');
    assert.match(error.message, CJK);
  });

  it('identity declared and masked', async () => {
    const person = fixture.new_borrower;
    const profile = await api.declareIdentity({ name: person.name, idNumber: person.id_number, phone: person.phone });
    assert.equal(profile.identity_declared, true);
    assert.equal(profile.identity_verified, false);
    assert.equal(profile.id_number_masked.includes(person.id_number), false);
  });

  it('face of another person fails', async () => {
    const verification = await api.verifyFace({ imageBase64: fixture.new_borrower.impostor_face_base64, purpose: 'login' });
    assert.equal(verification.passed, false);
    assert.equal('score' in verification, false);
    assert.equal(verification.valid_until, null);
  });

  it('failed face leaves no fresh check', async () => {
    const latest = await api.latestFaceVerification('login');
    assert.equal(latest.fresh, false);
    assert.equal(latest.valid_until, null);
  });

  it('failed face reason not matched', async () => {
    const latest = await api.latestFaceVerification('login');
    assert.equal(latest.reason, 'not_matched');
  });

  it('own face passes and verifies identity', async () => {
    const verification = await api.verifyFace({ imageBase64: fixture.new_borrower.face_base64, purpose: 'login' });
    assert.equal(verification.passed, true);
    assert.equal(Number.isNaN(Date.parse(verification.valid_until)), false);
    assert.equal((await api.me()).identity_verified, true);
  });

  it('latest login face check is the pass', async () => {
    const latest = await api.latestFaceVerification('login');
    assert.equal(latest.fresh, true);
    assert.equal(latest.purpose, 'login');
    assert.equal(format.formatTime(latest.valid_until) !== '', true);
  });

  it('login face check does not allow signing', async () => {
    const latest = await api.latestFaceVerification('signing');
    assert.equal(latest.fresh, false);
    assert.equal(latest.reason, 'none');
  });

  it('institutions include the bank', async () => {
    const institutions = await api.listInstitutions();
    assert.equal(institutions.some((item) => item.id === fixture.institution_id), true);
  });

  it('agreement preview names borrower and bank', async () => {
    const institution = (await api.listInstitutions()).find((item) => item.id === fixture.institution_id);
    const preview = await api.previewAgreement({ institutionId: institution.id, purpose: PURPOSE, validDays: 30 });
    assert.match(preview.agreement_text, new RegExp(`委托人（借款人）：${fixture.new_borrower.name}`));
    assert.equal(preview.agreement_text.includes(institution.name), true);
    assert.equal(preview.agreement_text.includes(PURPOSE), true);
    assert.match(preview.agreement_sha256, /^[0-9a-f]{64}$/);
  });

  it('agreement preview grants nothing', async () => {
    assert.deepEqual(await api.listConsents(), []);
  });

  it('agreement preview unknown bank not found', async () => {
    const error = await rejection(api.previewAgreement({
      institutionId: '00000000-0000-4000-8000-000000000000', purpose: PURPOSE, validDays: 30,
    }));
    assert.equal(error.code, 'INSTITUTION_NOT_FOUND');
    assert.match(messageOf(error), CJK);
  });

  it('agreement preview too long validity rejected', async () => {
    const error = await rejection(api.previewAgreement({ institutionId: fixture.institution_id, purpose: PURPOSE, validDays: 91 }));
    assert.equal(error.context.field, 'valid_days');
    assert.match(error.message, CJK);
  });

  it('consent records previewed agreement', async () => {
    // Preview and grant run milliseconds apart, so only a grant across Beijing midnight could change the expiry date.
    const preview = await api.previewAgreement({ institutionId: fixture.institution_id, purpose: PURPOSE, validDays: 30 });
    const consent = await api.grantConsent({ institutionId: fixture.institution_id, purpose: PURPOSE, validDays: 30 });
    assert.equal(consent.valid, true);
    assert.equal(consent.agreement_text, preview.agreement_text);
    assert.equal(consent.agreement_version, preview.agreement_version);
    assert.equal(grantedView(consent, preview.agreement_sha256).matchesPreview, true);
  });

  it('consent listed as valid', async () => {
    const consents = await api.listConsents();
    assert.equal(consents.filter((item) => item.valid).length, 1);
  });

  it('seized property listed with reason', async () => {
    const answer = await api.listProperties();
    const seized = answer.items.find((item) => item.unit_no === fixture.new_borrower.seized_unit_no);
    const view = format.propertyView(seized);
    assert.equal(answer.identity_verified, true);
    assert.equal(view.statusLabel, '不能办理抵押');
    assert.equal(seized.reasons.some((reason) => reason.code === 'UNIT_SEIZED'), true);
    assert.match(view.restrictions, /查封/);
  });

  it('consent revoked', async () => {
    const [consent] = await api.listConsents();
    const revoked = await api.revokeConsent(consent.id);
    assert.equal(revoked.valid, false);
  });

  it('unknown application not found', async () => {
    const error = await rejection(api.getApplication('00000000-0000-4000-8000-000000000000'));
    assert.equal(error.status, 404);
    assert.match(messageOf(error), CJK);
  });
});

describe('signer previews, signs and gets the proof', { skip }, () => {
  const api = newClient();
  let fixture;
  let applicationId;

  before(async () => {
    fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
    applicationId = fixture.signer.application_id;
    await api.logIn(await loginCode(wechatUrl, fixture.signer.unionid));
  });

  it('application listed and awaiting signature', async () => {
    const items = await api.listApplications();
    const status = items.find((item) => item.id === applicationId);
    const view = applicationView(status);
    assert.equal(view.canSign, true);
    assert.equal(view.stateLabel, '签署中');
  });

  it('application shows bank and location', async () => {
    const view = applicationView(await api.getApplication(applicationId));
    assert.equal(view.institutionName, fixture.signer.institution_name);
    assert.equal(view.location, fixture.signer.location);
  });

  it('own signer marked by platform', async () => {
    const status = await api.getApplication(applicationId);
    const view = applicationView(status);
    const mortgagor = status.signers.find((signer) => signer.role === 'mortgagor');
    assert.match(view.callerSignerId, UUID);
    assert.equal(view.callerSignerId, mortgagor.id);
  });

  it('bank signer never marked as caller', async () => {
    const status = await api.getApplication(applicationId);
    const mortgagee = status.signers.find((signer) => signer.role === 'mortgagee');
    assert.equal(mortgagee.is_caller, false);
  });

  it('every document page one previews as PNG', async () => {
    const documents = await api.listDocuments(applicationId);
    assert.deepEqual(documents.map((item) => item.kind).sort(), ['application_form', 'mortgage_contract', 'power_of_attorney']);
    for (const document of documents) {
      const file = await api.downloadPreviewPage(applicationId, document.kind, 1);
      assert.equal(fileStartsWith(file, PNG_MAGIC), true, document.kind);
    }
  });

  it('page beyond the last not found', async () => {
    const [document] = await api.listDocuments(applicationId);
    const error = await rejection(api.downloadPreviewPage(applicationId, document.kind, document.page_count + 1));
    assert.equal(error.code, 'PAGE_NOT_FOUND');
    assert.match(error.message, CJK);
  });

  it('no signing face check before signing', async () => {
    const latest = await api.latestFaceVerification('signing');
    assert.equal(latest.fresh, false);
    assert.equal(latest.reason, 'none');
  });

  it('signing without fresh face check refused', async () => {
    const error = await rejection(api.sign(applicationId, handwrittenSignature()));
    assert.equal(error.code, 'FACE_NOT_FRESH');
    assert.equal(recoveryRouteOf(error), '/pages/face/index');
  });

  it('signing after failed face match rejected', async () => {
    await api.verifyFace({ imageBase64: fixture.signer.impostor_face_base64, purpose: 'signing' });
    const error = await rejection(api.sign(applicationId, handwrittenSignature()));
    assert.equal(error.code, 'FACE_NOT_MATCHED');
  });

  it('failed signing face check reason not matched', async () => {
    const latest = await api.latestFaceVerification('signing');
    assert.equal(latest.fresh, false);
    assert.equal(latest.reason, 'not_matched');
  });

  it('failed face match routes to face page', async () => {
    const error = await rejection(api.sign(applicationId, handwrittenSignature()));
    assert.equal(recoveryRouteOf(error), '/pages/face/index');
  });

  it('blank signature refused', async () => {
    await api.verifyFace({ imageBase64: fixture.signer.face_base64, purpose: 'signing' });
    const blank = drawStrokes([], { width: 360, height: 120 }).toString('base64');
    const error = await rejection(api.sign(applicationId, blank));
    assert.equal(error.context.field, 'signature_image');
    assert.match(error.message, CJK);
  });

  it('signing face check fresh after pass', async () => {
    const verification = await api.verifyFace({ imageBase64: fixture.signer.face_base64, purpose: 'signing' });
    const latest = await api.latestFaceVerification('signing');
    assert.equal(verification.passed, true);
    assert.equal(latest.fresh, true);
    assert.equal(latest.verification_id, verification.verification_id);
    assert.equal(latest.valid_until, verification.valid_until);
  });

  it('signature accepted after face check', async () => {
    const status = await api.sign(applicationId, handwrittenSignature());
    const view = applicationView(status);
    assert.equal(status.state, 'signed');
    assert.deepEqual(view.unsigned, []);
    assert.equal(view.callerSigned, true);
  });

  it('submitted application reaches archive', async () => {
    let status = await api.submit(applicationId);
    assert.equal(status.state, 'submitted');
    const deadline = Date.now() + PIPELINE_TIMEOUT_MS;
    while (isMoving(status.state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await api.getApplication(applicationId);
    }
    assert.equal(status.state, 'archived', JSON.stringify(status.findings));
  });

  it('timeline shows every step', async () => {
    const status = await api.getApplication(applicationId);
    const labels = format.timelineOf(status).map((event) => event.label);
    for (const label of ['签署完成', '已提交', '登记机构已受理', '已登簿', '登记证明已出具', '已归档']) {
      assert.equal(labels.includes(label), true, label);
    }
    assert.equal(format.progressOf(status).every((step) => step.mark === 'done'), true);
  });

  it('proof previewed and downloaded', async () => {
    const view = applicationView(await api.getApplication(applicationId));
    assert.equal(view.hasProof, true);
    assert.match(view.proofNo, /不动产证明第\d+号/);
    assert.equal(fileStartsWith(await api.downloadPreviewPage(applicationId, 'proof', 1), PNG_MAGIC), true);
    assert.equal(fileStartsWith(await api.downloadPdf(applicationId, 'proof'), Buffer.from('%PDF').toString('hex')), true);
  });

  it('signing again refused', async () => {
    const error = await rejection(api.sign(applicationId, handwrittenSignature()));
    assert.equal(error.code, 'ALREADY_SIGNED');
  });

  it('withdraw after acceptance refused', async () => {
    const error = await rejection(api.withdraw(applicationId, '借款人撤回'));
    assert.equal(error.code, 'NOT_WITHDRAWABLE');
    assert.match(messageOf(error), CJK);
  });
});
