/**
 * updatePrinter: binds or unbinds a waybill printer (the caller themself when no openid is given),
 * then keeps the records: the roster (a bind whose outcome is unknown still names them: getPrinter
 * decides who prints; an unbind takes them off) and the history, whatever WeChat answered.
 */
import { openapiCall } from '../call-engine';
import { ProjectCode } from '../catalogue';
import type { Operation } from '../operation';
import { followedBy, putOnRoster, recordHistory, takeOffRoster } from '../records/follow';
import { rosterEntry } from '../records/roster';
import { validateUpdatePrinterEvent, type UpdatePrinterParams } from '../validation';

/** logistics.updatePrinter. WeChat answers 0 to a repeated printer bind or unbind, so nothing needs settling. */
export const updatePrinterCall = openapiCall<UpdatePrinterParams>('updatePrinter', { effect: 'write' });

export const updatePrinterOperation: Operation<UpdatePrinterParams, UpdatePrinterParams> = {
  functionName: 'updatePrinter',
  validate: (event, caller) => validateUpdatePrinterEvent(event, caller.openid),
  action: (params) => params.updateType,
  target: (params) => ({ openid: params.openid }),
  answer: async (params, callWithRetries, run) => {
    const outcome = await callWithRetries(updatePrinterCall, params);
    const { ok, errCode } = outcome.envelope;
    const writes: Array<() => Promise<boolean>> = [];
    if (params.updateType === 'bind' && (ok || errCode === ProjectCode.OUTCOME_UNKNOWN)) {
      writes.push(() => putOnRoster(run, params.openid, rosterEntry({ target: params.openid, caller: run.caller.openid, now: run.now })));
    }
    if (params.updateType === 'unbind' && ok) writes.push(() => takeOffRoster(run, params.openid));
    writes.push(() => recordHistory(run, `printer.${params.updateType}`, { openid: params.openid }, outcome.envelope));
    return followedBy(outcome, writes);
  },
};
