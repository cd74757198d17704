// My applications: every registration the borrower applied for or must sign, newest first.

const api = require('../../utils/client');
const { applicationView } = require('../../utils/applications');
const { withLoading } = require('../../utils/ui');

Page({
  data: { items: [], loaded: false },

  onShow() {
    this.load();
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  async load() {
    await withLoading('加载中', async () => {
      const statuses = await api.listApplications();
      const items = statuses.map((status) => applicationView(status));
      this.setData({ items, loaded: true });
    });
  },

  onOpen(event) {
    wx.navigateTo({ url: `/pages/application/index?id=${event.currentTarget.dataset.id}` });
  },
});
