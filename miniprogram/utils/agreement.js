// The lookup consent agreement (委托查询协议) shown before the borrower agrees.
// NOTE: the platform has no route that returns the agreement text before a grant, so this preview
// copies its template (version 2026.12) without the institution's credit code and the registry's
// name. The exact text the platform recorded comes back from POST /api/v1/consents and is shown
// after the grant with its SHA-256.

const AGREEMENT_VERSION = '2026.12';

function pad(number) {
  return String(number).padStart(2, '0');
}

// Returns the last day of a consent granted now for `validDays` days, as a Beijing date 'YYYY年MM月DD日'.
function expiryDate(validDays, now = new Date()) {
  const beijing = new Date(now.getTime() + 8 * 60 * 60 * 1000 + validDays * 24 * 60 * 60 * 1000);
  return `${beijing.getUTCFullYear()}年${pad(beijing.getUTCMonth() + 1)}月${pad(beijing.getUTCDate())}日`;
}

// Fills the agreement preview for one borrower, institution and purpose.
function agreementPreview({ borrowerName, institutionName, purpose, validDays, now }) {
  return [
    '委托查询协议',
    '',
    `委托人（借款人）：${borrowerName}`,
    `受托机构：${institutionName}`,
    '',
    `一、委托人授权受托机构通过智慧抵押云平台，向不动产登记机构查询登记在委托人名下的不动产权利及其限制信息（包括查封、抵押、异议登记、预告登记等），查询用途为：${purpose}。`,
    `二、本授权自确认之日起生效，至${expiryDate(validDays, now)}止；委托人可在到期前随时撤回授权，撤回后受托机构不得再行查询。`,
    '三、受托机构仅可将查询结果用于上述用途，并应依法保护委托人的个人信息，不得向第三方提供。',
    '四、平台将记录每一次查询所依据的授权，委托人可随时查看。',
    '五、委托人已通过人脸核验确认本人身份，并自愿作出本授权。',
  ].join('\n');
}

module.exports = { AGREEMENT_VERSION, agreementPreview, expiryDate };
