// Signing: a fresh face check, then a handwritten signature on a 2d canvas sent to the platform as PNG.
// The page loads the latest signing face check from the platform, so a borrower who just passed one on
// the face page goes straight to the signature, with the time until which the check is valid. Without a
// fresh pass the page shows the reason: no check yet, expired, a failed match or a face service error.

const api = require('../../utils/client');
const { faceHint, staleFaceHint } = require('../../utils/face');
const { formatTime } = require('../../utils/format');
const { canvasToPngBase64, takeFacePhoto } = require('../../utils/media');
const { createStrokeRecorder, drawSegment, exportSize, preparePen } = require('../../utils/signature');
const { showError } = require('../../utils/ui');

Page({
  data: { id: '', borrowerName: '', faceVerified: false, faceValidUntil: '', faceHint: '', read: false, busy: false },

  onLoad(query) {
    this.setData({ id: query.id || '' });
    this.recorder = createStrokeRecorder();
    api.me().then((profile) => this.setData({ borrowerName: profile.name || '' })).catch(showError);
  },

  // Runs on every return to the page, e.g. from the face page that a FACE_NOT_FRESH or FACE_NOT_MATCHED error opens.
  onShow() {
    return this.loadFaceCheck();
  },

  async loadFaceCheck() {
    const request = this.nextFaceRequest();
    try {
      const latest = await api.latestFaceVerification('signing');
      if (request === this.faceRequest) {
        this.showFaceCheck(latest.fresh, latest.valid_until);
        this.setData({ faceHint: staleFaceHint(latest) });
      }
    } catch (error) {
      // Step one stays open, so the borrower can still check again, and signing reports its own error.
      console.warn('signing face check lookup failed', { code: error.code, status: error.status });
    }
  },

  // Counts face check requests, so an older response never overwrites a newer result.
  nextFaceRequest() {
    this.faceRequest = (this.faceRequest || 0) + 1;
    return this.faceRequest;
  },

  showFaceCheck(fresh, validUntil) {
    this.setData({ faceVerified: Boolean(fresh), faceValidUntil: fresh ? formatTime(validUntil) : '' });
  },

  onReady() {
    wx.createSelectorQuery().select('#pad').fields({ node: true, size: true }).exec((found) => {
      const { node, width, height } = found[0];
      const ratio = wx.getWindowInfo().pixelRatio;
      node.width = width * ratio;
      node.height = height * ratio;
      this.canvas = node;
      this.size = { width, height };
      this.context = node.getContext('2d');
      this.context.scale(ratio, ratio);
      preparePen(this.context);
    });
  },

  async onVerifyFace() {
    this.setData({ busy: true });
    try {
      const imageBase64 = await takeFacePhoto();
      const request = this.nextFaceRequest();
      const verification = await api.verifyFace({ imageBase64, purpose: 'signing' });
      if (request === this.faceRequest) {
        this.showFaceCheck(verification.passed, verification.valid_until);
      }
      this.setData({ faceHint: faceHint(verification) });
    } catch (error) {
      showError(error, { facePurpose: 'signing' });
    } finally {
      this.setData({ busy: false });
    }
  },

  onTouchStart(event) {
    const touch = event.touches[0];
    this.recorder.start({ x: touch.x, y: touch.y });
  },

  onTouchMove(event) {
    const touch = event.touches[0];
    const segment = this.recorder.move({ x: touch.x, y: touch.y });
    if (segment && this.context) {
      drawSegment(this.context, segment);
    }
  },

  onTouchEnd() {
    this.recorder.end();
  },

  onClear() {
    this.recorder.clear();
    if (this.context) {
      this.context.clearRect(0, 0, this.size.width, this.size.height);
    }
  },

  onReadChange(event) {
    this.setData({ read: event.detail.value.includes('read') });
  },

  async onSign() {
    if (!this.recorder.hasEnoughInk()) {
      wx.showToast({ title: '请在签名区域手写您的姓名', icon: 'none' });
      return;
    }

    this.setData({ busy: true });
    try {
      const image = await canvasToPngBase64(this.canvas, exportSize(this.size.width, this.size.height));
      await api.sign(this.data.id, image);
      wx.showToast({ title: '签署成功', icon: 'success' });
      setTimeout(() => wx.navigateBack(), 800);
    } catch (error) {
      // The platform honours only the latest signing face check, so a rejected one means checking again.
      if (error.code === 'FACE_NOT_FRESH' || error.code === 'FACE_NOT_MATCHED') {
        this.nextFaceRequest();
        this.showFaceCheck(false, null);
      }
      showError(error, { facePurpose: 'signing' });
    } finally {
      this.setData({ busy: false });
    }
  },
});
