'use strict';
/**
 * Preloaded (node -r) into processes whose requests are compared byte for byte: a fixed clock and
 * fixed "random" values, so two runs of the same calls send the same bytes.
 */
const crypto = require('crypto');

const FIXED_NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const RealDate = Date;
class FixedDate extends RealDate {
  constructor(...args) {
    super(...(args.length === 0 ? [FIXED_NOW] : args));
  }
  static now() {
    return FIXED_NOW;
  }
}
global.Date = FixedDate;

let seed = 42;
Math.random = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
crypto.randomBytes = (size, callback) => {
  const bytes = Buffer.alloc(size, 0x5a);
  if (typeof callback === 'function') {
    process.nextTick(callback, null, bytes);
    return undefined;
  }
  return bytes;
};
crypto.randomUUID = () => '00000000-0000-4000-8000-000000000000';
