/**
 * Fault injection: what the next matching request(s) get instead of a normal answer, for every
 * service of the local cloud (openapi and database alike).
 *
 * A fault is taken after the request is decoded and before the service runs it (so before the
 * openapi permission check), so it can stand for any layer (WeChat, the cloud gateway, the
 * network). By default the request then has no effect; `applied: true` makes the operation take
 * effect first (the answer was lost, the effect was not), which is what a retry must survive. A
 * slow answer always applies.
 *
 * The gateway answers the kinds every service shares (`http`, `hang`, `malformed`, `tcbJson`,
 * `slow`); a service answers its own (openapi: `errcode`, `cloudError`, `answer`; database:
 * `answer`) and refuses, with a reason, a kind it has no meaning for. A new kind is one more member
 * here and one case where it is answered.
 */

export type Fault =
  /** WeChat answers this errcode (e.g. -1), with errmsg from the docs unless given. openapi only. */
  | { kind: 'errcode'; errcode: number; errmsg?: string | ((params: Record<string, unknown>) => string); applied?: boolean }
  /** The gateway sets CommOpenApiResp.error_code (e.g. -604102) and no WeChat answer. openapi only. */
  | { kind: 'cloudError'; errorCode: number; applied?: boolean }
  /** An HTTP status other than 200, with an empty body. */
  | { kind: 'http'; status: number; applied?: boolean }
  /** The normal answer, after delayMs. */
  | { kind: 'slow'; delayMs: number }
  /** No answer at all, until the client gives up or the local cloud closes. */
  | { kind: 'hang'; applied?: boolean }
  /** HTTP 200 whose body is neither protobuf nor JSON (a garbage body). */
  | { kind: 'malformed'; applied?: boolean }
  /**
   * A TCB JSON error body `{code, message}`, content-type `application/json; charset=utf-8`: for
   * the database, the error code of a failed operation (e.g. `DATABASE_PERMISSION_DENIED`).
   */
  | { kind: 'tcbJson'; code: string; message?: string; applied?: boolean }
  /**
   * This body as the service's answer, as it is: for openapi WeChat's JSON (e.g. a read of the wrong
   * shape: `{ list: 'x' }`), for the database the gateway's JSON (e.g. `{ data: { list: 'x' } }`).
   */
  | { kind: 'answer'; body: unknown; applied?: boolean }
  /**
   * openapi only: HTTP 200 whose CommOpenApiResp has this `content_type` and this text as
   * `resp_data`, as they are: answers the SDK does not read as WeChat's JSON (`text/html`,
   * `Application/JSON`, text/plain that is no JSON) or cannot parse.
   */
  | { kind: 'contentType'; contentType: string; body: string; applied?: boolean };

export interface FaultScope {
  /** Only requests for this api: an openapi apiName ('logistics.bindAccount') or a database action ('database.getDocument'). */
  api?: string;
  /** Only database requests on this collection. */
  collection?: string;
  /** Only requests from this function. */
  functionName?: string;
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
}

/** What a fault is matched against. */
export interface FaultTarget {
  functionName: string;
  apiName: string;
  collection?: string;
}

interface ArmedFault {
  fault: Fault;
  scope: FaultScope;
  remaining: number;
}

export interface Faults {
  /** Arms a fault for the next `times` requests matching the scope. Armed faults apply in order. */
  next(fault: Fault, scope?: FaultScope): void;
  /** Disarms everything. */
  clear(): void;
  /** How many requests armed faults still await (Infinity if any is unbounded). */
  armed(): number;
  /** Takes the fault for one request, if any matches. */
  take(request: FaultTarget): Fault | undefined;
}

export function createFaults(): Faults {
  let queue: ArmedFault[] = [];
  return {
    next(fault, scope = {}) {
      const remaining = scope.times ?? 1;
      if (!(remaining > 0)) throw new RangeError('times must be positive');
      queue.push({ fault, scope, remaining });
    },
    clear() {
      queue = [];
    },
    armed() {
      return queue.reduce((sum, armed) => sum + armed.remaining, 0);
    },
    take({ functionName, apiName, collection }) {
      const found = queue.find(
        (armed) =>
          (armed.scope.api === undefined || armed.scope.api === apiName) &&
          (armed.scope.collection === undefined || armed.scope.collection === collection) &&
          (armed.scope.functionName === undefined || armed.scope.functionName === functionName),
      );
      if (found === undefined) return undefined;
      found.remaining -= 1;
      if (found.remaining <= 0) queue = queue.filter((armed) => armed !== found);
      return found.fault;
    },
  };
}

/** Whether the request's operation takes effect before the fault's answer. */
export function faultApplies(fault: Fault): boolean {
  return fault.kind === 'slow' || fault.applied === true;
}
