import { describe, expect, it } from "vitest";
import type { FlowEndView, FlowRow } from "../explore/rows";
import { csvField, exportFileName, flowsCsv, flowsJson } from "./export";

const end = (over: Partial<FlowEndView>): FlowEndView => ({
  address: null,
  port: null,
  portName: null,
  kind: "none",
  label: "-",
  service: null,
  team: null,
  interfaceId: null,
  accountId: null,
  accountName: null,
  vpcId: null,
  vpcName: null,
  subnetId: null,
  availabilityZone: null,
  region: null,
  category: null,
  ...over,
});

const row: FlowRow = {
  id: "1-x",
  tsNs: "1795183793000417493",
  timeMs: 1795183793000,
  labels: { __aws_s3_vpc_flow: "fl-0a" },
  line: '2 123 eni-1 10.0.0.1 10.0.0.2 40000 5432 6 2 120 1 2 REJECT OK',
  flowLogId: "fl-0a",
  owner: "123",
  parsed: true,
  action: "REJECT",
  protocol: 6,
  protocolName: "TCP",
  bytes: 120,
  packets: 2,
  tcpFlags: "SYN",
  direction: "ingress",
  interfaceId: "eni-1",
  logStatus: "OK",
  src: end({ address: "10.0.0.1", port: 40000, kind: "interface", label: 'payments-api, "blue"', service: 'payments-api, "blue"', team: "payments" }),
  dst: end({ address: "10.0.0.2", port: 5432, portName: "postgresql", kind: "interface", label: "ledger\nprimary", service: "ledger" }),
};

describe("CSV", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    ["=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""],
    ["+1", "'+1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["-cmd", "'-cmd"],
    ["-", "-"],
    ["-12.5", "-12.5"],
    [42, "42"],
    [null, ""],
  ])("field %j → %s", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("writes a header and one row per flow with the enriched columns, CRLF line ends", () => {
    const csv = flowsCsv([row]);
    const [header, line, rest] = csv.split("\r\n");
    expect(rest).toBe("");
    expect(header?.split(",").slice(0, 9)).toEqual(["time", "timestamp_ns", "flow_log", "owner_account", "interface", "src_address", "src_port", "src_port_name", "src_name"]);
    expect(line).toContain('"payments-api, ""blue"""');
    expect(line).toContain('"ledger\nprimary"');
    expect(line?.startsWith("2026-11-20T14:09:53.000Z,1795183793000417493,fl-0a,123,eni-1,10.0.0.1,40000,,")).toBe(true);
    // the number of fields is the number of columns once quoted fields are read as one
    const fields = line?.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.filter((f) => f !== "") ?? [];
    expect(fields).toHaveLength(header?.split(",").length ?? 0);
  });

  it("JSON keeps every end attribute", () => {
    const json = JSON.parse(flowsJson([row])) as Record<string, unknown>[];
    expect(json[0]).toMatchObject({ timestampNs: "1795183793000417493", action: "REJECT", src: { service: 'payments-api, "blue"', team: "payments" }, dst: { portName: "postgresql" } });
  });

  it("names files after the investigation and the panel", () => {
    expect(exportFileName("ab12cd34ef", "Rejected connections to :5432", "csv")).toBe("flowlens-ab12cd34ef-rejected-connections-to-5432.csv");
  });
});
