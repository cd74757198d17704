// Face verification: a live photo from the front camera, compared by the platform with the ID photo.

const api = require('../../utils/client');
const { faceHint } = require('../../utils/face');
const { formatTime } = require('../../utils/format');
const { takeFacePhoto } = require('../../utils/media');
const { showError } = require('../../utils/ui');

Page({
  data: { purpose: 'login', result: null, busy: false },

  onLoad(query) {
    this.setData({ purpose: query.purpose === 'signing' ? 'signing' : 'login' });
  },

  async onCapture() {
    this.setData({ busy: true });
    try {
      const imageBase64 = await takeFacePhoto();
      const verification = await api.verifyFace({ imageBase64, purpose: this.data.purpose });
      this.setData({
        result: {
          passed: verification.passed,
          hint: faceHint(verification),
          validUntil: verification.passed ? formatTime(verification.valid_until) : '',
        },
      });
      if (verification.passed) {
        wx.showToast({ title: '核验通过', icon: 'success' });
        setTimeout(() => wx.navigateBack({ fail: () => wx.reLaunch({ url: '/pages/home/index' }) }), 800);
      }
    } catch (error) {
      showError(error, { facePurpose: this.data.purpose });
    } finally {
      this.setData({ busy: false });
    }
  },
});
