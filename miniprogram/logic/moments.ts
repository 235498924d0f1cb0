/**
 * Moments as a person on this phone reads them: "12月2日 10:30", in the phone's local time. Every
 * time the page shows (an invite's expiry, when a printer was added, an account's quota update, a
 * history entry) goes through here.
 */

/** "12月2日 10:19", the phone's local time (its UTC offset at that moment, read once). */
export function formatMoment(ms: number): string {
  const local = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

/** WeChat's account times are Unix seconds (getAllAccount's create_time, quota_update_time); 0 or junk is no time. */
export function secondsToMs(seconds: unknown): number | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
