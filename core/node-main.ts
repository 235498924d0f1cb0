/**
 * The Node wiring: a cloud function's `main(event, context)` from an operation (or a route to
 * one) and the three things its entry file takes from wx-server-sdk, with Node's clock, timers,
 * environment and console.
 */
import type { Envelope } from './envelope';
import type { Operation, OperationRoute } from './operation';
import { runOperation, type RunnerDeps } from './run-operation';

/** What a cloud function's entry file hands in: the three things that touch wx-server-sdk. */
export type SdkParts<CallParams> = Pick<RunnerDeps<CallParams>, 'wxContext' | 'call' | 'database'>;

export function createMain<CallParams>(
  operation: Operation<unknown, CallParams> | OperationRoute<CallParams>,
  sdk: SdkParts<CallParams>,
): (event: unknown) => Promise<Envelope> {
  const route: OperationRoute<CallParams> = typeof operation === 'function' ? operation : () => operation;
  return (event) =>
    runOperation(route(event), event, {
      wxContext: sdk.wxContext,
      call: sdk.call,
      database: sdk.database,
      env: process.env,
      log: (line) => console.log(line),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    });
}
