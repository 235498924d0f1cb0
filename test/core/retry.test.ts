import { backoffDelayMs, DEFAULT_RETRY_POLICY, readRetryPolicy } from '../../core/retry';

describe('retry policy', () => {
  test('defaults end well inside the 3 s default function time limit', () => {
    const policy = readRetryPolicy({});
    expect(policy).toEqual(DEFAULT_RETRY_POLICY);
    expect(policy.timeBudgetMs).toBeLessThan(3000);
    expect(policy.requestTimeoutMs).toBeLessThan(policy.timeBudgetMs);
  });

  test('a raised budget raises the request timeout with it, unless set on its own', () => {
    expect(readRetryPolicy({ LOGISTICS_TIME_BUDGET_MS: '10000' })).toMatchObject({ timeBudgetMs: 10000, requestTimeoutMs: 6000 });
    expect(readRetryPolicy({ LOGISTICS_TIME_BUDGET_MS: '10000', LOGISTICS_REQUEST_TIMEOUT_MS: '2000' })).toMatchObject({ requestTimeoutMs: 2000 });
  });

  test('a request timeout past the budget is kept: the budget ends the wait first', () => {
    expect(readRetryPolicy({ LOGISTICS_TIME_BUDGET_MS: '500', LOGISTICS_REQUEST_TIMEOUT_MS: '9000' })).toMatchObject({ timeBudgetMs: 500, requestTimeoutMs: 9000 });
  });

  test.each(['', 'abc', '-5', '0', '1.5', ' '])('an unusable value (%p) falls back to the default', (value) => {
    expect(readRetryPolicy({ LOGISTICS_TIME_BUDGET_MS: value, LOGISTICS_MAX_ATTEMPTS: value }).maxAttempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(readRetryPolicy({ LOGISTICS_TIME_BUDGET_MS: value }).timeBudgetMs).toBe(DEFAULT_RETRY_POLICY.timeBudgetMs);
  });

  test('backoff doubles and is jittered within ±20 %', () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, 0.5)).toBe(100);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, 0.5)).toBe(200);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, 0)).toBe(80);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, 0.999999)).toBe(120);
  });

  test('the policy follows the variables when they change between calls', () => {
    const env: Record<string, string | undefined> = { LOGISTICS_MAX_ATTEMPTS: '5' };
    expect(readRetryPolicy(env).maxAttempts).toBe(5);
    expect(readRetryPolicy({ ...env })).toBe(readRetryPolicy(env));
    env.LOGISTICS_MAX_ATTEMPTS = '2';
    expect(readRetryPolicy(env).maxAttempts).toBe(2);
    env.LOGISTICS_TIME_BUDGET_MS = '5000';
    expect(readRetryPolicy(env)).toMatchObject({ maxAttempts: 2, timeBudgetMs: 5000, requestTimeoutMs: 3000 });
    delete env.LOGISTICS_TIME_BUDGET_MS;
    expect(readRetryPolicy(env)).toMatchObject({ timeBudgetMs: DEFAULT_RETRY_POLICY.timeBudgetMs, requestTimeoutMs: DEFAULT_RETRY_POLICY.requestTimeoutMs });
  });

  test('the policy handed out cannot be changed by a caller', () => {
    expect(Object.isFrozen(readRetryPolicy({}))).toBe(true);
  });
});
