// The WeChat transport of utils/api.js: wx.request and wx.downloadFile wrapped in promises.

const { networkError } = require('./errors');

// Reads the JSON error body that wx.downloadFile saved in place of the file; {} when it is not JSON.
function readErrorBody(wx, tempFilePath) {
  try {
    return JSON.parse(wx.getFileSystemManager().readFileSync(tempFilePath, 'utf8'));
  } catch (error) {
    console.warn('download error body is not JSON', error);
    return {};
  }
}

function createWxTransport(wx, { timeoutMs }) {
  return {
    request({ method, url, header, data }) {
      return new Promise((resolve, reject) => {
        wx.request({
          url,
          method,
          header,
          data,
          timeout: timeoutMs,
          dataType: 'json',
          success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
          fail: (err) => reject(networkError(err.errMsg)),
        });
      });
    },

    // wx.downloadFile reports HTTP errors as success with the body saved to a file, so read it back.
    download({ url, header }) {
      return new Promise((resolve, reject) => {
        wx.downloadFile({
          url,
          header,
          timeout: timeoutMs,
          success: (res) => {
            const data = res.statusCode >= 400 ? readErrorBody(wx, res.tempFilePath) : null;
            resolve({ statusCode: res.statusCode, tempFilePath: res.tempFilePath, data });
          },
          fail: (err) => reject(networkError(err.errMsg)),
        });
      });
    },
  };
}

module.exports = { createWxTransport };
