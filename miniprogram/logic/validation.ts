/**
 * Client-side checks: the functions' own rules (../shared/field-rules.ts, which the functions'
 * validation uses too), so a person hears about a mistake before anything is sent. The server
 * stays the judge; these only save a round trip.
 *
 * Messages name the field in a person's words with the event name after it, e.g.
 * "客户编码（bizId）不能为空", and never quote what was typed (it may be a password).
 */
import { BIND_ACCOUNT_FIELDS, checkFields, OPTIONAL_NAME_FIELD, RENAME_PRINTER_FIELDS, REVOKE_INVITE_FIELDS, UPDATE_PRINTER_FIELDS, type FieldSpec } from '../shared/field-rules';

/**
 * What the page tells a person before sending anything: the form field at fault and the words
 * for it (the rules' zh message, or one of the page's own). Not the rules' FieldProblem, which
 * carries both languages for the functions' envelopes and logs.
 */
export interface FormProblem {
  readonly field: string;
  readonly message: string;
}

function check(event: unknown, specs: Readonly<Record<string, FieldSpec>>): FormProblem | null {
  const checked = checkFields(event, specs);
  return checked.ok ? null : { field: checked.problem.field, message: checked.problem.zh };
}

/** Null when updatePrinter's validation would accept the event. */
export function checkUpdatePrinterEvent(event: unknown): FormProblem | null {
  return check(event, UPDATE_PRINTER_FIELDS);
}

/** Null when bindAccount's validation would accept the event. */
export function checkBindAccountEvent(event: unknown): FormProblem | null {
  return check(event, BIND_ACCOUNT_FIELDS);
}

/** Null when updatePrinter's rename event would be accepted. */
export function checkRenameEvent(event: unknown): FormProblem | null {
  return check(event, RENAME_PRINTER_FIELDS);
}

/** Null when updatePrinter's revoke event would be accepted. */
export function checkRevokeEvent(event: unknown): FormProblem | null {
  return check(event, REVOKE_INVITE_FIELDS);
}

/** Null when an optional display name (an invite's 给谁, an accepter's own) passes the shared name rule. */
export function checkOptionalName(name: string | undefined): FormProblem | null {
  return check(name === undefined ? {} : { name }, { name: OPTIONAL_NAME_FIELD });
}
