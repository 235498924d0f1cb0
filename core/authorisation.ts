/**
 * Who may call the openapi. Every mini program user can invoke every cloud function, so each
 * function decides for itself, before any openapi call, in this order:
 *
 * 1. The caller's identity must be well formed: an OPENID, if there is one, is 1–128 openid
 *    characters, exactly as given (INVALID_CALLER_IDENTITY otherwise). wx-server-sdk turns an
 *    all-digit value into a number with parseInt ("0012" → 12, digits past 2^53 lost), so no
 *    normalisation could recover it: it is refused, never taken for "no caller".
 * 2. An empty LOGISTICS_ADMIN_OPENIDS refuses every call (ADMINS_NOT_CONFIGURED), server callers
 *    included: it is the owner's off switch.
 *    This refusal and NOT_ADMIN carry the caller's own OPENID, when there is one (it passed step
 *    1): theirs to see, and what the owner needs to list to become the first admin. Nothing else
 *    about the configuration, and no other refusal carries data.
 * 3. A caller with an OPENID (a mini program user, also when reached through another cloud
 *    function, which passes the user along) is a user, never a server, and must be listed in
 *    LOGISTICS_ADMIN_OPENIDS.
 * 4. A caller without an OPENID (console test, timer trigger, another function started by a
 *    trigger, the HTTP API, and also anonymous web callers) is refused, unless every hop of its
 *    SOURCE chain is listed in LOGISTICS_SERVER_SOURCES by the owner. Client sources are never
 *    trusted that way: a real client call always carries an OPENID, so one without is not a client.
 */
import { FIELD_LIMITS, RULES } from '../miniprogram/shared/field-rules';
import type { RefusedCallerData } from '../miniprogram/shared/function-events';
import { refusalEnvelope, type Envelope } from './envelope';

/** What the WeChat context (cloud.getWXContext()) says about the caller, once checked. */
export interface CallerIdentity {
  /** The one value used for the admin check, as updatePrinter's default target, in the audit line. */
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

export type AccessDecision = { allowed: true; as: 'admin' | 'server' | 'user' } | { allowed: false; envelope: Envelope<RefusedCallerData> };

/**
 * Who may run an operation:
 * - 'admins-or-servers': an admin, or a caller without OPENID from trusted server sources (steps 2–4);
 * - 'admin-users': an admin with an OPENID only (minting an invite: an invite comes from a person);
 * - 'any-user': any caller with an OPENID (accepting an invite binds the caller themself); still
 *   off while no admin is configured.
 */
export type AccessRule = 'admins-or-servers' | 'admin-users' | 'any-user';
// Both invite rules also need the caller's APPID: an invite is bound to its mini program.

/** NOT_ADMIN or ADMINS_NOT_CONFIGURED, with `data: { callerOpenid }` for a caller who has one. */
function callerRefused(code: 'NOT_ADMIN' | 'ADMINS_NOT_CONFIGURED', errMsg: string, caller: CallerIdentity): AccessDecision {
  const envelope = refusalEnvelope(code, errMsg);
  return { allowed: false, envelope: caller.openid === undefined ? envelope : { ...envelope, data: { callerOpenid: caller.openid } } };
}

function noCallerIdentity(fn: string, why: string): AccessDecision {
  return { allowed: false, envelope: refusalEnvelope('NO_CALLER_IDENTITY', `${fn}:fail ${why}`) };
}

/** Steps 2–4 above (or the rule's variant of them), for a caller whose identity is well formed. */
export function authorise(fn: string, caller: CallerIdentity, policy: AccessPolicy, rule: AccessRule = 'admins-or-servers'): AccessDecision {
  if (rule === 'any-user' && caller.openid === undefined) return noCallerIdentity(fn, 'no OPENID: an invite binds the caller\'s own OPENID');
  // An invite is bound to its mini program: without an APPID there is nothing to bind it to.
  if (rule === 'any-user' && caller.appid === undefined) return noCallerIdentity(fn, 'no APPID: an invite is bound to its mini program');
  if (policy.adminOpenids.size === 0) {
    return callerRefused('ADMINS_NOT_CONFIGURED', `${fn}:fail LOGISTICS_ADMIN_OPENIDS is empty`, caller);
  }
  if (rule === 'any-user') return { allowed: true, as: 'user' };
  if (caller.openid !== undefined) {
    if (!policy.adminOpenids.has(caller.openid)) {
      return callerRefused('NOT_ADMIN', `${fn}:fail caller is not in LOGISTICS_ADMIN_OPENIDS`, caller);
    }
    if (rule === 'admin-users' && caller.appid === undefined) return noCallerIdentity(fn, 'no APPID: an invite is bound to its mini program');
    return { allowed: true, as: 'admin' };
  }
  if (rule === 'admin-users') return noCallerIdentity(fn, 'no OPENID: only an admin, as a person, can mint an invite');
  const hops = commaList(caller.source);
  if (hops.length > 0 && hops.every((hop) => policy.serverSources.has(hop))) return { allowed: true, as: 'server' };
  return noCallerIdentity(fn, `no OPENID and SOURCE "${caller.source ?? ''}" is not in LOGISTICS_SERVER_SOURCES`);
}

/** An OPENID as WeChat issues them: the openid field's own rule (1–128 of [A-Za-z0-9_-]). */
function wellFormedOpenid(value: string): boolean {
  return value.length <= FIELD_LIMITS.openid && RULES.idChars.holds(value);
}

/** A SOURCE chain such as "wx_client" or "wx_trigger,scf": at most 256 of [A-Za-z0-9_,]. */
const SOURCE_CHAIN = /^[A-Za-z0-9_,]{1,256}$/;

function sourceChain(value: unknown): string | undefined {
  return typeof value === 'string' && SOURCE_CHAIN.test(value) ? value : undefined;
}

/** A non-empty string, or absent (undefined, null, ""). Anything else is not a value we know. */
function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A refused identity keeps its well-formed parts (the platform's SOURCE) for the audit line. */
export type IdentityReading = { ok: true; caller: CallerIdentity } | { ok: false; envelope: Envelope<never>; known: CallerIdentity };

/**
 * Step 1: the caller as cloud.getWXContext() reports it. An empty OPENID counts as none; any
 * other OPENID that is not a well-formed string is refused, without quoting it.
 */
/** What cloud.getWXContext() returns, as far as we read it (the SDK may hand over numbers). */
export interface WXContextFields {
  OPENID?: unknown;
  APPID?: unknown;
  SOURCE?: unknown;
}

export function callerFromWXContext(fn: string, context: WXContextFields): IdentityReading {
  const caller: CallerIdentity = {};
  const appid = optionalText(context.APPID);
  // The platform sets SOURCE; anything but a plain chain of source names is not one we know.
  const source = sourceChain(context.SOURCE);
  if (appid !== undefined) caller.appid = appid;
  if (source !== undefined) caller.source = source;
  const openid = context.OPENID;
  if (openid !== undefined && openid !== null && openid !== '') {
    if (typeof openid !== 'string' || !wellFormedOpenid(openid)) {
      return {
        ok: false,
        known: caller,
        envelope: refusalEnvelope(
          'INVALID_CALLER_IDENTITY',
          `${fn}:fail the caller's OPENID is not a string of 1-${FIELD_LIMITS.openid} characters of [A-Za-z0-9_-] (got ${typeof openid === 'string' ? `a string of ${openid.length}` : typeof openid})`,
        ),
      };
    }
    caller.openid = openid;
  }
  return { ok: true, caller };
}
