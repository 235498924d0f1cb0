/**
 * What the build defers in the SDK, and why each is off the openapi path. package.json pins the
 * three packages exactly and each file by sha256; a file that differs is bundled unpatched, with a
 * warning, until this list is reviewed against it. Everything deferred still works, required on
 * first use (test/build/sdk-features.test.ts tours the SDK and compares every request byte).
 */
import type { SourcePatch } from './lazy-requires';

export const SDK_PATCHES: readonly SourcePatch[] = [
  {
    // The SDK's entry class: its top-level requires pull in every feature's stack at load.
    stage: 'every feature stack',
    file: '@cloudbase/node-sdk/dist/cloudbase.js',
    sha256: '0bb97d7c4713e8e2f90a3f95efc4e4cc4f0dc27ed9bca163904370bddd3aece4',
    deferredRequires: {
      // Only the deprecated `requestClient` shim reads axios.
      axios_1: 'axios',
      // The models/mysql clients (core-js-pure polyfills); built on first use of cloud.models / mysql().
      wx_cloud_client_sdk_1: '@cloudbase/wx-cloud-client-sdk',
      // jsonwebtoken, jws, semver: only cloudbase.auth().
      auth_1: './auth',
      functions_1: './functions',
      cloudrun_1: './cloudrun',
      // @cloudbase/database, bson, lodash.*: only database().
      database_1: './database',
      // xml2js, sax: only the storage methods.
      storage_1: './storage',
      analytics_1: './analytics',
      // @cloudbase/ai, app, utilities, adapter, web-streams-polyfill: only ai().
      ai_1: './ai',
      logger_1: './logger',
      notification_1: './notification',
    },
    // cloud.database() reads its own file: @cloudbase/database, bson, lodash.* (none shared with the other features).
    parts: { './database': 'database' },
    replacements: [
      {
        why: 'build the models client (cloud.models) on first read; its arguments are still evaluated in init',
        find: 'const httpClient = wx_cloud_client_sdk_1.default.generateHTTPClient(this.callFunction.bind(this), async (options) => {',
        replace:
          'const httpClient = wxLazyCall$((...args) => wx_cloud_client_sdk_1.default.generateHTTPClient(...args), this.callFunction.bind(this), async (options) => {',
      },
      {
        why: 'cloud.models becomes a data property holding the client on first read or write',
        find: 'this.models = httpClient;',
        replace: "wxDefineLazyValue$(this, 'models', httpClient);",
      },
    ],
  },
  {
    // Cloud metadata lookups, only made outside SCF (TENCENTCLOUD_RUNENV unset); the function runs in
    // SCF. One stage with request-core.js: axios and the proxy agents both pull in debug.
    stage: 'axios, proxy agents',
    file: '@cloudbase/node-sdk/dist/utils/metadata.js',
    sha256: '540396227bf7f36ee222dd467fa3fed544ba9df27a278a5ecba1d958d32386a6',
    deferredRequires: { axios_1: 'axios' },
  },
  {
    // The HTTP layer of every call: the proxy agents (+ debug, supports-color, tty, os) only serve
    // a `proxy` option, which the openapi call never sets.
    stage: 'axios, proxy agents',
    file: '@cloudbase/node-sdk/dist/utils/request-core.js',
    sha256: 'f0aabe8a4eaf5791c0e49ab3817e1950b9dc7bd88ddaf9211ea08503ee0e1ba7',
    deferredRequires: { https_proxy_agent_1: 'https-proxy-agent', http_proxy_agent_1: 'http-proxy-agent' },
  },
  {
    // form-data (node-sdk asks ^4.0.0): mime-types (+ the 190 KB mime-db table) only guesses the type
    // of a part that has a file name or path; the openapi call's parts have neither. One stage with
    // the next: each would load mime-db anyway without the other.
    stage: 'mime-db',
    file: 'form-data/lib/form_data.js',
    sha256: 'c63c99e10e2c3f46fa990787d7dc4a4f65ea90211c422e19626fecb3d767c41d',
    deferredRequires: { mime: 'mime-types' },
  },
  {
    // wx-server-sdk itself (webpack bundle): the openapi param converter reads mime-db only for a
    // media param ({ contentType, value: Buffer }); the logistics calls have none.
    stage: 'mime-db',
    file: 'wx-server-sdk/index.js',
    sha256: 'f33fb17b1724a16cf53d1d8c194e78d2d12c0d07793472b0a5d11cb133c6c4ab',
    deferredRequires: {},
    deferredByReplacements: ['mime-db'],
    replacements: [
      {
        why: 'mime-db is required on the first media param, not when the param converter loads',
        find: 'const mimeDB = __webpack_require__(/*! mime-db */ "mime-db");',
        replace: 'let mimeDBLoaded;\nconst mimeDB$load = () => mimeDBLoaded || (mimeDBLoaded = __webpack_require__(/*! mime-db */ "mime-db"));',
      },
      {
        why: "mime-db's only reader",
        find: 'const mime = mimeDB[mimeType];',
        replace: 'const mime = mimeDB$load()[mimeType];',
      },
    ],
  },
];
