// My properties: the register's units under the verified identity, with what blocks a mortgage and why.

const api = require('../../utils/client');
const { propertyView } = require('../../utils/format');
const { withLoading } = require('../../utils/ui');

Page({
  data: { identityVerified: true, items: [] },

  onShow() {
    this.load();
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  async load() {
    await withLoading('查询中', async () => {
      const answer = await api.listProperties();
      this.setData({ identityVerified: answer.identity_verified, items: answer.items.map(propertyView) });
    });
  },

  onVerify() {
    wx.navigateTo({ url: '/pages/identity/index' });
  },
});
