import { backoffDelayMs } from '../../core/call-engine';
import { DEFAULT_RETRY_POLICY, readRetryPolicy, sdkRequestTimeoutMs, type RetryPolicy } from '../../core/retry-policy';

function policyOf(env: Record<string, string | undefined>): Readonly<RetryPolicy> {
  const reading = readRetryPolicy(env);
  if (!reading.ok) throw new Error(`refused ${reading.variable}`);
  return reading.policy;
}

function refusedVariable(env: Record<string, string | undefined>): string | null {
  const reading = readRetryPolicy(env);
  return reading.ok ? null : reading.variable;
}

describe('retry policy', () => {
  test('defaults end well inside the 3 s default function time limit', () => {
    const policy = policyOf({});
    expect(policy).toEqual(DEFAULT_RETRY_POLICY);
    expect(policy.timeBudgetMs).toBeLessThan(3000);
    expect(policy.requestTimeoutMs).toBeLessThan(policy.timeBudgetMs);
  });

  test('a raised budget raises the request timeout with it, unless set on its own', () => {
    expect(policyOf({ LOGISTICS_TIME_BUDGET_MS: '10000' })).toMatchObject({ timeBudgetMs: 10000, requestTimeoutMs: 6000 });
    expect(policyOf({ LOGISTICS_TIME_BUDGET_MS: '10000', LOGISTICS_REQUEST_TIMEOUT_MS: '2000' })).toMatchObject({ requestTimeoutMs: 2000 });
  });

  test.each([
    ['LOGISTICS_TIME_BUDGET_MS', '500', true],
    ['LOGISTICS_TIME_BUDGET_MS', '900000', true],
    ['LOGISTICS_TIME_BUDGET_MS', '499', false],
    ['LOGISTICS_TIME_BUDGET_MS', '900001', false],
    ['LOGISTICS_TIME_BUDGET_MS', '2147483648', false],
    ['LOGISTICS_TIME_BUDGET_MS', '99999999999999999999', false],
    ['LOGISTICS_TIME_BUDGET_MS', '1.5', false],
    ['LOGISTICS_TIME_BUDGET_MS', '-5', false],
    ['LOGISTICS_TIME_BUDGET_MS', '1e4', false],
    ['LOGISTICS_TIME_BUDGET_MS', 'abc', false],
    ['LOGISTICS_REQUEST_TIMEOUT_MS', '100', true],
    ['LOGISTICS_REQUEST_TIMEOUT_MS', '2500', true],
    ['LOGISTICS_REQUEST_TIMEOUT_MS', '99', false],
    ['LOGISTICS_REQUEST_TIMEOUT_MS', '2501', false],
    ['LOGISTICS_MAX_ATTEMPTS', '1', true],
    ['LOGISTICS_MAX_ATTEMPTS', '5', true],
    ['LOGISTICS_MAX_ATTEMPTS', '0', false],
    ['LOGISTICS_MAX_ATTEMPTS', '6', false],
    ['LOGISTICS_MAX_ATTEMPTS', ' 3 ', true],
  ])('%s=%p accepted: %p (default budget)', (variable, value, accepted) => {
    expect(refusedVariable({ [variable]: value })).toBe(accepted ? null : variable);
  });

  test.each(['', ' '])('an empty variable (%p) means unset: the default', (value) => {
    expect(policyOf({ LOGISTICS_TIME_BUDGET_MS: value, LOGISTICS_REQUEST_TIMEOUT_MS: value, LOGISTICS_MAX_ATTEMPTS: value })).toEqual(DEFAULT_RETRY_POLICY);
  });

  test('the request timeout may not exceed a budget that was set', () => {
    expect(refusedVariable({ LOGISTICS_TIME_BUDGET_MS: '800', LOGISTICS_REQUEST_TIMEOUT_MS: '801' })).toBe('LOGISTICS_REQUEST_TIMEOUT_MS');
    expect(refusedVariable({ LOGISTICS_TIME_BUDGET_MS: '800', LOGISTICS_REQUEST_TIMEOUT_MS: '800' })).toBeNull();
  });

  test('the SDK gets the default request timeout while a variable is refused (no call is made then)', () => {
    expect(sdkRequestTimeoutMs({ LOGISTICS_TIME_BUDGET_MS: '2147483648' })).toBe(DEFAULT_RETRY_POLICY.requestTimeoutMs);
    expect(sdkRequestTimeoutMs({ LOGISTICS_TIME_BUDGET_MS: '5000' })).toBe(3000);
  });

  test('backoff doubles and is jittered within ±20 %', () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, 0.5)).toBe(100);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, 0.5)).toBe(200);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, 0)).toBe(80);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, 0.999999)).toBe(120);
  });

  test('the policy follows the variables when they change between calls', () => {
    const env: Record<string, string | undefined> = { LOGISTICS_MAX_ATTEMPTS: '5' };
    expect(policyOf(env).maxAttempts).toBe(5);
    expect(readRetryPolicy({ ...env })).toBe(readRetryPolicy(env));
    env.LOGISTICS_MAX_ATTEMPTS = '2';
    expect(policyOf(env).maxAttempts).toBe(2);
    env.LOGISTICS_TIME_BUDGET_MS = '5000';
    expect(policyOf(env)).toMatchObject({ maxAttempts: 2, timeBudgetMs: 5000, requestTimeoutMs: 3000 });
    delete env.LOGISTICS_TIME_BUDGET_MS;
    expect(policyOf(env)).toMatchObject({ timeBudgetMs: DEFAULT_RETRY_POLICY.timeBudgetMs, requestTimeoutMs: DEFAULT_RETRY_POLICY.requestTimeoutMs });
  });

  test('the policy handed out cannot be changed by a caller', () => {
    expect(Object.isFrozen(policyOf({}))).toBe(true);
  });
});
