// Home: the borrower's identity status and the way to every task.

const api = require('../../utils/client');
const { showError } = require('../../utils/ui');

Page({
  data: { profile: {} },

  onShow() {
    this.load();
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  async load() {
    try {
      this.setData({ profile: await api.me() });
    } catch (error) {
      showError(error);
    }
  },

  onOpen(event) {
    wx.navigateTo({ url: event.currentTarget.dataset.url });
  },

  async onLogout() {
    try {
      await api.logOut();
    } catch (error) {
      console.warn('logout request failed, the local token is cleared anyway', { code: error.code });
    }
    wx.reLaunch({ url: '/pages/login/index' });
  },
});
