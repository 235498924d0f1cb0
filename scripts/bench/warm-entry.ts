/**
 * For the warm bench only (scripts/bench.ts bundles it like a function): updatePrinter's main and
 * the raw SDK call it wraps, sharing one SDK instance (the function's index.ts runs cloud.init).
 */
import cloud = require('wx-server-sdk');
export { main } from '../../cloudfunctions/updatePrinter/src/index';

export const rawCall = (params: { openid: string; updateType: 'bind' | 'unbind' }) => cloud.openapi.logistics.updatePrinter(params);
