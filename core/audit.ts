/**
 * The audit trail: one JSON line per operation, for the owner to read in the cloud console's logs.
 * Built from an allow-list of values that cannot hold a secret (checked ids, codes, numbers) and
 * never from the event or from outside text, so a password can neither get in nor, by being
 * scrubbed, decide what the line loses. Nothing is scrubbed after it is built.
 */
import type { CallerIdentity } from './authorisation';
import type { Envelope } from './envelope';

export interface AuditRecord {
  fn: string;
  caller: CallerIdentity;
  /** bind / unbind / invite / read; absent when the call was refused before validation. */
  action?: string;
  /** Printer openid, or deliveryId + bizId, or the parts read (getBindings). */
  target?: Record<string, string | readonly string[]>;
  attempts: number;
}

/** The audit line as printed; `audit` is a fixed marker to filter logs by. */
export interface AuditLine {
  audit: 'logistics';
  fn: string;
  action: string | null;
  caller: string | null;
  source: string | null;
  target: Record<string, string | readonly string[]> | null;
  code: string;
  errCode: number;
  attempts: number;
  durationMs: number;
}

export function auditLine(record: AuditRecord, envelope: Envelope, durationMs: number): string {
  const line: AuditLine = {
    audit: 'logistics',
    fn: record.fn,
    action: record.action ?? null,
    caller: record.caller.openid ?? null,
    source: record.caller.source ?? null,
    target: record.target ?? null,
    code: envelope.code,
    errCode: envelope.errCode,
    attempts: record.attempts,
    durationMs: Math.round(durationMs),
  };
  return JSON.stringify(line);
}
