/**
 * getBindings as an operation (core/operation.ts): the same checks as every function
 * (caller identity → admins → configuration → event), then the requested parts read concurrently,
 * each with the retry policy inside the one time budget, composed into one envelope keyed by part.
 *
 * WeChat's three parts are openapi reads; `invites` and `history` are database reads, and the
 * printers part's names come from the roster, read concurrently with getPrinter. A read has no
 * effect (`effect: 'read'`), so a read that gets no answer is a plain retryable failure of its
 * part — READ_TIMEOUT when the budget runs out, otherwise the last attempt's own failure — never
 * OUTCOME_UNKNOWN. Each database read fails on its own: a roster that cannot be read leaves the
 * printers listed by openid, with `roster` holding that read's failure (the part and the top-level
 * `ok` unaffected). Reads write nothing.
 */
import {
  type BindingsData,
  type BindingsPart,
  type HistoryEntry,
  type InviteItem,
  type PartFailure,
  type WeChatPart,
} from '../../miniprogram/shared/bindings';
import { LIST_CAP, normalisePart, PART_APIS } from '../bindings-answers';
import { openapiCall, type Call } from '../call-engine';
import { successEnvelope, type Envelope } from '../envelope';
import type { AnswerRun, CallWithRetries, Operation } from '../operation';
import { COLLECTIONS, FUNCTION_WRITTEN } from '../records/database';
import { HISTORY_READ, readHistoryEntry } from '../records/history';
import { inviteItem, listed, listedInvitesQuery, readInvite } from '../records/invites';
import { peopleOf, ROSTER_READ_LIMIT } from '../records/roster';
import { validateGetBindingsEvent } from '../validation';

const FN = 'getBindings';

/** What the entry file's SDK call is asked for: one of WeChat's parts. */
export interface ReadRequest {
  part: WeChatPart;
}

export interface GetBindingsParams {
  parts: BindingsPart[];
  callerOpenid?: string;
}

/** One part's read; a malformed answer (MalformedAnswer thrown by the normaliser) fails that part. */
const readOf = (part: WeChatPart): Call<ReadRequest> => openapiCall(PART_APIS[part], { effect: 'read', dataOf: (result) => normalisePart(part, result) });

const PART_READS: Readonly<Record<WeChatPart, Call<ReadRequest>>> = {
  accounts: readOf('accounts'),
  printers: readOf('printers'),
  carriers: readOf('carriers'),
};

/** The most invites read; the part lists LIST_CAP of them. */
const INVITES_READ_LIMIT = 1000;

function failureOf(envelope: Envelope): PartFailure {
  const { errCode, errMsg, code, message, retryable } = envelope;
  return { ok: false, errCode, errMsg, code, message, retryable };
}

function partOf(envelope: Envelope): { ok: true } | PartFailure {
  return envelope.ok ? { ok: true, ...(envelope.data as object) } : failureOf(envelope);
}

/** getPrinter and the roster together; the roster names the openids and never fails the part. */
async function readPrinters(callWithRetries: CallWithRetries<ReadRequest>, run: AnswerRun): Promise<Envelope> {
  const [printers, roster] = await Promise.all([
    callWithRetries(PART_READS.printers, { part: 'printers' }),
    run.records.read(COLLECTIONS.roster, FUNCTION_WRITTEN, { limit: ROSTER_READ_LIMIT }),
  ]);
  if (!printers.envelope.ok) return printers.envelope;
  const data = printers.envelope.data as { openids: string[] };
  const people = peopleOf(data.openids, roster.ok ? roster.value : []);
  return { ...printers.envelope, data: { ...data, people, roster: roster.ok ? { ok: true } : failureOf(roster.envelope) } };
}

async function readInvites(run: AnswerRun): Promise<Envelope> {
  const read = await run.records.read(COLLECTIONS.invites, listedInvitesQuery(run.caller.appid, run.now), { orderBy: ['createdAt', 'desc'], limit: INVITES_READ_LIMIT });
  if (!read.ok) return read.envelope;
  const items: InviteItem[] = [];
  for (const document of read.value) {
    const invite = readInvite(document);
    if (invite !== undefined && listed(invite, run.now)) items.push(inviteItem(invite, run.now));
  }
  return successEnvelope(`${FN}:ok`, { list: items.slice(0, LIST_CAP), total: items.length, truncated: items.length > LIST_CAP });
}

async function readHistory(run: AnswerRun): Promise<Envelope> {
  const read = await run.records.read(COLLECTIONS.history, HISTORY_READ.where, { orderBy: HISTORY_READ.orderBy, limit: HISTORY_READ.limit });
  if (!read.ok) return read.envelope;
  const list = read.value.map(readHistoryEntry).filter((entry): entry is HistoryEntry => entry !== undefined);
  return successEnvelope(`${FN}:ok`, { list });
}

function readPart(part: BindingsPart, callWithRetries: CallWithRetries<ReadRequest>, run: AnswerRun): Promise<Envelope> {
  switch (part) {
    case 'printers':
      return readPrinters(callWithRetries, run);
    case 'invites':
      return readInvites(run);
    case 'history':
      return readHistory(run);
    default:
      return callWithRetries(PART_READS[part], { part }).then((outcome) => outcome.envelope);
  }
}

/** ok only when every part answered; otherwise the first failing part's outcome, with the parts that did. */
function bindingsEnvelope(parts: readonly BindingsPart[], envelopes: readonly Envelope[], callerOpenid: string | undefined): Envelope<BindingsData> {
  const data: Record<string, unknown> = {};
  parts.forEach((part, index) => (data[part] = partOf(envelopes[index]!)));
  if (callerOpenid !== undefined) data.callerOpenid = callerOpenid;
  const failed = envelopes.find((envelope) => !envelope.ok);
  if (failed === undefined) return successEnvelope(`${FN}:ok`, data as BindingsData);
  return { ...failureOf(failed), data: data as BindingsData };
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
  answer: async (params, callWithRetries, run) => {
    // The openapi reads' attempts are counted here; the database's by the run's records.
    let attempts = 0;
    const counted: CallWithRetries<ReadRequest> = async (call, request) => {
      const outcome = await callWithRetries(call, request);
      attempts += outcome.attempts;
      return outcome;
    };
    const envelopes = await Promise.all(params.parts.map((part) => readPart(part, counted, run)));
    return { envelope: bindingsEnvelope(params.parts, envelopes, params.callerOpenid), attempts };
  },
};

