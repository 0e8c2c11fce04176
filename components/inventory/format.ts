/** Small formatting helpers for inventory tables (pure, browser and server). */

/** `2026-11-24 12:00:00` in UTC: inventory times are compared across accounts and regions. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "-";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "").replace(/Z$/, "") + " UTC";
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "-";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
