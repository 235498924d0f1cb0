/** The logistics operations the runner (core/runner.ts) runs: what differs between the functions. */
import type { Operation } from './runner';
import {
  validateBindAccountEvent,
  validateUpdatePrinterEvent,
  type BindAccountParams,
  type UpdatePrinterParams,
} from './validation';

export const updatePrinterOperation: Operation<UpdatePrinterParams> = {
  name: 'updatePrinter',
  effect: 'write',
  validate: (event, caller) => validateUpdatePrinterEvent(event, caller.openid),
  action: (params) => params.updateType,
  target: (params) => ({ openid: params.openid }),
  secrets: () => [],
  // WeChat answers 0 to a repeated printer bind or unbind, so nothing needs settling.
  settledByEarlierAttempt: () => false,
};

export const bindAccountOperation: Operation<BindAccountParams> = {
  name: 'bindAccount',
  effect: 'write',
  validate: (event) => validateBindAccountEvent(event),
  action: (params) => params.type,
  target: (params) => ({ deliveryId: params.deliveryId, bizId: params.bizId }),
  secrets: (params) => (params.password === undefined ? [] : [params.password]),
  settledByEarlierAttempt: (code, params) =>
    (params.type === 'bind' && code === 'ALREADY_BOUND') || (params.type === 'unbind' && code === 'BIZ_ID_NOT_FOUND'),
};
