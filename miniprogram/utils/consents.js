// Describes a lookup consent for the consent list.

const { formatTime } = require('./format');

function consentStatus(consent) {
  if (consent.revoked_at) {
    return '已撤回';
  }
  return consent.valid ? '有效' : '已过期';
}

// `institutions` is the list of GET /api/v1/institutions, used to name the institution.
function consentView(consent, institutions) {
  const institution = (institutions || []).find((item) => item.id === consent.institution_id);
  return {
    id: consent.id,
    institutionName: institution ? institution.name : '已暂停服务的机构',
    valid: Boolean(consent.valid),
    statusLabel: consentStatus(consent),
    grantedAt: formatTime(consent.granted_at),
    expiresAt: formatTime(consent.expires_at),
  };
}

module.exports = { consentStatus, consentView };
