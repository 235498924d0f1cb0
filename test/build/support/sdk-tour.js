'use strict';
/**
 * Uses many wx-server-sdk features, one after another, and prints what each gave (one JSON line).
 * Run on the SDK from node_modules and on a built bundle of it: both must do and send the same.
 *
 * argv: <path of the SDK module to require>
 */
const sdkPath = process.argv[2];

function describe(value) {
  if (value === undefined) return 'undefined';
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (error) {
    return `unserialisable ${typeof value}`;
  }
}

async function tour() {
  const results = [];
  const step = async (name, run) => {
    try {
      results.push({ name, ok: true, value: describe(await run()) });
    } catch (error) {
      results.push({ name, ok: false, error: `${error && error.name}: ${error && (error.message || error.errMsg)}`, errCode: error && error.errCode });
    }
  };
  const cloud = require(sdkPath);
  await step('keys', () => Object.keys(cloud).sort());
  await step('init', () => cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, timeout: 2000 }));
  await step('getWXContext', () => cloud.getWXContext());
  await step('openapi', () => cloud.openapi.logistics.updatePrinter({ openid: 'o-printer', updateType: 'bind' }));
  await step('callFunction', () => cloud.callFunction({ name: 'another', data: { a: 1 } }));
  await step('database.get', () => cloud.database().collection('orders').where({ status: 'open' }).limit(3).get());
  await step('database.add', () => cloud.database().collection('orders').add({ data: { n: 1, at: cloud.database().serverDate() } }));
  await step('database.command', () => typeof cloud.database().command.gt(1).and);
  await step('uploadFile', () => cloud.uploadFile({ cloudPath: 'dir/a.txt', fileContent: Buffer.from('hello') }));
  await step('getTempFileURL', () => cloud.getTempFileURL({ fileList: ['cloud://env.bucket/dir/a.txt'] }));
  await step('deleteFile', () => cloud.deleteFile({ fileList: ['cloud://env.bucket/dir/a.txt'] }));
  await step('downloadFile', () => cloud.downloadFile({ fileID: 'cloud://env.bucket/dir/a.txt' }));
  await step('logger', () => {
    const log = cloud.logger();
    log.info({ event: 'tour', n: 1 });
    return typeof log.warn;
  });
  await step('callOpenAPI', () => typeof cloud.callOpenAPI);
  await step('cloudPay', () => typeof cloud.cloudPay.unifiedOrder);
  await step('ai', () => typeof cloud.ai);
  process.stdout.write(`\n${JSON.stringify(results)}\n`);
}

tour().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
