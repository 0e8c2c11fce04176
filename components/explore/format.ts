/** Number, byte and time formatting for Explore, the views and investigations (pure, browser and server). */
import { formatInstant } from "@/server/timerange";

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1,234,567 — exact, for titles and tables. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "-";
  return integer.format(value);
}

/** 12.3 GB (binary units, as the AWS bill counts them); exact bytes go in a title. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return "-";
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes < 0 ? "-" : ""}${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** 1.2k, 3.4M: short counts for chart axes. */
export function formatShort(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return integer.format(value);
}

export type Unit = "flows" | "bytes" | "packets" | "value";

export function formatValue(value: number, unit: Unit): string {
  return unit === "bytes" ? formatBytes(value) : formatCount(value);
}

export function formatAxis(value: number, unit: Unit): string {
  return unit === "bytes" ? formatBytes(value) : formatShort(value);
}

export function formatPercent(share: number): string {
  if (share > 0 && share < 0.001) return "<0.1%";
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** `2026-11-24 10:05:00` (UTC). */
export function formatTime(ms: number): string {
  return formatInstant(ms);
}

/** `11-24 10:05` for axes. */
export function formatAxisTime(ms: number, spanMs: number): string {
  const text = formatInstant(ms);
  return spanMs > 2 * 86_400_000 ? text.slice(5, 16) : text.slice(11, 16);
}

export const UNIT_LABELS: Record<Unit, string> = { flows: "flow records", bytes: "bytes", packets: "packets", value: "value" };

/** Series colours: distinct, readable on white; Other is grey. */
export const PALETTE = ["#2357d9", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0c8599", "#e67700", "#5f3dc4", "#a61e4d", "#364fc7", "#087f5b", "#862e9c"];
export const OTHER_COLOR = "#adb5bd";

export function colorOf(index: number, role?: string): string {
  return role === "other" ? OTHER_COLOR : (PALETTE[index % PALETTE.length] as string);
}
