// The session token, kept in the mini-program's local storage so that a restart stays logged in.

const TOKEN_KEY = 'mc_session_token';

// Wraps a storage with WeChat's synchronous storage methods: `wx` itself, or a Map-based fake in tests.
function createSession(storage) {
  return {
    getToken() {
      return storage.getStorageSync(TOKEN_KEY) || '';
    },
    setToken(token) {
      storage.setStorageSync(TOKEN_KEY, token);
    },
    clear() {
      storage.removeStorageSync(TOKEN_KEY);
    },
  };
}

module.exports = { TOKEN_KEY, createSession };
