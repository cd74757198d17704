// A stand-in for the `wx` global and the `Page` constructor, so page scripts run under Node.
// Every wx call is recorded. A handler set with `on(name, handler)` decides the result of an API.
// Its return value goes to `success` and a thrown value to `fail`. APIs without a handler succeed with {}.

const { createMemoryStorage } = require('./memory_storage');

// A 2d context that accepts every drawing call and records it.
function recordingContext(drawn) {
  return new Proxy({}, {
    get: (_, name) => (...args) => drawn.push([name, ...args]),
    set: () => true,
  });
}

// Synchronous APIs: a canvas node for the signature pad, and files whose content is a fixed PNG header.
function syncApis(drawn) {
  const canvas = { width: 0, height: 0, getContext: () => recordingContext(drawn) };
  return {
    getWindowInfo: () => ({ pixelRatio: 2, windowWidth: 375 }),
    canIUse: () => false,
    getFileSystemManager: () => ({
      readFile: (options) => options.success({ data: 'iVBORw0KGgo=' }),
      readFileSync: () => '{}',
    }),
    createSelectorQuery: () => {
      const query = {
        select: () => query,
        fields: () => query,
        exec: (callback) => callback([{ node: canvas, width: 300, height: 150 }]),
      };
      return query;
    },
  };
}

function createFakeWx() {
  const storage = createMemoryStorage();
  const handlers = new Map();
  const calls = [];
  const drawn = [];
  const sync = syncApis(drawn);

  function invoke(name, options = {}) {
    calls.push({ name, options });
    const handler = handlers.get(name);
    let result;
    try {
      result = handler ? handler(options) : {};
    } catch (error) {
      if (options.fail) options.fail(error);
      if (options.complete) options.complete(error);
      return undefined;
    }
    if (options.success) options.success(result);
    if (options.complete) options.complete(result);
    return undefined;
  }

  const control = {
    storage,
    calls,
    drawn,
    on(name, handler) {
      handlers.set(name, handler);
    },
    reset() {
      handlers.clear();
      calls.length = 0;
      drawn.length = 0;
      storage.values.clear();
    },
    callsOf(name) {
      return calls.filter((call) => call.name === name).map((call) => call.options);
    },
  };

  const wx = new Proxy({}, {
    get(_, name) {
      if (name === 'getStorageSync' || name === 'setStorageSync' || name === 'removeStorageSync') {
        return storage[name];
      }
      if (name in sync) {
        return sync[name];
      }
      return (options) => invoke(name, options);
    },
  });

  return { wx, control };
}

// Installs the fake `wx` and a capturing `Page` as globals; call before requiring any page.
function installFakeWx() {
  const { wx, control } = createFakeWx();
  const definitions = new Map();
  let loading = null;
  global.wx = wx;
  global.Page = (definition) => definitions.set(loading, definition);
  global.App = () => {};

  // Returns a fresh instance of a page with setData, as the framework would create it.
  control.openPage = (modulePath) => {
    if (!definitions.has(modulePath)) {
      loading = modulePath;
      require(modulePath);
    }
    const definition = definitions.get(modulePath);
    const page = { ...definition, data: structuredClone(definition.data || {}) };
    page.setData = (changes) => Object.assign(page.data, changes);
    return page;
  };
  return control;
}

module.exports = { installFakeWx };
