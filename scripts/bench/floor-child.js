'use strict';
/**
 * The floor for "start Node and make one signed call": no SDK, one HMAC-SHA256 signature and one
 * HTTP POST to the same local cloud (which answers it with an error: only the round trip counts).
 * Reports on fd 3 like cold-child.js: the answer, then the peak RSS.
 */
const fs = require('fs');
const http = require('http');
const crypto = require('crypto');

const { URL: url } = JSON.parse(process.env.TCB_CONTEXT_CNFG);
const body = JSON.stringify({ action: 'wx.openApi', apiName: 'logistics.updatePrinter' });
const signature = crypto.createHmac('sha256', process.env.TENCENTCLOUD_SECRETKEY).update(body).digest('hex');
const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: signature } }, (response) => {
  response.resume();
  response.on('end', () => {
    fs.writeSync(3, `${JSON.stringify({ result: { status: response.statusCode } })}\n`);
    fs.writeSync(3, `${JSON.stringify({ peakRssKiB: require('./peak-rss.js')() })}\n`);
    process.exit(0);
  });
});
request.end(body);
