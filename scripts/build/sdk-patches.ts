/**
 * What the build defers in the pinned SDK (wx-server-sdk 4.0.2 → @cloudbase/node-sdk 3.17.2), and
 * why each is off the openapi path. Every file is pinned by sha256: an upgrade fails the build until
 * this list is reviewed against the new source.
 */
import type { SourcePatch } from './lazy-requires';

export const SDK_PATCHES: readonly SourcePatch[] = [
  {
    // The SDK's entry class: its top-level requires pull in every feature's stack at load.
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
    // Cloud metadata lookups, only made outside SCF (TENCENTCLOUD_RUNENV unset); the function runs in SCF.
    file: '@cloudbase/node-sdk/dist/utils/metadata.js',
    sha256: '540396227bf7f36ee222dd467fa3fed544ba9df27a278a5ecba1d958d32386a6',
    deferredRequires: { axios_1: 'axios' },
  },
];
