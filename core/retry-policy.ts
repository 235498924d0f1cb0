/**
 * The retry policy for transient failures, and the three variables an owner may set for it.
 *
 * A WeChat cloud function is killed at its time limit (3 s by default) and the caller then gets a
 * platform error instead of our envelope. So every call runs inside a time budget that ends well
 * before that limit: attempts are bounded, spaced by a jittered exponential backoff, and a retry is
 * only started when enough budget is left for it to finish. The SDK's own request timeout is set
 * below the budget, so one hung request cannot use it all.
 *
 * What is transient is the catalogue's `retryable` flag (one place for that fact); the retries and
 * the backoff themselves are the call engine's (core/call-engine.ts).
 */
import { refusalEnvelope, type Envelope } from './envelope';

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

/**
 * Each variable's range. The budget's top is the platform's longest function timeout (900 s);
 * past 2^31 ms Node's timers would fire at once. The request timeout may not exceed the budget.
 */
export const POLICY_RANGES = {
  LOGISTICS_TIME_BUDGET_MS: { min: 500, max: 900_000 },
  LOGISTICS_REQUEST_TIMEOUT_MS: { min: 100 }, // max: the budget
  LOGISTICS_MAX_ATTEMPTS: { min: 1, max: 5 },
} as const;

export type PolicyVariable = keyof typeof POLICY_RANGES;

export type PolicyReading =
  | { ok: true; policy: Readonly<RetryPolicy> }
  | { ok: false; variable: PolicyVariable; min: number; max: number | 'the time budget' };

/** undefined for unset or empty; NaN for anything but an integer written in decimal digits. */
function integerOrUnset(text: string | undefined): number | undefined {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return undefined;
  return /^[0-9]+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}

/** The last reading, with the variables' text it was read from (this runs on every call). */
let lastRead: { texts: string; reading: PolicyReading } | undefined;

/**
 * The policy for this deployment, or the first variable that is out of its range. An owner who
 * raises the function's time limit raises LOGISTICS_TIME_BUDGET_MS with it; the request timeout
 * follows at 60 % of the budget unless LOGISTICS_REQUEST_TIMEOUT_MS says otherwise.
 */
export function readRetryPolicy(env: Readonly<Record<string, string | undefined>>): PolicyReading {
  const texts = JSON.stringify([env.LOGISTICS_TIME_BUDGET_MS, env.LOGISTICS_REQUEST_TIMEOUT_MS, env.LOGISTICS_MAX_ATTEMPTS]);
  if (lastRead !== undefined && lastRead.texts === texts) return lastRead.reading;
  lastRead = { texts, reading: parsePolicy(env) };
  return lastRead.reading;
}

function parsePolicy(env: Readonly<Record<string, string | undefined>>): PolicyReading {
  const budget = POLICY_RANGES.LOGISTICS_TIME_BUDGET_MS;
  const budgetSet = integerOrUnset(env.LOGISTICS_TIME_BUDGET_MS);
  if (budgetSet !== undefined && !inRange(budgetSet, budget.min, budget.max)) {
    return { ok: false, variable: 'LOGISTICS_TIME_BUDGET_MS', ...budget };
  }
  const timeBudgetMs = budgetSet ?? DEFAULT_RETRY_POLICY.timeBudgetMs;

  const timeoutSet = integerOrUnset(env.LOGISTICS_REQUEST_TIMEOUT_MS);
  const timeoutMin = POLICY_RANGES.LOGISTICS_REQUEST_TIMEOUT_MS.min;
  if (timeoutSet !== undefined && !inRange(timeoutSet, timeoutMin, timeBudgetMs)) {
    return { ok: false, variable: 'LOGISTICS_REQUEST_TIMEOUT_MS', min: timeoutMin, max: 'the time budget' };
  }
  const requestTimeoutMs =
    timeoutSet ?? (budgetSet === undefined ? DEFAULT_RETRY_POLICY.requestTimeoutMs : Math.round(timeBudgetMs * 0.6));

  const attempts = POLICY_RANGES.LOGISTICS_MAX_ATTEMPTS;
  const attemptsSet = integerOrUnset(env.LOGISTICS_MAX_ATTEMPTS);
  if (attemptsSet !== undefined && !inRange(attemptsSet, attempts.min, attempts.max)) {
    return { ok: false, variable: 'LOGISTICS_MAX_ATTEMPTS', ...attempts };
  }
  const maxAttempts = attemptsSet ?? DEFAULT_RETRY_POLICY.maxAttempts;
  return { ok: true, policy: Object.freeze({ ...DEFAULT_RETRY_POLICY, timeBudgetMs, requestTimeoutMs, maxAttempts }) };
}

/** The refusal for a variable out of its range: names the variable and the range, never its value. */
export function configurationRefusal(fn: string, reading: Extract<PolicyReading, { ok: false }>): Envelope<never> {
  const maxZh = reading.max === 'the time budget' ? '时间预算 LOGISTICS_TIME_BUDGET_MS' : String(reading.max);
  return refusalEnvelope(
    'INVALID_CONFIGURATION',
    `${fn}:fail ${reading.variable} must be an integer from ${reading.min} to ${reading.max}, or empty for the default`,
    { message: `云函数环境变量 ${reading.variable} 设置有误：应为 ${reading.min} 到 ${maxZh} 之间的整数，留空则用默认值。请管理员修改后再试` },
  );
}

/**
 * The SDK's request timeout for cloud.init at load time. With a variable out of its range every
 * call is refused before any request, so the default then is as good as any.
 */
export function sdkRequestTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  const reading = readRetryPolicy(env);
  return reading.ok ? reading.policy.requestTimeoutMs : DEFAULT_RETRY_POLICY.requestTimeoutMs;
}
