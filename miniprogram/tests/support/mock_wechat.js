// Stands in for wx.login in the end-to-end test: the mock WeChat server issues the one-time code.

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 400) {
    throw new Error(`mock WeChat ${url} failed: HTTP ${response.status} ${await response.text()}`);
  }
  return response.json();
}

// Creates a WeChat user on the mock server; returns its unionid.
async function createWechatUser(mockUrl) {
  return (await postJson(`${mockUrl}/mock/users`, {})).unionid;
}

// Returns a fresh mini-program login code for the user, as wx.login would.
async function loginCode(mockUrl, unionid) {
  return (await postJson(`${mockUrl}/mock/codes`, { unionid, kind: 'mini_program' })).code;
}

module.exports = { createWechatUser, loginCode };
