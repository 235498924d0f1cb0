/**
 * The history (logistics_activity): one entry per write event that passed authorisation and
 * validation, `{ at, actor, action, target, code, ok }`, built only from values that cannot hold
 * a secret (checked ids, our codes, numbers): never a password, never a token. Its `_id` is made
 * once per call, so a retried write cannot make a second entry.
 */
import { randomBytes } from 'node:crypto';
import { HISTORY_LIMIT, type HistoryAction, type HistoryEntry } from '../../miniprogram/shared/bindings';
import { isPlainObject } from '../../miniprogram/shared/field-rules';
import type { Envelope } from '../envelope';
import { FUNCTION_WRITTEN, type Query } from './database';

export const HISTORY_ACTIONS: readonly HistoryAction[] = ['printer.bind', 'printer.unbind', 'account.bind', 'account.unbind', 'invite', 'accept', 'revoke', 'rename'];

export function newHistoryId(random: (size: number) => Buffer = randomBytes): string {
  return random(16).toString('hex');
}

export function historyEntry(options: { at: number; actor?: string; action: HistoryAction; target: HistoryEntry['target']; outcome: Pick<Envelope, 'code' | 'ok'> }): HistoryEntry {
  return {
    at: options.at,
    ...(options.actor === undefined ? {} : { actor: options.actor }),
    action: options.action,
    target: options.target,
    code: options.outcome.code,
    ok: options.outcome.ok,
  };
}

/** The history part's read: the latest entries the functions wrote. */
export const HISTORY_READ = { where: FUNCTION_WRITTEN as Query, orderBy: ['at', 'desc'] as const, limit: HISTORY_LIMIT };

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function targetOf(value: unknown): HistoryEntry['target'] | undefined {
  if (!isPlainObject(value)) return undefined;
  if (text(value.openid)) return { openid: value.openid };
  if (text(value.deliveryId) && text(value.bizId)) return { deliveryId: value.deliveryId, bizId: value.bizId };
  if (text(value.inviteId)) return { inviteId: value.inviteId };
  return undefined;
}

/** A stored entry as listed, or undefined when it is not one the functions wrote. */
export function readHistoryEntry(document: unknown): HistoryEntry | undefined {
  if (!isPlainObject(document)) return undefined;
  const { at, actor, action, code, ok } = document;
  const target = targetOf(document.target);
  if (typeof at !== 'number' || !Number.isFinite(at) || typeof action !== 'string' || !(HISTORY_ACTIONS as readonly string[]).includes(action)) return undefined;
  if (target === undefined || !text(code) || typeof ok !== 'boolean') return undefined;
  return { at, ...(text(actor) ? { actor } : {}), action: action as HistoryAction, target, code, ok };
}
