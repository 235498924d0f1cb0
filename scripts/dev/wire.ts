/**
 * What npm run dev's server (cloud-access.ts) hands its browser console (browser/console.ts) as JSON:
 * the types both sides read. Import-free, so the browser's type check (DOM types, no Node's) can
 * take it too.
 */

/** What wx.cloud.callFunction resolves with, or rejects with (as the page's service reads it). */
export type CallAnswer = { ok: true; errMsg: string; result: unknown } | { ok: false; errCode: number; errMsg: string };

/** One callFunction the page made, as the console shows it (secrets scrubbed, invite tokens shortened). */
export interface FunctionCall {
  id: number;
  functionName: string;
  caller: string;
  /** The event, secrets replaced by ******. */
  event: unknown;
  startedAt: number;
  finishedAt?: number;
  /** The envelope (or what the call failed with), secrets scrubbed. */
  answer?: CallAnswer;
  /** What the function printed during the call (its audit line). */
  printed?: string;
  /** The cloud requests it made (their seq). */
  requests: number[];
}

/** A collection as the console shows it: each document as relaxed Extended JSON text (dates as $date). */
export interface CollectionView {
  name: string;
  documents: Array<{ id: string; text: string }>;
}
