// Document preview: the documents as page images, as the platform renders them, and the PDF original.

const api = require('../../utils/client');
const { documentTitle } = require('../../utils/format');
const { openPdf } = require('../../utils/media');
const { showError, withLoading } = require('../../utils/ui');

Page({
  data: { id: '', documents: [], current: 0, page: 1, imagePath: '' },

  async onLoad(query) {
    this.setData({ id: query.id || '' });
    await withLoading('加载中', async () => {
      const documents = await api.listDocuments(this.data.id);
      // The registration proof has its own page, so the preview shows only the documents to sign.
      const toSign = documents.filter((item) => item.kind !== 'proof');
      this.setData({ documents: toSign.map((item) => ({ ...item, title: documentTitle(item.kind) })) });
    });
    await this.showPage(1);
  },

  // Page images need the session token, which an <image> src cannot send, so they are downloaded first.
  async showPage(page) {
    const document = this.data.documents[this.data.current];
    if (!document) {
      return;
    }
    try {
      const imagePath = await api.downloadPreviewPage(this.data.id, document.kind, page);
      this.setData({ page, imagePath });
    } catch (error) {
      showError(error);
    }
  },

  onPickDocument(event) {
    this.setData({ current: Number(event.currentTarget.dataset.index), imagePath: '' });
    this.showPage(1);
  },

  onPreviousPage() {
    this.showPage(this.data.page - 1);
  },

  onNextPage() {
    this.showPage(this.data.page + 1);
  },

  onZoom() {
    wx.previewImage({ urls: [this.data.imagePath] });
  },

  async onOpenPdf() {
    const document = this.data.documents[this.data.current];
    await withLoading('正在下载', async () => openPdf(await api.downloadPdf(this.data.id, document.kind)));
  },
});
