// Consent: the borrower reads the lookup consent agreement and lets one bank query the register.

const config = require('../../config');
const api = require('../../utils/client');
const { agreementPreview } = require('../../utils/agreement');
const { consentView } = require('../../utils/consents');
const { formatTime } = require('../../utils/format');
const { confirm, showError, withLoading } = require('../../utils/ui');

Page({
  data: {
    institutions: [],
    selected: 0,
    borrowerName: '',
    agreement: '',
    agreed: false,
    validDays: config.consentValidDays,
    granted: null,
    consents: [],
    busy: false,
  },

  async onShow() {
    await withLoading('加载中', async () => {
      const [profile, institutions] = await Promise.all([api.me(), api.listInstitutions()]);
      this.setData({ institutions, borrowerName: profile.name || '' });
      this.refreshAgreement();
      await this.loadConsents();
    });
  },

  async loadConsents() {
    const consents = await api.listConsents();
    this.setData({ consents: consents.map((consent) => consentView(consent, this.data.institutions)) });
  },

  refreshAgreement() {
    const institution = this.data.institutions[this.data.selected];
    if (!institution) {
      return;
    }
    this.setData({
      agreement: agreementPreview({
        borrowerName: this.data.borrowerName || '（实名认证后显示）',
        institutionName: institution.name,
        purpose: config.consentPurpose,
        validDays: config.consentValidDays,
      }),
    });
  },

  onPick(event) {
    this.setData({ selected: Number(event.detail.value), agreed: false, granted: null });
    this.refreshAgreement();
  },

  onAgreeChange(event) {
    this.setData({ agreed: event.detail.value.includes('agreed') });
  },

  async onGrant() {
    const institution = this.data.institutions[this.data.selected];
    this.setData({ busy: true });
    try {
      const consent = await api.grantConsent({
        institutionId: institution.id,
        purpose: config.consentPurpose,
        validDays: config.consentValidDays,
      });
      this.setData({
        granted: {
          expiresAt: formatTime(consent.expires_at),
          agreementVersion: consent.agreement_version,
          agreementText: consent.agreement_text,
          agreementSha256: consent.agreement_sha256,
        },
      });
      await this.loadConsents();
    } catch (error) {
      showError(error, { facePurpose: 'login' });
    } finally {
      this.setData({ busy: false });
    }
  },

  async onRevoke(event) {
    if (!(await confirm('撤回授权', '撤回后该银行不能再查询您的不动产信息，确定撤回吗？'))) {
      return;
    }
    await withLoading('正在撤回', async () => {
      await api.revokeConsent(event.currentTarget.dataset.id);
      await this.loadConsents();
    });
  },
});
