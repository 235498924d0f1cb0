/**
 * getBindings as an operation (core/operation.ts): the same checks as every function
 * (caller identity → admins → configuration → event), then the requested parts read concurrently,
 * each with the retry policy inside the one time budget, composed into one envelope keyed by part.
 *
 * A read has no effect (`effect: 'read'`), so a read that gets no answer is a plain retryable
 * failure of its part — READ_TIMEOUT when the budget runs out, otherwise the last attempt's own
 * failure — never OUTCOME_UNKNOWN.
 */
import type { BindingsData, BindingsPart, PartFailure } from '../../miniprogram/shared/bindings';
import { normalisePart, PART_APIS } from '../bindings-answers';
import { openapiCall, type Call } from '../call-engine';
import { successEnvelope, type Envelope } from '../envelope';
import type { Operation } from '../operation';
import { validateGetBindingsEvent } from '../validation';

const FN = 'getBindings';

/** What the entry file's SDK call is asked for: one part's read. */
export interface ReadRequest {
  part: BindingsPart;
}

export interface GetBindingsParams {
  parts: BindingsPart[];
  callerOpenid?: string;
}

/** One part's read; a malformed answer (MalformedAnswer thrown by the normaliser) fails that part. */
const readOf = (part: BindingsPart): Call<ReadRequest> => openapiCall(PART_APIS[part], { effect: 'read', dataOf: (result) => normalisePart(part, result) });

const PART_READS: Readonly<Record<BindingsPart, Call<ReadRequest>>> = {
  accounts: readOf('accounts'),
  printers: readOf('printers'),
  carriers: readOf('carriers'),
};

function partOf(envelope: Envelope): { ok: true } | PartFailure {
  if (envelope.ok) return { ok: true, ...(envelope.data as object) };
  const { errCode, errMsg, code, message, retryable } = envelope;
  return { ok: false, errCode, errMsg, code, message, retryable };
}

/** ok only when every part answered; otherwise the first failing part's outcome, with the parts that did. */
function bindingsEnvelope(parts: readonly BindingsPart[], envelopes: readonly Envelope[], callerOpenid: string | undefined): Envelope<BindingsData> {
  const data: Record<string, unknown> = {};
  parts.forEach((part, index) => (data[part] = partOf(envelopes[index]!)));
  if (callerOpenid !== undefined) data.callerOpenid = callerOpenid;
  const failed = envelopes.find((envelope) => !envelope.ok);
  if (failed === undefined) return successEnvelope(`${FN}:ok`, data as BindingsData);
  const { errCode, errMsg, code, message, retryable } = failed;
  return { ok: false, errCode, errMsg, code, message, retryable, data: data as BindingsData };
}

export const getBindingsOperation: Operation<GetBindingsParams, ReadRequest> = {
  functionName: FN,
  validate: (event, caller) => {
    const checked = validateGetBindingsEvent(event);
    if (!checked.ok) return checked;
    return { ok: true, params: { parts: checked.parts, ...(caller.openid === undefined ? {} : { callerOpenid: caller.openid }) } };
  },
  action: () => 'read',
  target: (params) => ({ parts: params.parts }),
  answer: async (params, callWithRetries) => {
    const outcomes = await Promise.all(params.parts.map((part) => callWithRetries(PART_READS[part], { part })));
    return {
      envelope: bindingsEnvelope(params.parts, outcomes.map((outcome) => outcome.envelope), params.callerOpenid),
      attempts: outcomes.reduce((sum, outcome) => sum + outcome.attempts, 0),
    };
  },
};
