/**
 * `electron` as a sandboxed preload sees it (contextBridge, ipcRenderer), for loading the built preload bundle
 * in plain Node. The test puts a recorder on globalThis.__preloadStub before requiring the bundle.
 */
module.exports = new Proxy(
  {},
  {
    get(_target, name) {
      const stub = globalThis.__preloadStub;
      if (!stub) throw new Error('set globalThis.__preloadStub first');
      return stub[name];
    },
  },
);
