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

/** The last policy read, with the variables' text it was read from. */
let lastRead: { admins: string | undefined; sources: string | undefined; policy: AccessPolicy } | undefined;

/**
 * Reads the policy from the function's environment variables. Every call reads them (a test or an
 * owner may change them), but they are parsed again only when their text changed.
 */
export function readAccessPolicy(env: Readonly<Record<string, string | undefined>>): AccessPolicy {
  const admins = env.LOGISTICS_ADMIN_OPENIDS;
  const sources = env.LOGISTICS_SERVER_SOURCES;
  if (lastRead !== undefined && lastRead.admins === admins && lastRead.sources === sources) return lastRead.policy;
  const policy: AccessPolicy = {
    adminOpenids: new Set(commaList(admins)),
    serverSources: new Set(commaList(sources).filter((source) => !CLIENT_SOURCES.has(source))),
  };
  lastRead = { admins, sources, policy };
  return policy;
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

/** A non-empty string (getWXContext turns an all-digit value into a number: not an id we know). */
function present(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The caller as cloud.getWXContext() reports it; empty strings count as absent. */
export function callerFromWXContext(context: { OPENID?: string; APPID?: string; SOURCE?: string }): Caller {
  const caller: Caller = {};
  if (present(context.OPENID)) caller.openid = context.OPENID;
  if (present(context.APPID)) caller.appid = context.APPID;
  if (present(context.SOURCE)) caller.source = context.SOURCE;
  return caller;
}
