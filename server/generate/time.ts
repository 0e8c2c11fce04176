/** Time helpers for the generator. All times are Unix seconds (UTC) unless a name says otherwise. */

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 7 * DAY;
/** The generator's traffic windows: 10 minutes, aligned on the Unix epoch. */
export const WINDOW = 600;

export function floorTo(seconds: number, step: number): number {
  return Math.floor(seconds / step) * step;
}

export function ceilTo(seconds: number, step: number): number {
  return Math.ceil(seconds / step) * step;
}

/** Day of week (0 = Sunday) of a Unix time, in UTC shifted by `offsetHours`. */
export function weekday(seconds: number, offsetHours = 0): number {
  return new Date((seconds + offsetHours * HOUR) * 1000).getUTCDay();
}

/** Hour of day as a fraction (e.g. 14.5 for 14:30), in UTC shifted by `offsetHours`. */
export function hourOfDay(seconds: number, offsetHours = 0): number {
  const s = (((seconds + offsetHours * HOUR) % DAY) + DAY) % DAY;
  return s / HOUR;
}

/** `YYYYMMDDTHHmmZ`, as in AWS's flow log file names. */
export function fileStamp(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
}

/** ISO 8601 with `+00:00`, as the AWS CLI prints times. */
export function awsCliTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
