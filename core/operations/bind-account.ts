/** bindAccount: binds or unbinds a courier (carrier) account, and writes its history entry whatever WeChat answered. */
import { openapiCall } from '../call-engine';
import type { Operation } from '../operation';
import { followedBy, recordHistory } from '../records/follow';
import { validateBindAccountEvent, type BindAccountParams } from '../validation';

/** logistics.bindAccount; a bind carries the carrier password when one is given. */
export const bindAccountCall = openapiCall<BindAccountParams>('bindAccount', {
  effect: 'write',
  carriesSecret: (params) => params.password !== undefined,
  settledByEarlierAttempt: (code, params) =>
    (params.type === 'bind' && code === 'ALREADY_BOUND') || (params.type === 'unbind' && code === 'BIZ_ID_NOT_FOUND'),
});

export const bindAccountOperation: Operation<BindAccountParams, BindAccountParams> = {
  functionName: 'bindAccount',
  validate: (event) => validateBindAccountEvent(event),
  action: (params) => params.type,
  target: (params) => ({ deliveryId: params.deliveryId, bizId: params.bizId }),
  answer: async (params, callWithRetries, run) => {
    const outcome = await callWithRetries(bindAccountCall, params);
    // The entry names the account by its ids only: never the password.
    const target = { deliveryId: params.deliveryId, bizId: params.bizId };
    return followedBy(outcome, [() => recordHistory(run, `account.${params.type}`, target, outcome.envelope)]);
  },
};
