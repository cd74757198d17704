// The mini-program's entry. Pages share nothing through the app object: the session lives in storage.

App({
  onLaunch() {
    const update = wx.canIUse('getUpdateManager') ? wx.getUpdateManager() : null;
    if (update) {
      update.onUpdateReady(() => update.applyUpdate());
    }
  },
});
