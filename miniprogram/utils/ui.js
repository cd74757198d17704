// Feedback on screen: the platform's Chinese error message in a dialog, with a way to the page that fixes it.

const { ROUTES, messageOf, recoveryRouteOf } = require('./errors');

// Shows the error's message. `facePurpose` is the face check ('login' or 'signing') that fixes FACE_NOT_FRESH and FACE_NOT_MATCHED here.
function showError(error, { facePurpose = 'login' } = {}) {
  const failure = error || {};
  console.warn('request failed', { code: failure.code, status: failure.status, errMsg: failure.errMsg });
  const message = messageOf(error);
  if (!message) {
    return;
  }

  const route = recoveryRouteOf(error);
  wx.showModal({
    title: '提示',
    content: message,
    showCancel: Boolean(route),
    confirmText: route ? '去处理' : '知道了',
    success: (answer) => {
      if (!route || !answer.confirm) {
        return;
      }
      if (route === ROUTES.login) {
        wx.reLaunch({ url: route });
      } else if (route === ROUTES.face) {
        wx.navigateTo({ url: `${route}?purpose=${facePurpose}` });
      } else {
        wx.navigateTo({ url: route });
      }
    },
  });
}

// Runs `task` under a loading mask; shows its error and resolves with undefined when it fails.
async function withLoading(title, task, options) {
  wx.showLoading({ title, mask: true });
  let result;
  let failure = null;
  try {
    result = await task();
  } catch (error) {
    failure = error;
  }
  wx.hideLoading();

  if (failure) {
    showError(failure, options);
    return undefined;
  }
  return result;
}

function confirm(title, content) {
  return new Promise((resolve) => {
    wx.showModal({ title, content, success: (answer) => resolve(Boolean(answer.confirm)), fail: () => resolve(false) });
  });
}

module.exports = { showError, withLoading, confirm };
