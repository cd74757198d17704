// Application detail: state, progress, timeline and the actions the borrower may take now.

const config = require('../../config');
const api = require('../../utils/client');
const { applicationView } = require('../../utils/applications');
const { progressOf, timelineOf } = require('../../utils/format');
const { isMoving } = require('../../utils/polling');
const { confirm, showError, withLoading } = require('../../utils/ui');

// The pipeline moves an application in seconds, so the page polls while it is in flight.
const POLL_INTERVAL_MS = 3000;

Page({
  data: { id: '', view: null, steps: [], timeline: [], busy: false },

  onLoad(query) {
    this.setData({ id: query.id || '' });
  },

  onShow() {
    this.load();
  },

  onHide() {
    this.stopPolling();
  },

  onUnload() {
    this.stopPolling();
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  async load() {
    try {
      this.show(await api.getApplication(this.data.id));
    } catch (error) {
      this.stopPolling();
      showError(error);
    }
  },

  show(status) {
    const view = applicationView(status);
    this.setData({ view, steps: progressOf(status), timeline: timelineOf(status).reverse() });
    if (isMoving(status.state)) {
      this.startPolling();
    } else {
      this.stopPolling();
    }
  },

  startPolling() {
    if (!this.timer) {
      this.timer = setInterval(() => this.load(), POLL_INTERVAL_MS);
    }
  },

  stopPolling() {
    clearInterval(this.timer);
    this.timer = null;
  },

  onPreview() {
    wx.navigateTo({ url: `/pages/preview/index?id=${this.data.id}` });
  },

  onSign() {
    wx.navigateTo({ url: `/pages/sign/index?id=${this.data.id}` });
  },

  onProof() {
    wx.navigateTo({ url: `/pages/proof/index?id=${this.data.id}` });
  },

  async onSubmit() {
    await askForStatusMessages();
    this.setData({ busy: true });
    try {
      this.show(await api.submit(this.data.id));
      wx.showToast({ title: '已提交', icon: 'success' });
    } catch (error) {
      showError(error);
    } finally {
      this.setData({ busy: false });
    }
  },

  async onWithdraw() {
    if (!(await confirm('撤回申请', '撤回后本次抵押登记申请终止，如需办理须由银行重新发起。确定撤回吗？'))) {
      return;
    }
    const status = await withLoading('正在撤回', () => api.withdraw(this.data.id, '借款人撤回'));
    if (status) {
      this.show(status);
    }
  },
});

// Asks once per submission to send subscribe messages on each state change; a refusal does not stop the submission.
function askForStatusMessages() {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: config.subscribeTemplateIds,
      complete: () => resolve(),
    });
  });
}
