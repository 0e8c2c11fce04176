import { describe, expect, it } from "vitest";
import { FlowFormatRegistry, parseFlowFormat } from "../flows";
import { parseLogQL } from "../logql/parser";
import { type FlowCondition, type FlowQueryOutput, MAX_QUERY_BYTES, buildFlowQueries, formatGroupsOf } from "./builder";
import { compileFilter, resolutionKey } from "./compile";
import type { FlowFilter } from "./filter";

const defaultOnly = formatGroupsOf(new FlowFormatRegistry());
const FORMAT_V5 = parseFlowFormat(
  "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id flow-direction",
);
const FORMAT_SHORT = parseFlowFormat("version interface-id srcaddr dstaddr action log-status");
const mixed = formatGroupsOf(
  new FlowFormatRegistry([
    { flowLogId: "fl-0a", format: FORMAT_V5, source: "configured" },
    { flowLogId: "fl-0b", format: FORMAT_V5, source: "header" },
    { flowLogId: "fl-0c", format: FORMAT_SHORT, source: "configured" },
  ]),
);

const logs: FlowQueryOutput = { kind: "logs" };
const SELECTOR = '{__aws_log_type="s3_vpc_flow"}';
const pattern = (captures: Record<number, string>, length = 14) =>
  `| pattern \`${Array.from({ length }, (_, i) => (captures[i] ? `<${captures[i]}>` : "<_>")).join(" ")}\``;

describe("filter → LogQL (one format)", () => {
  const cases: [string, FlowFilter, string][] = [
    ["no filter: every flow line", {}, SELECTOR],
    ["account: a stream label, no parsing", { account: { in: ["123456789012"], out: [] } }, '{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow_owner="123456789012"}'],
    [
      "two accounts, one left out",
      { account: { in: ["111111111111", "222222222222"], out: ["333333333333"] } },
      "{__aws_log_type=\"s3_vpc_flow\", __aws_s3_vpc_flow_owner=~`111111111111|222222222222`, __aws_s3_vpc_flow_owner!=\"333333333333\"}",
    ],
    [
      "action: substring prefilter, then the exact field",
      { action: { in: ["REJECT"], out: [] } },
      `${SELECTOR} |= "REJECT" ${pattern({ 12: "action" })} | action="REJECT"`,
    ],
    [
      "destination ports, a range needs __error__",
      { dstPort: { in: ["5432", "6432", "8000-8999"], out: [] } },
      `${SELECTOR} ${pattern({ 6: "dstport" })} | (dstport=~\`5432|6432\` or (dstport >= 8000 and dstport <= 8999)) | __error__=""`,
    ],
    [
      "a left-out port range",
      { srcPort: { in: [], out: ["0-1023"] } },
      `${SELECTOR} ${pattern({ 5: "srcport" })} | (srcport < 0 or srcport > 1023) | __error__=""`,
    ],
    [
      "IPs: exact IPv4 addresses as an escaped alternation, CIDRs with ip()",
      { src: { in: ["10.0.0.1", "10.0.0.2", "192.168.0.0/16", "2001:db8::/32"], out: [] } },
      `${SELECTOR} ${pattern({ 3: "srcaddr" })} | (srcaddr=~\`10\\.0\\.0\\.1|10\\.0\\.0\\.2\` or srcaddr=ip("192.168.0.0/16") or srcaddr=ip("2001:db8::/32"))`,
    ],
    [
      "one destination address: a prefilter too",
      { dst: { in: ["5.188.10.77"], out: ["10.0.0.0/8"] } },
      `${SELECTOR} |= "5.188.10.77" ${pattern({ 4: "dstaddr" })} | dstaddr="5.188.10.77" | dstaddr!=ip("10.0.0.0/8")`,
    ],
    [
      "protocol and interface",
      { protocol: { in: ["6", "17"], out: [] }, interface: { in: ["eni-0abc"], out: [] } },
      `${SELECTOR} |= "eni-0abc" ${pattern({ 2: "interface_id", 7: "protocol" })} | interface_id="eni-0abc" | protocol=~\`6|17\``,
    ],
    [
      "free text: one kept, others left out, quoted as Go strings",
      { text: { in: ['say "hi"'], out: ["x\\y", "z"] } },
      `${SELECTOR} |= "say \\"hi\\"" != "x\\\\y" != "z"`,
    ],
    ["several kept texts: a regex of escaped literals", { text: { in: ["a.b", "c|d"], out: [] } }, `${SELECTOR} |~ \`a\\.b|c\\|d\``],
  ];
  it.each(cases)("%s", (_name, filter, expected) => {
    const plan = buildFlowQueries({ conditions: compileFilter(filter), groups: defaultOnly, output: logs });
    expect(plan.queries).toEqual([expected]);
    expect(() => parseLogQL(expected)).not.toThrow();
  });
});

describe("filter → LogQL (inventory terms)", () => {
  const resolution = new Map([
    [resolutionKey("service", "ledger"), ["eni-01", "eni-02"]],
    [resolutionKey("srcService", "payments-api"), ["10.10.3.4", "10.10.3.5", "10.10.64.0/28"]],
    [resolutionKey("vpc", "vpc-0a"), ["fl-0a"]],
    [resolutionKey("subnet", "subnet-0s"), ["eni-03"]],
  ]);

  it("a service is the interfaces it had, a source service the addresses it held", () => {
    const plan = buildFlowQueries({
      conditions: compileFilter({ service: { in: ["ledger"], out: [] }, srcService: { in: ["payments-api"], out: [] } }, resolution),
      groups: defaultOnly,
      output: logs,
    });
    expect(plan.queries).toEqual([
      `${SELECTOR} ${pattern({ 2: "interface_id", 3: "srcaddr" })} | interface_id=~\`eni-01|eni-02\` | (srcaddr=~\`10\\.10\\.3\\.4|10\\.10\\.3\\.5\` or srcaddr=ip("10.10.64.0/28"))`,
    ]);
  });

  it("a service without interfaces in the range matches nothing, and says so", () => {
    const plan = buildFlowQueries({ conditions: compileFilter({ service: { in: ["ghost"], out: [] } }, resolution), groups: defaultOnly, output: logs });
    expect(plan.queries).toEqual([]);
    expect(plan.notes).toEqual(["Service ghost: no interface of the inventory belonged to it in this time range, so no flow can match."]);
  });

  it("a VPC is its vpc_id where logged, else its flow logs; a subnet its subnet_id, else its interfaces", () => {
    const plan = buildFlowQueries({
      conditions: compileFilter({ vpc: { in: ["vpc-0a"], out: [] }, subnet: { in: ["subnet-0s"], out: [] } }, resolution),
      groups: mixed,
      output: logs,
    });
    // Only the v5 flow logs log vpc-id and subnet-id; the other groups would read the VPC's flow
    // logs (fl-0a), which are none of theirs.
    expect(plan.queries).toEqual([
      `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow=~\`fl-0a|fl-0b\`} |= "vpc-0a" |= "subnet-0s" | pattern \`<_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <vpc_id> <subnet_id> <_>\` | vpc_id="vpc-0a" | subnet_id="subnet-0s"`,
    ]);
    expect(plan.groups.map((g) => g.skipped ?? "queried")).toEqual([
      "the flow log filter selects none of its flow logs",
      "queried",
      "the flow log filter selects none of its flow logs",
    ]);
  });
});

describe("format groups", () => {
  it("one query per format, selected by flow log; a field a format lacks leaves its group out with a note", () => {
    const plan = buildFlowQueries({
      conditions: compileFilter({ direction: { in: ["egress"], out: [] }, action: { in: ["ACCEPT"], out: [] } }),
      groups: mixed,
      output: logs,
    });
    expect(plan.merge).toBe("single");
    expect(plan.queries).toEqual([
      `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow=~\`fl-0a|fl-0b\`} |= "ACCEPT" |= "egress" | pattern \`<_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <action> <_> <_> <_> <flow_direction>\` | action="ACCEPT" | flow_direction="egress"`,
    ]);
    expect(plan.notes).toEqual([
      "The Direction filter needs the flow-direction field, which flow logs in the default format do not log: their flows are left out.",
      "The Direction filter needs the flow-direction field, which flow logs fl-0c (format: version interface-id srcaddr dstaddr action log-status) do not log: their flows are left out.",
    ]);
  });

  it("log queries over several formats run separately; the default group excludes the registered others", () => {
    const plan = buildFlowQueries({ conditions: compileFilter({ action: { in: ["REJECT"], out: [] } }), groups: mixed, output: logs });
    expect(plan.merge).toBe("logs");
    expect(plan.queries).toEqual([
      `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow!~\`fl-0a|fl-0b|fl-0c\`} |= "REJECT" ${pattern({ 12: "action" })} | action="REJECT"`,
      `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow=~\`fl-0a|fl-0b\`} |= "REJECT" ${pattern({ 12: "action" }, 17)} | action="REJECT"`,
      `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="fl-0c"} |= "REJECT" | pattern \`<_> <_> <_> <_> <action> <_>\` | action="REJECT"`,
    ]);
  });

  it("filters without record fields need no pattern and no split", () => {
    const plan = buildFlowQueries({ conditions: compileFilter({ account: { in: ["123456789012"], out: [] }, text: { in: ["REJECT"], out: [] } }), groups: mixed, output: logs });
    expect(plan.queries).toEqual(['{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow_owner="123456789012"} |= "REJECT"']);
  });

  it("metric queries over several formats are one expression: each group labelled, then summed", () => {
    const plan = buildFlowQueries({
      conditions: compileFilter({ action: { in: ["REJECT"], out: [] } }),
      groups: mixed.slice(0, 2),
      output: { kind: "metric", measure: "bytes", by: ["dstaddr"], range: "1h", topk: 10 },
    });
    expect(plan.queries).toHaveLength(1);
    const query = plan.queries[0] as string;
    expect(query).toBe(
      "topk(10, sum by (dstaddr) (" +
        `label_replace(sum by (dstaddr) (sum_over_time({__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow!~\`fl-0a|fl-0b\`} |= "REJECT" ${pattern({ 4: "dstaddr", 9: "bytes", 12: "action" })} | action="REJECT" | unwrap bytes | __error__="" [1h] offset 1ns)), "flowlens_format", "1", "", "")` +
        " or " +
        `label_replace(sum by (dstaddr) (sum_over_time({__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow=~\`fl-0a|fl-0b\`} |= "REJECT" ${pattern({ 4: "dstaddr", 9: "bytes", 12: "action" }, 17)} | action="REJECT" | unwrap bytes | __error__="" [1h] offset 1ns)), "flowlens_format", "2", "", "")` +
        "))",
    );
    expect(parseLogQL(query).kind).toBe("vectorAggregation");
  });

  it("a metric grouped by a stream label counts flows without parsing", () => {
    const plan = buildFlowQueries({ conditions: [], groups: mixed, output: { kind: "metric", measure: "flows", by: ["__aws_s3_vpc_flow"], range: "5m" } });
    expect(plan.queries).toEqual([`sum by (__aws_s3_vpc_flow) (count_over_time(${SELECTOR} [5m] offset 1ns))`]);
  });
});

describe("long queries", () => {
  const interfaces = Array.from({ length: 600 }, (_, i) => `eni-0${i.toString(16).padStart(16, "0")}`);
  const conditions: FlowCondition[] = [{ kind: "equals", field: "interface-id", values: interfaces, negate: false, origin: "service" }];

  it("hundreds of interfaces are split over queries that Loki accepts, together covering every interface once", () => {
    const plan = buildFlowQueries({ conditions, groups: defaultOnly, output: logs });
    expect(plan.queries.length).toBeGreaterThan(1);
    expect(plan.merge).toBe("logs");
    const seen: string[] = [];
    for (const query of plan.queries) {
      expect(Buffer.byteLength(query)).toBeLessThan(MAX_QUERY_BYTES);
      const expr = parseLogQL(query);
      if (expr.kind !== "logSelector") throw new Error("not a log query");
      for (const stage of expr.stages) {
        if (stage.kind === "labelFilter" && stage.filter.kind === "string") seen.push(...stage.filter.matcher.value.split("|"));
      }
    }
    expect(seen).toEqual(interfaces);
    expect(plan.notes[0]).toMatch(/runs as \d+ queries/);
  });

  it("metric queries split the same way and are summed", () => {
    const plan = buildFlowQueries({ conditions, groups: defaultOnly, output: { kind: "metric", measure: "flows", by: ["action"], range: "5m" } });
    expect(plan.merge).toBe("sum");
    for (const query of plan.queries) expect(Buffer.byteLength(query)).toBeLessThan(MAX_QUERY_BYTES);
  });

  it("a top-k over a list too long for one query is refused with advice", () => {
    expect(() => buildFlowQueries({ conditions, groups: defaultOnly, output: { kind: "metric", measure: "flows", by: ["dstaddr"], range: "1h", topk: 5 } })).toThrow(
      /longer than the 5,120 bytes Loki accepts/,
    );
  });

  it("a left-out list that is too long cannot be split and is refused", () => {
    expect(() => buildFlowQueries({ conditions: [{ ...conditions[0], negate: true } as FlowCondition], groups: defaultOnly, output: logs })).toThrow(/Narrow the filter/);
  });
});
