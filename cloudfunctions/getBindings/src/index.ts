/**
 * getBindings: reads what is bound — courier accounts (with their review status), waybill printers,
 * and the carriers the logistics helper supports. Admins only. Only the SDK wiring lives here.
 */
import cloud = require('wx-server-sdk');
import type { WeChatPart } from '../../../miniprogram/shared/bindings';
import { createMain } from '../../../core/node-main';
import { getBindingsOperation } from '../../../core/operations/get-bindings';
import { sdkRequestTimeoutMs } from '../../../core/retry-policy';

// The SDK reads `timeout` (ms, per request) and takes DYNAMIC_CURRENT_ENV (a symbol) as the
// function's own env; its typings know neither, hence the cast.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, timeout: sdkRequestTimeoutMs(process.env) } as unknown as Parameters<typeof cloud.init>[0]);

// Each read is written out (not looked up by name) so config.json can be checked against this file.
const READS: Readonly<Record<WeChatPart, () => Promise<unknown>>> = {
  accounts: () => cloud.openapi.logistics.getAllAccount({}),
  printers: () => cloud.openapi.logistics.getPrinter({}),
  carriers: () => cloud.openapi.logistics.getAllDelivery({}),
};

export const main = createMain(getBindingsOperation, {
  wxContext: () => cloud.getWXContext(),
  call: ({ part }) => READS[part]() as Promise<{ errCode?: number; errMsg?: string }>,
});
