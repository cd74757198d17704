// A Map with WeChat's synchronous storage methods, standing in for `wx` in utils/session.js.

function createMemoryStorage() {
  const values = new Map();
  return {
    values,
    getStorageSync: (key) => (values.has(key) ? values.get(key) : ''),
    setStorageSync: (key, value) => values.set(key, value),
    removeStorageSync: (key) => values.delete(key),
  };
}

module.exports = { createMemoryStorage };
