// The API client every page uses: utils/api.js over wx.request, with the token in local storage.

const config = require('../config');
const { createApi } = require('./api');
const { createSession } = require('./session');
const { createWxTransport } = require('./transport');

module.exports = createApi({
  baseUrl: config.apiBaseUrl,
  transport: createWxTransport(wx, { timeoutMs: config.requestTimeoutMs }),
  session: createSession(wx),
});
