/** bindAccount: binds or unbinds a courier (carrier) account. */
import { openapiCall } from '../call-engine';
import { oneCallOperation } from '../operation';
import { validateBindAccountEvent, type BindAccountParams } from '../validation';

/** logistics.bindAccount; a bind carries the carrier password when one is given. */
export const bindAccountCall = openapiCall<BindAccountParams>('bindAccount', {
  effect: 'write',
  carriesSecret: (params) => params.password !== undefined,
  settledByEarlierAttempt: (code, params) =>
    (params.type === 'bind' && code === 'ALREADY_BOUND') || (params.type === 'unbind' && code === 'BIZ_ID_NOT_FOUND'),
});

export const bindAccountOperation = oneCallOperation<BindAccountParams>(
  {
    functionName: 'bindAccount',
    validate: (event) => validateBindAccountEvent(event),
    action: (params) => params.type,
    target: (params) => ({ deliveryId: params.deliveryId, bizId: params.bizId }),
  },
  bindAccountCall,
);
