/**
 * The printers' roster (logistics_printers): one document per printer, its `_id` the printer's
 * openid, naming them. WeChat's getPrinter list stays the truth of who can print; the roster only
 * names them, so a printer bound elsewhere shows unnamed until an admin names it.
 */
import type { PrinterPerson } from '../../miniprogram/shared/bindings';
import { isPlainObject } from '../../miniprogram/shared/field-rules';
import type { PrinterVia } from '../../miniprogram/shared/printer-invites';
import type { FieldValue } from './database';

/** The most roster documents a read takes (the SDK's own cap); printers are listed up to 500. */
export const ROSTER_READ_LIMIT = 1000;

/** How a bind puts a printer on the roster (`name` only when one was given). */
export interface RosterEntry {
  name?: string;
  addedBy?: string;
  addedAt: number;
  via: PrinterVia;
  inviteId: string | null;
}

/** A bind's roster fields: who (the caller), when, how. */
export function rosterEntry(options: { target: string; caller?: string; now: number; inviteId?: string; name?: string }): RosterEntry {
  const via: PrinterVia = options.inviteId !== undefined ? 'invite' : options.caller === options.target ? 'self' : 'openid';
  return {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.caller === undefined ? {} : { addedBy: options.caller }),
    addedAt: options.now,
    via,
    inviteId: options.inviteId ?? null,
  };
}

/** The fields an update sets on an existing entry: a bind without a name keeps the name it has. */
export function rosterFields(entry: RosterEntry): Record<string, FieldValue> {
  return { ...entry, addedBy: entry.addedBy ?? null };
}

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const VIAS: readonly string[] = ['invite', 'openid', 'self'] satisfies PrinterVia[];

/** A roster document as the page sees it (a field of the wrong type is left out). */
export function personOf(openid: string, document: Record<string, unknown> | undefined): PrinterPerson {
  if (document === undefined || !isPlainObject(document)) return { openid };
  const { name, addedBy, addedAt, via, inviteId } = document;
  return {
    openid,
    ...(text(name) ? { name } : {}),
    ...(text(addedBy) ? { addedBy } : {}),
    ...(typeof addedAt === 'number' && Number.isFinite(addedAt) ? { addedAt } : {}),
    ...(typeof via === 'string' && VIAS.includes(via) ? { via: via as PrinterVia } : {}),
    ...(via === 'invite' && text(inviteId) ? { inviteId } : {}),
  };
}

/** Each openid with what the roster says of them, in the order of `openids`. */
export function peopleOf(openids: readonly string[], documents: ReadonlyArray<Record<string, unknown>>): PrinterPerson[] {
  const byId = new Map<string, Record<string, unknown>>();
  for (const document of documents) if (typeof document._id === 'string') byId.set(document._id, document);
  return openids.map((openid) => personOf(openid, byId.get(openid)));
}
