/** bindAccount: binds or unbinds a courier (carrier) account. Only the SDK wiring lives here: the openapi call, the WeChat context and the database. */
import cloud = require('wx-server-sdk');
import { createMain } from '../../../core/node-main';
import { cloudbaseDatabase, type SdkDatabase } from '../../../core/records/database';
import { bindAccountOperation } from '../../../core/operations/bind-account';
import { sdkRequestTimeoutMs } from '../../../core/retry-policy';

// The SDK reads `timeout` (ms, per request) and takes DYNAMIC_CURRENT_ENV (a symbol) as the
// function's own env; its typings know neither, hence the cast.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, timeout: sdkRequestTimeoutMs(process.env) } as unknown as Parameters<typeof cloud.init>[0]);

export const main = createMain(bindAccountOperation, {
  wxContext: () => cloud.getWXContext(),
  call: (params) => cloud.openapi.logistics.bindAccount(params),
  // Opened on the first record read or written (core/records/database.ts).
  database: cloudbaseDatabase(() => cloud.database() as unknown as SdkDatabase),
});
