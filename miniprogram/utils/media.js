// Camera, files and documents through WeChat's APIs, wrapped in promises.

// The platform refuses face photos above 4 MB.
const MAX_FACE_PHOTO_BYTES = 4 * 1024 * 1024;

function promisify(api, options = {}) {
  return new Promise((resolve, reject) => api({ ...options, success: resolve, fail: reject }));
}

function readBase64(filePath) {
  const files = wx.getFileSystemManager();
  return new Promise((resolve, reject) => {
    files.readFile({ filePath, encoding: 'base64', success: (result) => resolve(result.data), fail: reject });
  });
}

// Opens the front camera for one photo; resolves with it as base64, or rejects with WeChat's cancel error.
async function takeFacePhoto() {
  const chosen = await promisify(wx.chooseMedia, {
    count: 1,
    mediaType: ['image'],
    sourceType: ['camera'],
    camera: 'front',
    sizeType: ['compressed'],
  });
  const photo = chosen.tempFiles[0];
  if (photo.size > MAX_FACE_PHOTO_BYTES) {
    const error = new Error('face photo too large');
    error.code = 'FACE_PHOTO_TOO_LARGE';
    error.message = '人脸照片不能超过 4 MB，请重新拍摄。';
    throw error;
  }
  return readBase64(photo.tempFilePath);
}

// Exports the signature pad's 2d canvas as PNG and resolves with it as base64.
async function canvasToPngBase64(canvas, { destWidth, destHeight }) {
  const exported = await promisify(wx.canvasToTempFilePath, { canvas, fileType: 'png', destWidth, destHeight });
  return readBase64(exported.tempFilePath);
}

// Opens a downloaded PDF in WeChat's viewer, whose menu lets the borrower save or forward it.
function openPdf(filePath) {
  return promisify(wx.openDocument, { filePath, fileType: 'pdf', showMenu: true });
}

function wechatLoginCode() {
  return promisify(wx.login).then((result) => result.code);
}

module.exports = { MAX_FACE_PHOTO_BYTES, takeFacePhoto, canvasToPngBase64, openPdf, wechatLoginCode, readBase64 };
