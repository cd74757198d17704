// Consent: the borrower reads the platform's lookup consent agreement and lets one bank query the register.

const config = require('../../config');
const api = require('../../utils/client');
const { AGREEMENT_CHANGED_MESSAGE, agreementView, grantedView } = require('../../utils/agreement');
const { consentView } = require('../../utils/consents');
const { ROUTES, messageOf, recoveryRouteOf } = require('../../utils/errors');
const { confirm, showError, withLoading } = require('../../utils/ui');

Page({
  data: {
    institutions: [],
    selected: 0,
    agreement: null,
    agreementError: '',
    agreementFixRoute: '',
    agreed: false,
    validDays: config.consentValidDays,
    granted: null,
    consents: [],
    busy: false,
  },

  async onShow() {
    await withLoading('加载中', async () => {
      this.setData({ institutions: await api.listInstitutions() });
      await Promise.all([this.loadAgreement(), this.loadConsents()]);
    });
  },

  async loadConsents() {
    const consents = await api.listConsents();
    this.setData({ consents: consents.map((consent) => consentView(consent, this.data.institutions)) });
  },

  // Loads the exact text a grant would record. A failure stays on the page, because it usually means
  // identity is not verified yet, and the borrower needs the way there, not a dialog.
  async loadAgreement() {
    const institution = this.data.institutions[this.data.selected];
    if (!institution) {
      return;
    }

    // Only the response to the latest pick may fill the page, so a slow earlier response is dropped.
    this.agreementRequest = (this.agreementRequest || 0) + 1;
    const request = this.agreementRequest;
    const readSha256 = this.data.agreement ? this.data.agreement.sha256 : '';
    this.setData({ agreementError: '', agreementFixRoute: '' });
    try {
      const preview = await api.previewAgreement({
        institutionId: institution.id,
        purpose: config.consentPurpose,
        validDays: config.consentValidDays,
      });
      if (request !== this.agreementRequest) {
        return;
      }
      const agreement = agreementView(preview);
      this.setData({ agreement, agreed: this.data.agreed && agreement.sha256 === readSha256 });
    } catch (error) {
      if (request !== this.agreementRequest) {
        return;
      }
      console.warn('agreement preview failed', { code: error.code, status: error.status });
      this.setData({
        agreement: null,
        agreed: false,
        agreementError: messageOf(error) || '协议原文加载失败，请下拉刷新后重试。',
        agreementFixRoute: recoveryRouteOf(error) || '',
      });
    }
  },

  onFixAgreement() {
    const route = this.data.agreementFixRoute;
    if (route === ROUTES.login) {
      wx.reLaunch({ url: route });
    } else if (route === ROUTES.face) {
      wx.navigateTo({ url: `${route}?purpose=login` });
    } else if (route) {
      wx.navigateTo({ url: route });
    }
  },

  async onPullDownRefresh() {
    await this.loadAgreement();
    wx.stopPullDownRefresh();
  },

  onPick(event) {
    this.setData({ selected: Number(event.detail.value), agreement: null, agreed: false, granted: null });
    this.loadAgreement();
  },

  onAgreeChange(event) {
    this.setData({ agreed: event.detail.value.includes('agreed') });
  },

  async onGrant() {
    const institution = this.data.institutions[this.data.selected];
    const { agreement } = this.data;
    if (!institution || !agreement) {
      return;
    }

    this.setData({ busy: true });
    try {
      const consent = await api.grantConsent({
        institutionId: institution.id,
        purpose: config.consentPurpose,
        validDays: config.consentValidDays,
      });
      const granted = grantedView(consent, agreement.sha256);
      this.setData({ granted });
      if (!granted.matchesPreview) {
        wx.showModal({ title: '协议内容已变化', content: AGREEMENT_CHANGED_MESSAGE, showCancel: false, confirmText: '知道了' });
        await this.loadAgreement();
      }
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
