// The lookup consent agreement (委托查询协议): the platform's preview before the borrower agrees, and
// the check that the text recorded by the grant is the text the borrower read.

const { formatTime } = require('./format');

// Shown when the recorded text differs from the preview, e.g. because the expiry date moved at midnight.
const AGREEMENT_CHANGED_MESSAGE =
  '平台记录的协议原文与您阅读的版本不一致（可能因跨日导致有效期变化）。请核对下方记录的原文，如不同意，可在“我的授权”中立即撤回。';

// Describes GET /api/v1/consents/agreement for the page.
function agreementView(preview) {
  return {
    text: preview.agreement_text,
    version: preview.agreement_version,
    sha256: preview.agreement_sha256,
    expiresAt: formatTime(preview.expires_at),
  };
}

// Describes a granted consent, comparing its recorded SHA-256 with the one of the text the borrower read.
function grantedView(consent, readSha256) {
  return {
    expiresAt: formatTime(consent.expires_at),
    agreementVersion: consent.agreement_version,
    agreementText: consent.agreement_text,
    agreementSha256: consent.agreement_sha256,
    matchesPreview: Boolean(readSha256) && consent.agreement_sha256 === readSha256,
  };
}

module.exports = { AGREEMENT_CHANGED_MESSAGE, agreementView, grantedView };
