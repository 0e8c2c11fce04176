/** Numbers as the cost review shows them: dollars, bytes, changes. */

export function formatDollars(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : 2;
  return `${value < 0 ? "−" : ""}$${abs.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A change in dollars with its sign: "+$12.30", "−$4.00". */
export function formatChange(change: number): string {
  if (Math.abs(change) < 0.005) return "±$0.00";
  return `${change > 0 ? "+" : "−"}${formatDollars(Math.abs(change))}`;
}

/** The change as a percentage of the previous value, or "new" when there was none. */
export function formatChangePercent(current: number, previous: number | null): string {
  if (previous === null) return "";
  if (Math.abs(previous) < 0.005) return Math.abs(current) < 0.005 ? "" : "new";
  const percent = ((current - previous) / previous) * 100;
  return `${percent > 0 ? "+" : percent < 0 ? "−" : ""}${Math.abs(percent).toFixed(Math.abs(percent) < 10 ? 1 : 0)}%`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${d.getUTCDate()} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()]}`;
}

/** Colors of the billed paths in charts (stable across views). */
export const PATH_COLORS: Record<string, string> = {
  internet_egress: "#2357d9",
  nat_processing: "#d9482b",
  cross_az: "#e0a100",
  inter_region: "#7b3fc4",
  interface_endpoint: "#1f8a4c",
  transit_gateway: "#0b8793",
  regional_public: "#8a6d3b",
  gateway_endpoint: "#6c8ebf",
  nat_gateway_hours: "#f08a6c",
  interface_endpoint_hours: "#79c28f",
  transit_gateway_hours: "#6cc0c8",
};

export function pathColor(path: string): string {
  return PATH_COLORS[path] ?? "#9aa3b0";
}
