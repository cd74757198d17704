// Login: wx.login gives a one-time code, the platform exchanges it for a session token.

const api = require('../../utils/client');
const { wechatLoginCode } = require('../../utils/media');
const { showError } = require('../../utils/ui');

Page({
  data: { busy: false },

  async onLoad() {
    if (!api.isLoggedIn()) {
      return;
    }
    // A stored token may have expired, so only a working session skips the login button.
    try {
      await api.me();
      wx.reLaunch({ url: '/pages/home/index' });
    } catch (error) {
      console.warn('stored session rejected', { code: error.code });
    }
  },

  async onLogin() {
    this.setData({ busy: true });
    try {
      const code = await wechatLoginCode();
      await api.logIn(code);
      wx.reLaunch({ url: '/pages/home/index' });
    } catch (error) {
      showError(error);
    } finally {
      this.setData({ busy: false });
    }
  },
});
