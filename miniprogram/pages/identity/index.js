// Identity: the borrower declares name, ID number and phone, then passes a face check against the ID photo.

const api = require('../../utils/client');
const { showError } = require('../../utils/ui');

Page({
  data: { profile: {}, name: '', idNumber: '', phone: '', busy: false },

  async onShow() {
    try {
      const profile = await api.me();
      this.setData({ profile, name: this.data.name || profile.name || '' });
    } catch (error) {
      showError(error);
    }
  },

  onInput(event) {
    this.setData({ [event.currentTarget.dataset.field]: event.detail.value.trim() });
  },

  async onSubmit() {
    const { name, idNumber, phone } = this.data;
    if (!name || !idNumber || !phone) {
      wx.showToast({ title: '请填写姓名、身份证号码和手机号码', icon: 'none' });
      return;
    }

    this.setData({ busy: true });
    try {
      // The platform validates the ID number's check character and the phone format.
      // Its error message names the invalid field.
      const profile = await api.declareIdentity({ name, idNumber: idNumber.toUpperCase(), phone });
      this.setData({ profile });
      wx.navigateTo({ url: '/pages/face/index?purpose=login' });
    } catch (error) {
      showError(error);
    } finally {
      this.setData({ busy: false });
    }
  },
});
