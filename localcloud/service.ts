/**
 * The seam between the gateway (server.ts: HTTP, the function URL and caller, body limits, the
 * request log, faults) and the services behind it (services/: openapi with the emulated WeChat
 * logistics state, the CloudBase database). The gateway reads a request's body envelope and its
 * `action`, hands it to the service that serves that action, and answers what the service says.
 *
 * A service is one folder under services/ with a factory returning a CloudService, registered once
 * in services/index.ts.
 */
import type { Fault } from './faults';
import type { FormPart } from './multipart';

/** A request's body as the gateway read it: the SDK sends openapi calls as multipart, database calls as JSON. */
export type RequestBody =
  | { encoding: 'multipart'; parts: ReadonlyMap<string, FormPart> }
  | { encoding: 'json'; fields: Readonly<Record<string, unknown>> };

/** What the gateway hands a service. */
export interface GatewayCall {
  /** From the function URL's path. */
  functionName: string;
  /** From the URL's `/caller/<OPENID>`, when the invoker put one there. */
  callerOpenid?: string;
  /** e.g. 'wx.openApi', 'database.getDocument'. */
  action: string;
  body: RequestBody;
}

/** A request as a service decoded it: what the log shows and what faults are scoped by. */
export interface ServiceRequest {
  /** The openapi apiName ('logistics.bindAccount') or the database action ('database.getDocument'). */
  apiName: string;
  /** A database request's collection. */
  collection?: string;
  /** What the request says, for the log (the gateway redacts params named like a password). */
  params: Record<string, unknown>;
  appid?: string;
  /** A short printable form of the request for the log line (e.g. the query in short); else the params as JSON. */
  summary?: string;
}

/** What the gateway itself answers, for any service: faults, refusals, and the TCB JSON error a service may answer with. */
export type GatewayOutcome =
  | { kind: 'http'; status: number }
  /** `{code, message}`: a TCB error (a fault, or e.g. a database error such as DATABASE_COLLECTION_NOT_EXIST). */
  | { kind: 'tcbJson'; code: string; message: string }
  | { kind: 'malformed' }
  | { kind: 'hung' }
  /** Not a cloud call the local cloud understands (wrong path, body, field, …): a TCB JSON INVALID_PARAM with the reason. */
  | { kind: 'rejected'; reason: string };

export interface ServiceAnswer<Outcome> {
  outcome: Outcome | GatewayOutcome;
  /** Whether the service's state changed (the operation ran). */
  applied: boolean;
}

export type Decoded<Outcome> =
  | { ok: true; request: ServiceRequest; run(): ServiceAnswer<Outcome> | Promise<ServiceAnswer<Outcome>> }
  | { ok: false; apiName: string; reason: string };

/** An HTTP answer as it goes on the wire. */
export interface HttpAnswer {
  status: number;
  contentType?: string;
  body: Buffer;
}

/** Where a running service finds what the gateway knows: the functions' folders and its own part of a state folder. */
export interface ServiceContext {
  functionsDir: string;
  /** The service's own subfolder of the state folder to start from (it may not exist). */
  stateDir?: string;
}

/**
 * A service: what it serves and how its outcomes look on the wire and in the log (no state, so a
 * logged request can be printed anywhere), and `start`, which makes a running one with its state.
 */
export interface ServiceDefinition<Outcome extends { kind: string }, Controls, Seed> {
  /** Names the service in the log and its subfolder of a state folder ('openapi', 'database'). */
  readonly name: string;
  /** Whether this service answers requests with this `action`. */
  serves(action: string): boolean;
  /** Whether the outcome is one of this service's (its kinds are its own). */
  owns(outcome: { kind: string }): outcome is Outcome;
  /**
   * The answer a fault of a kind this service owns gives; `refused` (why) when the kind means
   * nothing here; undefined for the kinds the gateway answers itself (http, hang, malformed,
   * tcbJson, slow).
   */
  faultOutcome(fault: Fault, request: ServiceRequest): Outcome | { refused: string } | undefined;
  render(outcome: Outcome): HttpAnswer;
  /** The outcome for the log line. */
  describe(outcome: Outcome): string;
  /** The outcome with `scrubText` applied to its texts (which may quote a secret back). */
  scrub(outcome: Outcome, scrubText: (text: string) => string): Outcome;
  start(options: Seed & ServiceContext): RunningService<Outcome, Controls>;
}

export interface RunningService<Outcome, Controls> {
  decode(call: GatewayCall): Decoded<Outcome>;
  /** Every request that names a caller: e.g. WeChat then knows the OPENID as a user of the mini program. */
  noteCaller?(openid: string): void;
  /** The service's controls for tests and scripts (cloud.openapi, cloud.database). */
  readonly controls: Controls;
  /** Writes the service's state into `dir` (its own subfolder of a state folder), as `start` reads it. */
  exportState(dir: string): void;
}
