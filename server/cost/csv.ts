/**
 * The cost review as CSV: one row per team, service, account, VPC, path, destination and the
 * interface the bytes went through, with bytes, GiB and dollars. Pure code (RFC 4180 quoting).
 */
import { COST_PATHS, type CostPath } from "./classify";
import { BYTES_PER_GB } from "./prices";
import type { CostLine } from "./report";

const COLUMNS = ["team", "service", "account_id", "account", "vpc", "region", "path", "path_label", "destination", "destination_class", "via", "bytes", "gib", "hours", "dollars"] as const;

/** A CSV field: quoted when it holds a comma, a quote, a line break or leading/trailing space; formulas neutralised. */
export function csvField(value: string | number): string {
  let text = typeof value === "number" ? String(value) : value;
  // A spreadsheet would run a field starting with = + - @ as a formula: prefix it with a quote.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function costCsv(lines: readonly CostLine[], accountNames: ReadonlyMap<string, string | null>): string {
  const groups = new Map<string, { line: CostLine; bytes: number; hours: number; dollars: number }>();
  for (const line of lines) {
    const key = [line.team, line.service, line.accountId, line.vpcId, line.path, line.peerClass, line.peerName, line.via ?? ""].join("\u0001");
    const g = groups.get(key) ?? { line, bytes: 0, hours: 0, dollars: 0 };
    g.bytes += line.bytes;
    g.hours += line.hours;
    g.dollars += line.dollars;
    groups.set(key, g);
  }
  const rows = [...groups.values()].sort((a, b) => b.dollars - a.dollars || b.bytes - a.bytes);
  const out = [COLUMNS.join(",")];
  for (const { line, bytes, hours, dollars } of rows) {
    out.push(
      [
        line.team,
        line.service,
        line.accountId,
        accountNames.get(line.accountId) ?? "",
        line.vpcName ?? line.vpcId,
        line.region,
        line.path,
        COST_PATHS[line.path as CostPath]?.label ?? line.path,
        line.peerName,
        line.peerClass,
        line.via ?? "",
        bytes,
        (bytes / BYTES_PER_GB).toFixed(6),
        hours === 0 ? "" : hours.toFixed(2),
        dollars.toFixed(4),
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${out.join("\r\n")}\r\n`;
}
