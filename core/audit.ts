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
  /** Whether the records that follow a write (roster, history) were saved; absent when none were due. */
  recorded?: boolean;
  /** Collections the run found missing and created. */
  collectionCreated?: readonly string[];
  /** After an accept whose bind definitely failed: whether its use was given back. */
  useGivenBack?: boolean;
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
  recorded: boolean | null;
  collectionCreated: readonly string[] | null;
  /** Only on an accept whose bind definitely failed (false: giving the use back failed, it is lost). */
  useGivenBack?: boolean;
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
    recorded: record.recorded ?? null,
    collectionCreated: record.collectionCreated ?? null,
    ...(record.useGivenBack === undefined ? {} : { useGivenBack: record.useGivenBack }),
    durationMs: Math.round(durationMs),
  };
  return JSON.stringify(line);
}
