// Built by test/build/sdk-features.test.ts like a cloud function, to reach every SDK feature.
module.exports = require('wx-server-sdk');
