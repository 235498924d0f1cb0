/** updatePrinter: binds or unbinds a waybill printer (the caller themself when no openid is given). */
import { openapiCall } from '../call-engine';
import { oneCallOperation } from '../operation';
import { validateUpdatePrinterEvent, type UpdatePrinterParams } from '../validation';

/** logistics.updatePrinter. WeChat answers 0 to a repeated printer bind or unbind, so nothing needs settling. */
export const updatePrinterCall = openapiCall<UpdatePrinterParams>('updatePrinter', { effect: 'write' });

export const updatePrinterOperation = oneCallOperation<UpdatePrinterParams>(
  {
    functionName: 'updatePrinter',
    validate: (event, caller) => validateUpdatePrinterEvent(event, caller.openid),
    action: (params) => params.updateType,
    target: (params) => ({ openid: params.openid }),
  },
  updatePrinterCall,
);
