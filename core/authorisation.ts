/**
 * Who may call the openapi. Every mini program user can invoke every cloud function, so each
 * function decides for itself, before any openapi call:
 *
 * - A caller with an OPENID (a mini program user, also when reached through another cloud
 *   function, which passes the user along) must be listed in LOGISTICS_ADMIN_OPENIDS.
 * - A caller without an OPENID (console test, timer trigger, another function started by a
 *   trigger, the HTTP API, and also anonymous web callers) is refused, unless every hop of its
 *   SOURCE chain is listed in LOGISTICS_SERVER_SOURCES by the owner. Client sources are never
 *   trusted that way: a real client call always carries an OPENID, so one without is not a client.
 */
import { refusalEnvelope, type Envelope } from './envelope';

/** What the WeChat context (cloud.getWXContext()) tells about the caller. */
export interface Caller {
  openid?: string;
  appid?: string;
  /** The SOURCE chain, e.g. "wx_client" or "wx_trigger,scf". */
  source?: string;
}

export interface AccessPolicy {
  adminOpenids: ReadonlySet<string>;
  serverSources: ReadonlySet<string>;
}

/** Sources that stand for a person's device; they can never vouch for a caller without OPENID. */
const CLIENT_SOURCES: ReadonlySet<string> = new Set(['wx_client', 'wx_devtools', 'wx_localdebug']);

function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Reads the policy from the function's environment variables. */
export function readAccessPolicy(env: Readonly<Record<string, string | undefined>>): AccessPolicy {
  return {
    adminOpenids: new Set(commaList(env.LOGISTICS_ADMIN_OPENIDS)),
    serverSources: new Set(commaList(env.LOGISTICS_SERVER_SOURCES).filter((source) => !CLIENT_SOURCES.has(source))),
  };
}

export type AccessDecision = { allowed: true; as: 'admin' | 'server' } | { allowed: false; envelope: Envelope<never> };

export function authorise(fn: string, caller: Caller, policy: AccessPolicy): AccessDecision {
  const openid = caller.openid?.trim();
  if (openid) {
    if (policy.adminOpenids.size === 0) {
      return { allowed: false, envelope: refusalEnvelope('ADMINS_NOT_CONFIGURED', `${fn}:fail LOGISTICS_ADMIN_OPENIDS is empty`) };
    }
    if (policy.adminOpenids.has(openid)) return { allowed: true, as: 'admin' };
    return { allowed: false, envelope: refusalEnvelope('NOT_ADMIN', `${fn}:fail caller is not in LOGISTICS_ADMIN_OPENIDS`) };
  }
  const hops = commaList(caller.source);
  if (hops.length > 0 && hops.every((hop) => policy.serverSources.has(hop))) return { allowed: true, as: 'server' };
  return {
    allowed: false,
    envelope: refusalEnvelope(
      'NO_CALLER_IDENTITY',
      `${fn}:fail no OPENID and SOURCE "${caller.source ?? ''}" is not in LOGISTICS_SERVER_SOURCES`,
    ),
  };
}

/** The caller as cloud.getWXContext() reports it; empty strings count as absent. */
export function callerFromWXContext(context: { OPENID?: string; APPID?: string; SOURCE?: string }): Caller {
  const present = (value: string | undefined) => (value && value.length > 0 ? value : undefined);
  const openid = present(context.OPENID);
  const appid = present(context.APPID);
  const source = present(context.SOURCE);
  return { ...(openid && { openid }), ...(appid && { appid }), ...(source && { source }) };
}
