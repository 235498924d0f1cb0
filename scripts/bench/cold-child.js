'use strict';
/**
 * One cold start, as the cloud makes it: a fresh Node loads the function file and calls main once.
 * The answer goes to fd 3 (the function itself may print to stdout); the parent times spawn →
 * that line. Then a second line: the peak RSS so far. Nothing else is loaded before the answer,
 * so every variant pays the same.
 *
 * argv: <function index.js> <event as JSON>
 */
const fs = require('fs');

const [entry, eventJson] = process.argv.slice(2);
Promise.resolve()
  .then(() => require(entry).main(JSON.parse(eventJson)))
  .then(
    (result) => ({ result }),
    (error) => ({ threw: String(error && error.message) }),
  )
  .then((answer) => {
    const status = globalThis[Symbol.for('wx-logistics-cloud.codeCache')];
    if (status) answer.codeCache = status.outcome;
    fs.writeSync(3, `${JSON.stringify(answer)}\n`);
    fs.writeSync(3, `${JSON.stringify({ peakRssKiB: require('./peak-rss.js')() })}\n`);
    process.exit(0);
  });
