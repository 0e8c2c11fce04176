/**
 * Time ranges as people write them in Grafana: `now-1h` … `now`, or absolute instants
 * (milliseconds since the epoch, or ISO 8601). Pure code shared by pages (URL state), the
 * browser (pickers, zoom, shift) and services; investigations save only absolute ranges.
 */
import { parseDurationMs } from "./env";

export interface TimeRangeText {
  from: string;
  to: string;
}

export interface AbsoluteRange {
  fromMs: number;
  toMs: number;
}

export const DEFAULT_RANGE: TimeRangeText = { from: "now-1h", to: "now" };

export const RANGE_PRESETS: { label: string; from: string }[] = [
  { label: "Last 15 minutes", from: "now-15m" },
  { label: "Last 1 hour", from: "now-1h" },
  { label: "Last 3 hours", from: "now-3h" },
  { label: "Last 6 hours", from: "now-6h" },
  { label: "Last 12 hours", from: "now-12h" },
  { label: "Last 24 hours", from: "now-24h" },
  { label: "Last 2 days", from: "now-2d" },
  { label: "Last 7 days", from: "now-7d" },
  { label: "Last 30 days", from: "now-30d" },
];

/** The instant a time expression stands for, or undefined when it is not one. */
export function parseTimeExpression(text: string, nowMs: number): number | undefined {
  const value = text.trim();
  if (value === "now") return nowMs;
  const relative = /^now-(.+)$/.exec(value);
  if (relative) {
    const ms = parseDurationMs(relative[1] as string);
    return ms === undefined ? undefined : nowMs - ms;
  }
  if (/^\d{10,16}$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export function isRelative(range: TimeRangeText): boolean {
  return range.from.startsWith("now") || range.to.startsWith("now");
}

/** Resolves a range at `nowMs`; a bad or inverted range falls back to the default. */
export function resolveRange(range: TimeRangeText, nowMs: number): AbsoluteRange {
  const fromMs = parseTimeExpression(range.from, nowMs);
  const toMs = parseTimeExpression(range.to, nowMs);
  if (fromMs === undefined || toMs === undefined || !(fromMs < toMs)) {
    return resolveRange(DEFAULT_RANGE, nowMs);
  }
  return { fromMs, toMs };
}

export function isValidRange(range: TimeRangeText, nowMs: number): boolean {
  const fromMs = parseTimeExpression(range.from, nowMs);
  const toMs = parseTimeExpression(range.to, nowMs);
  return fromMs !== undefined && toMs !== undefined && fromMs < toMs;
}

export function absolute(range: AbsoluteRange): TimeRangeText {
  return { from: String(Math.round(range.fromMs)), to: String(Math.round(range.toMs)) };
}

/** Moves the window back (-1) or forward (+1) by half its width, as Grafana's arrows do. */
export function shiftRange(range: AbsoluteRange, direction: -1 | 1, nowMs?: number): AbsoluteRange {
  const width = range.toMs - range.fromMs;
  let fromMs = range.fromMs + (direction * width) / 2;
  let toMs = range.toMs + (direction * width) / 2;
  if (nowMs !== undefined && toMs > nowMs) {
    toMs = nowMs;
    fromMs = nowMs - width;
  }
  return { fromMs, toMs };
}

/** Doubles the window around its middle (zoom out). */
export function zoomOut(range: AbsoluteRange, nowMs?: number): AbsoluteRange {
  const width = range.toMs - range.fromMs;
  const fromMs = range.fromMs - width / 2;
  const toMs = range.toMs + width / 2;
  return nowMs !== undefined && toMs > nowMs ? { fromMs: nowMs - width * 2, toMs: nowMs } : { fromMs, toMs };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `2026-11-24 10:05:00` in UTC: the one time zone every SRE in a shared ticket agrees on. */
export function formatInstant(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** How a range reads in the picker and in shared links. */
export function describeRange(range: TimeRangeText, nowMs: number): string {
  if (range.to === "now") {
    const preset = RANGE_PRESETS.find((p) => p.from === range.from);
    if (preset) return preset.label;
    if (range.from.startsWith("now-")) return `Last ${range.from.slice(4)}`;
  }
  const { fromMs, toMs } = resolveRange(range, nowMs);
  return `${formatInstant(fromMs)} → ${formatInstant(toMs)} UTC`;
}
