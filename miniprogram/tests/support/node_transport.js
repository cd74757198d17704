// The transport of utils/api.js over Node's fetch, behaving as wx.request and wx.downloadFile do:
// JSON bodies parsed, HTTP errors resolved with their status, downloads saved to a temporary file.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { networkError } = require('../../utils/errors');

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function createNodeTransport({ timeoutMs = 60000 } = {}) {
  const downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-miniprogram-'));
  process.once('exit', () => fs.rmSync(downloadDir, { recursive: true, force: true }));
  let downloads = 0;

  async function send(method, url, header, body) {
    try {
      return await fetch(url, { method, headers: header, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw networkError(error.message);
    }
  }

  return {
    downloadDir,

    async request({ method, url, header, data }) {
      const body = data === undefined ? undefined : JSON.stringify(data);
      const response = await send(method, url, header, body);
      return { statusCode: response.status, data: parseJson(await response.text()) };
    },

    async download({ url, header }) {
      const response = await send('GET', url, header);
      const bytes = Buffer.from(await response.arrayBuffer());
      downloads += 1;
      const tempFilePath = path.join(downloadDir, `download-${downloads}`);
      fs.writeFileSync(tempFilePath, bytes);
      const data = response.status >= 400 ? parseJson(bytes.toString('utf8')) : null;
      return { statusCode: response.status, tempFilePath, data };
    },
  };
}

module.exports = { createNodeTransport };
