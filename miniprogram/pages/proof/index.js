// The registration proof (不动产登记证明): its number, its first page, and the signed PDF to keep.

const api = require('../../utils/client');
const { applicationView } = require('../../utils/applications');
const { formatTime } = require('../../utils/format');
const { openPdf } = require('../../utils/media');
const { withLoading } = require('../../utils/ui');

Page({
  data: { id: '', view: null, issuedAt: '', imagePath: '', loaded: false },

  async onLoad(query) {
    this.setData({ id: query.id || '' });
    await withLoading('加载中', async () => {
      const status = await api.getApplication(this.data.id);
      const view = applicationView(status);
      if (!view.hasProof) {
        this.setData({ loaded: true });
        return;
      }
      const imagePath = await api.downloadPreviewPage(this.data.id, 'proof', 1);
      this.setData({ view, issuedAt: formatTime(status.proof_issued_at), imagePath, loaded: true });
    });
  },

  onZoom() {
    wx.previewImage({ urls: [this.data.imagePath] });
  },

  async onDownload() {
    await withLoading('正在下载', async () => openPdf(await api.downloadPdf(this.data.id, 'proof')));
  },
});
