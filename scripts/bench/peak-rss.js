'use strict';
/**
 * This process's peak RSS in KiB. On Linux, VmHWM of /proc/self/status: ru_maxrss
 * (process.resourceUsage().maxRSS) survives exec, so a child forked from a big parent reports
 * the parent's RSS; VmHWM starts afresh with the new program.
 */
const fs = require('fs');

module.exports = function peakRssKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch (error) {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
};
