/**
 * A few hundred generated events through the built functions, the real SDK and the local cloud
 * (the pure core gets 10 000 per function in test/fuzz). Invariants: always an envelope; a request
 * reaches the cloud exactly for the events that validate; no password in any envelope, in anything
 * the function printed, or in the cloud's redacted request log.
 */
import fc from 'fast-check';
import { validateBindAccountEvent, validateUpdatePrinterEvent } from '../../core/validation';
import { formatRequest, startLocalCloud, type LocalCloud } from '../../localcloud/server';
import { expectEnvelope } from '../support/envelope-shape';
import { events, secretsIn, validBind, validPrinter } from '../support/event-arbitraries';
import { ADMIN, call, containerPool, ensureBuilt, SLOW_TEST_MS, openapiRequests, openapiRequestCount } from './support/harness';

export const BUILT_EVENTS_PER_FUNCTION = 200;

let cloud: LocalCloud;
const pool = containerPool();

beforeAll(async () => {
  await ensureBuilt();
  cloud = await startLocalCloud();
}, SLOW_TEST_MS);

afterAll(async () => {
  await pool.closeAll();
  await cloud?.close();
});

/** What the function receives: the event after the JSON trip a real callFunction makes. */
function overTheWire(event: unknown): unknown {
  const text = JSON.stringify(event);
  return text === undefined ? null : JSON.parse(text);
}

describe.each([
  { fn: 'bindAccount' as const, valid: validBind, validate: (e: unknown) => validateBindAccountEvent(e) },
  { fn: 'updatePrinter' as const, valid: validPrinter, validate: (e: unknown) => validateUpdatePrinterEvent(e, ADMIN) },
])('$fn, fuzzed through the built function', ({ fn, valid, validate }) => {
  test(`${BUILT_EVENTS_PER_FUNCTION} generated events keep every invariant`, async () => {
    const container = await pool.start({ cloud, fn });
    const sent = fc.sample(events(valid), { numRuns: BUILT_EVENTS_PER_FUNCTION, seed: 20261123 }).map(overTheWire);
    cloud.clearRequests();

    const envelopes = await Promise.all(sent.map((event) => call(container, event)));

    envelopes.forEach((envelope) => expectEnvelope(envelope));
    const validCount = sent.filter((event) => validate(event).ok).length;
    expect(validCount).toBeGreaterThan(10);
    expect(openapiRequestCount(cloud, { functionName: fn })).toBe(validCount);

    const secrets = sent.flatMap(secretsIn);
    const printed = JSON.stringify(envelopes) + pool.output() + openapiRequests(cloud).map(formatRequest).join('\n');
    for (const secret of secrets) expect(printed).not.toContain(secret);
  }, SLOW_TEST_MS);
});
