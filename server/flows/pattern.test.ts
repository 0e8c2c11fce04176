import { parser } from "@grafana/lezer-logql";
import { describe, expect, it } from "vitest";
import { FLOW_FIELDS } from "./fields";
import { DEFAULT_FLOW_FORMAT, parseFlowFormat } from "./format";
import { flowPattern, flowPatternStage } from "./pattern";
import { formatFlowRecord, parseFlowRecord } from "./record";

/** Loki's pattern semantics for captures separated by literals: each capture runs to the next literal, the last to the end. */
function applyPattern(pattern: string, line: string): Record<string, string> | undefined {
  const parts = pattern.split(/(<[^>]+>)/).filter((p) => p !== "");
  const labels: Record<string, string> = {};
  let rest = line;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (!part.startsWith("<")) {
      if (!rest.startsWith(part)) return undefined;
      rest = rest.slice(part.length);
      continue;
    }
    const next = parts[i + 1];
    const end = next === undefined ? rest.length : rest.indexOf(next);
    if (end < 0) return undefined;
    const name = part.slice(1, -1);
    if (name !== "_") labels[name] = rest.slice(0, end);
    rest = rest.slice(end);
  }
  return labels;
}

function parsesAsLogQL(query: string): boolean {
  let ok = true;
  parser.parse(query).iterate({ enter: (node) => { if (node.type.isError) ok = false; } });
  return ok;
}

describe("flowPattern", () => {
  it("names every field of the default format with its label", () => {
    expect(flowPattern(DEFAULT_FLOW_FORMAT)).toBe(
      "<version> <account_id> <interface_id> <srcaddr> <dstaddr> <srcport> <dstport> <protocol> <packets> <bytes> <start> <end> <action> <log_status>",
    );
  });

  it("captures only the fields asked for, by AWS name or label", () => {
    expect(flowPattern(DEFAULT_FLOW_FORMAT, { capture: ["srcaddr", "bytes", "log_status"] })).toBe(
      "<_> <_> <_> <srcaddr> <_> <_> <_> <_> <_> <bytes> <_> <_> <_> <log_status>",
    );
  });

  it("refuses a field the format does not have, and a pattern without names", () => {
    expect(() => flowPattern(DEFAULT_FLOW_FORMAT, { capture: ["vpc-id"] })).toThrow(/has no field "vpc_id"/);
    expect(() => flowPattern(DEFAULT_FLOW_FORMAT, { capture: [] })).toThrow(/at least one named field/);
  });

  it("gives every field a valid LogQL label name", () => {
    for (const spec of FLOW_FIELDS) expect(spec.label).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });

  const formats = [
    DEFAULT_FLOW_FORMAT.text,
    "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}",
    FLOW_FIELDS.map((f) => f.name).join(" "),
  ];
  it.each(formats)("extracts what parseFlowRecord reads, in a query Grafana's grammar accepts: %s", (text) => {
    const format = parseFlowFormat(text);
    const record = Object.fromEntries(format.fields.map((spec, i) => [spec.property, spec.kind === "number" ? i + 1 : spec.values ? spec.values[0] : `v${i}`]));
    const line = formatFlowRecord(record, format);
    const labels = applyPattern(flowPattern(format), line);
    const parsed = parseFlowRecord(line, format);
    expect(parsed).not.toBeNull();
    for (const spec of format.fields) expect(labels?.[spec.label]).toBe(String(parsed?.[spec.property]));
    const query = `sum by (srcaddr) (sum_over_time({__aws_log_type="s3_vpc_flow"} ${flowPatternStage(format)} | unwrap bytes [5m]))`;
    expect(parsesAsLogQL(query)).toBe(true);
  });
});
