'use strict';
/**
 * A test-only cloud function: runs the wx-server-sdk database calls its event spells out, and
 * answers what each call resolved or threw. Built with the project's build (support/database.ts),
 * so the bundle's deferred database part is what runs.
 *
 * event: { database?: {…cloud.database() options}, parallel?: true, ops: [{ on: 'db' | '<collection>', calls: [[method, ...args], …] }] }
 * Arguments are plain JSON, with these forms decoded first:
 *   { $cmd: [[name, ...args], …] }  db.command chained: [['gt', 1], ['and', {$cmd: [['lt', 5]]}]] is _.gt(1).and(_.lt(5))
 *   { $regexp: { regexp, options } } db.RegExp(…)      { $re: [source, flags] } a JS RegExp
 *   { $date: ms }                    a Date             { $serverDate: { offset } } db.serverDate(…)
 * Answers: [{ resolved } | { thrown: { errCode, errMsg, message } }], with Dates as { $date: ms }.
 */
const cloud = require('wx-server-sdk');

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, timeout: Number(process.env.SDK_TIMEOUT_MS || 1500) });

function decode(value, db) {
  if (Array.isArray(value)) return value.map((item) => decode(item, db));
  if (value === null || typeof value !== 'object') return value;
  if ('$cmd' in value) return value.$cmd.reduce((target, [name, ...args]) => target[name](...args.map((arg) => decode(arg, db))), db.command);
  if ('$regexp' in value) return db.RegExp(value.$regexp);
  if ('$re' in value) return new RegExp(value.$re[0], value.$re[1]);
  if ('$date' in value) return new Date(value.$date);
  if ('$serverDate' in value) return db.serverDate(value.$serverDate);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, decode(inner, db)]));
}

function encode(value) {
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map(encode);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
}

async function run(db, op) {
  try {
    let target = op.on === 'db' ? db : db.collection(op.on);
    for (const [method, ...args] of op.calls) target = await target[method](...args.map((arg) => decode(arg, db)));
    return { resolved: encode(target) };
  } catch (err) {
    return { thrown: { errCode: err && err.errCode, errMsg: err && err.errMsg, message: err && err.message } };
  }
}

exports.main = async (event) => {
  const db = cloud.database(event.database || {});
  if (event.parallel) return Promise.all(event.ops.map((op) => run(db, op)));
  const answers = [];
  for (const op of event.ops) answers.push(await run(db, op));
  return answers;
};
