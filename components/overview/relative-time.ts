/** "updated 3 hours ago": how long before `nowMs` a moment was (pure, browser and server). */
import { formatTime } from "@/components/explore/format";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"} ago`;

/**
 * `just now`, `5 minutes ago`, `3 hours ago`, `2 days ago`; past 30 days the UTC date. A moment a
 * little after `nowMs` (clocks a second apart, an answer newer than the page) is "just now".
 */
export function formatAgo(ms: number, nowMs: number): string {
  const elapsed = nowMs - ms;
  if (elapsed < MINUTE) return "just now";
  if (elapsed < HOUR) return plural(Math.floor(elapsed / MINUTE), "minute");
  if (elapsed < DAY) return plural(Math.floor(elapsed / HOUR), "hour");
  if (elapsed < 30 * DAY) return plural(Math.floor(elapsed / DAY), "day");
  return `on ${formatTime(ms).slice(0, 10)}`;
}

/** The exact moment for a title attribute: `2026-11-24 10:05:00 UTC`. */
export function formatUtc(ms: number): string {
  return `${formatTime(ms)} UTC`;
}
