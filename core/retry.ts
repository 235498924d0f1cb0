/**
 * The retry policy for transient failures.
 *
 * A WeChat cloud function is killed at its time limit (3 s by default) and the caller then gets a
 * platform error instead of our envelope. So every call runs inside a time budget that ends well
 * before that limit: attempts are bounded, spaced by a jittered exponential backoff, and a retry is
 * only started when enough budget is left for it to finish. The SDK's own request timeout is set
 * below the budget, so one hung request cannot use it all.
 *
 * What is transient is the catalogue's `retryable` flag (one place for that fact).
 */
export interface RetryPolicy {
  /** Attempts at most, the first included. */
  maxAttempts: number;
  /** Backoff before retry n (n = 1, 2, …) is baseDelayMs * 2^(n-1), jittered by ±jitterRatio. */
  baseDelayMs: number;
  jitterRatio: number;
  /** Total time from the function's start to its answer; a call still running then is abandoned. */
  timeBudgetMs: number;
  /** wx-server-sdk's per-request timeout (cloud.init({ timeout })). */
  requestTimeoutMs: number;
  /** A retry is not started with less budget left than this. */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 100,
  jitterRatio: 0.2,
  timeBudgetMs: 2500,
  requestTimeoutMs: 1500,
  minAttemptMs: 300,
});

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const parsed = Number(value);
  return parsed > 0 ? parsed : undefined;
}

/** The last policy read, with the variables' text it was read from. */
let lastRead:
  | { budgetText: string | undefined; timeoutText: string | undefined; attemptsText: string | undefined; policy: Readonly<RetryPolicy> }
  | undefined;

/**
 * The policy for this deployment. An owner who raises the function's time limit raises
 * LOGISTICS_TIME_BUDGET_MS with it; the request timeout follows at 60 % of the budget unless
 * LOGISTICS_REQUEST_TIMEOUT_MS says otherwise.
 */
export function readRetryPolicy(env: Readonly<Record<string, string | undefined>>): Readonly<RetryPolicy> {
  const budgetText = env.LOGISTICS_TIME_BUDGET_MS;
  const timeoutText = env.LOGISTICS_REQUEST_TIMEOUT_MS;
  const attemptsText = env.LOGISTICS_MAX_ATTEMPTS;
  // Parsed again only when the variables' text changed: this runs on every call.
  if (lastRead !== undefined && lastRead.budgetText === budgetText && lastRead.timeoutText === timeoutText && lastRead.attemptsText === attemptsText) return lastRead.policy;
  const timeBudgetMs = positiveInteger(budgetText) ?? DEFAULT_RETRY_POLICY.timeBudgetMs;
  const requestTimeoutMs =
    positiveInteger(timeoutText) ?? (budgetText === undefined ? DEFAULT_RETRY_POLICY.requestTimeoutMs : Math.round(timeBudgetMs * 0.6));
  const maxAttempts = positiveInteger(attemptsText) ?? DEFAULT_RETRY_POLICY.maxAttempts;
  // A request timeout at or past the budget is allowed: the budget then ends the wait (OUTCOME_UNKNOWN).
  const policy = Object.freeze({ ...DEFAULT_RETRY_POLICY, timeBudgetMs, requestTimeoutMs, maxAttempts });
  lastRead = { budgetText, timeoutText, attemptsText, policy };
  return policy;
}

/** The pause before retry number `retry` (1 for the second attempt); `random` is in [0, 1). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: number): number {
  const base = policy.baseDelayMs * 2 ** (retry - 1);
  const jitter = base * policy.jitterRatio * (2 * random - 1);
  return Math.max(0, Math.round(base + jitter));
}
