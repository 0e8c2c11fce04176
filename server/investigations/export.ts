/**
 * Flow rows as files to take away: CSV (RFC 4180, one row per flow with the enriched columns) and
 * JSON. Pure code.
 */
import type { FlowEndView, FlowRow } from "../explore/rows";

/** The CSV columns, in order: name and value. */
const COLUMNS: [string, (row: FlowRow) => string | number | null][] = [
  ["time", (r) => new Date(r.timeMs).toISOString()],
  ["timestamp_ns", (r) => r.tsNs],
  ["flow_log", (r) => r.flowLogId],
  ["owner_account", (r) => r.owner],
  ["interface", (r) => r.interfaceId],
  ...endColumns("src", (r) => r.src),
  ...endColumns("dst", (r) => r.dst),
  ["protocol", (r) => r.protocolName],
  ["action", (r) => r.action],
  ["bytes", (r) => r.bytes],
  ["packets", (r) => r.packets],
  ["tcp_flags", (r) => r.tcpFlags],
  ["direction", (r) => r.direction],
  ["log_status", (r) => r.logStatus],
  ["line", (r) => r.line],
];

function endColumns(prefix: string, end: (row: FlowRow) => FlowEndView): [string, (row: FlowRow) => string | number | null][] {
  return [
    [`${prefix}_address`, (r) => end(r).address],
    [`${prefix}_port`, (r) => end(r).port],
    [`${prefix}_port_name`, (r) => end(r).portName],
    [`${prefix}_name`, (r) => end(r).label],
    [`${prefix}_kind`, (r) => end(r).kind],
    [`${prefix}_service`, (r) => end(r).service],
    [`${prefix}_team`, (r) => end(r).team],
    [`${prefix}_account`, (r) => end(r).accountId],
    [`${prefix}_vpc`, (r) => end(r).vpcId],
    [`${prefix}_subnet`, (r) => end(r).subnetId],
    [`${prefix}_az`, (r) => end(r).availabilityZone],
    [`${prefix}_region`, (r) => end(r).region],
  ];
}

/**
 * One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled), as RFC
 * 4180 says. Text that a spreadsheet would run as a formula (starting with =, +, @, a tab or a
 * carriage return, or - followed by something that is not a number) gets a leading apostrophe.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && (/^[=+@\t\r]/.test(text) || /^-(?![\d.]*$)/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function flowsCsv(rows: readonly FlowRow[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(",")];
  for (const row of rows) lines.push(COLUMNS.map(([, value]) => csvField(value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function flowsJson(rows: readonly FlowRow[]): string {
  return `${JSON.stringify(
    rows.map((r) => ({
      time: new Date(r.timeMs).toISOString(),
      timestampNs: r.tsNs,
      labels: r.labels,
      line: r.line,
      flowLog: r.flowLogId,
      interface: r.interfaceId,
      protocol: r.protocolName,
      action: r.action,
      bytes: r.bytes,
      packets: r.packets,
      tcpFlags: r.tcpFlags,
      direction: r.direction,
      logStatus: r.logStatus,
      src: r.src,
      dst: r.dst,
    })),
    null,
    2,
  )}\n`;
}

/** A file name for an export: the investigation's slug, the panel's title, the extension. */
export function exportFileName(slug: string, panelTitle: string, extension: string): string {
  const title = panelTitle
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `flowlens-${slug}${title ? `-${title}` : ""}.${extension}`;
}
