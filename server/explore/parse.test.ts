import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW_FORMAT, FlowFormatRegistry, parseFlowFormat } from "../flows";
import { buildFlowQueries, formatGroupsOf } from "./builder";
import { compileFilter } from "./compile";
import { type FlowFilter, normalizeFilter } from "./filter";
import { filterFromLogQL, literalAlternatives } from "./parse";

const V5 = parseFlowFormat("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id flow-direction");
const groups = formatGroupsOf(new FlowFormatRegistry());
const v5Groups = formatGroupsOf(new FlowFormatRegistry([], V5));
const render = (filter: FlowFilter, g = groups) => {
  const plan = buildFlowQueries({ conditions: compileFilter(filter), groups: g, output: { kind: "logs" } });
  expect(plan.queries).toHaveLength(1);
  return plan.queries[0] as string;
};

describe("filter → LogQL → filter", () => {
  const filters: [string, FlowFilter][] = [
    ["nothing", {}],
    ["accounts kept and left out", { account: { in: ["111111111111", "222222222222"], out: ["333333333333"] } }],
    ["flow logs", { flowLog: { in: ["fl-0a"], out: [] } }],
    ["action", { action: { in: ["REJECT"], out: [] } }],
    ["protocols", { protocol: { in: ["6", "17"], out: ["1"] } }],
    ["ports and ranges", { dstPort: { in: ["443", "8443", "8000-8999"], out: ["8080"] }, srcPort: { in: [], out: ["0-1023"] } }],
    ["addresses", { src: { in: ["10.0.0.1", "10.0.0.2", "172.16.0.0/12"], out: ["10.9.9.9"] }, dst: { in: ["5.188.10.77"], out: [] } }],
    ["IPv6 and ranges", { dst: { in: ["2001:db8::1", "10.0.0.1-10.0.0.9"], out: [] } }],
    ["interfaces", { interface: { in: ["eni-0a", "eni-0b"], out: [] } }],
    ["free text", { text: { in: ['he said "x"'], out: ["a\\b", "c"] } }],
    ["several texts", { text: { in: ["a.b", "c(d)"], out: [] } }],
    [
      "everything at once",
      {
        account: { in: ["111111111111"], out: [] },
        interface: { in: ["eni-0a"], out: [] },
        src: { in: ["10.0.0.0/8"], out: [] },
        dstPort: { in: ["5432"], out: [] },
        protocol: { in: ["6"], out: [] },
        action: { in: ["REJECT"], out: [] },
        text: { in: ["x"], out: [] },
      },
    ],
  ];
  it.each(filters)("%s", (_name, filter) => {
    const query = render(filter);
    const parsed = filterFromLogQL(query, [DEFAULT_FLOW_FORMAT]);
    expect(parsed).toEqual({ ok: true, filter: normalizeFilter(filter), format: Object.keys(filter).some((f) => f !== "account" && f !== "flowLog" && f !== "text") ? DEFAULT_FLOW_FORMAT : null });
  });

  it("fields only a custom format has (VPC, subnet, direction) round-trip with that format", () => {
    const filter: FlowFilter = { vpc: { in: ["vpc-0a"], out: [] }, subnet: { in: [], out: ["subnet-0b"] }, direction: { in: ["egress"], out: [] } };
    const query = render(filter, v5Groups);
    expect(filterFromLogQL(query, [DEFAULT_FLOW_FORMAT, V5])).toEqual({ ok: true, filter, format: V5 });
  });
});

describe("LogQL → filter → LogQL", () => {
  it.each([
    '{__aws_log_type="s3_vpc_flow"}',
    '{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow_owner="123456789012"} |= "REJECT" | pattern `<_> <_> <_> <_> <_> <_> <dstport> <_> <_> <_> <_> <_> <action> <_>` | dstport="5432" | action="REJECT"',
    '{__aws_log_type="s3_vpc_flow"} |= "x" != "y" | pattern `<_> <_> <_> <srcaddr> <dstaddr> <_> <_> <_> <_> <_> <_> <_> <_> <_>` | (srcaddr=~`10\\.0\\.0\\.1|10\\.0\\.0\\.2` or srcaddr=ip("10.1.0.0/16")) | dstaddr!=ip("10.0.0.0/8")',
  ])("%s", (query) => {
    const parsed = filterFromLogQL(query);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(render(parsed.filter)).toBe(query);
  });
});

describe("drop stages (newer Loki)", () => {
  it("of the extracted fields read as the same filter", () => {
    const query = '{__aws_log_type="s3_vpc_flow"} | pattern `<_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <action> <_>` | action="REJECT"';
    expect(filterFromLogQL(`${query} | drop action`)).toEqual(filterFromLogQL(query));
  });
});

describe("queries of one format group", () => {
  it("read back without the group's own flow log selection, so the builder runs every group again", () => {
    const registry = new FlowFormatRegistry([{ flowLogId: "fl-0a", format: V5, source: "configured" }]);
    const mixed = formatGroupsOf(registry);
    const plan = buildFlowQueries({ conditions: compileFilter({ action: { in: ["REJECT"], out: [] } }), groups: mixed, output: { kind: "logs" } });
    expect(plan.queries).toHaveLength(2);
    for (const query of plan.queries) {
      expect(filterFromLogQL(query, [DEFAULT_FLOW_FORMAT, V5], mixed)).toMatchObject({ ok: true, filter: { action: { in: ["REJECT"], out: [] } } });
    }
    // a flow log filter that is not a group's selection stays
    const own = filterFromLogQL('{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="fl-0b"}', [DEFAULT_FLOW_FORMAT, V5], mixed);
    expect(own).toMatchObject({ ok: true, filter: { flowLog: { in: ["fl-0b"], out: [] } } });
  });
});

describe("queries the builder cannot show", () => {
  it.each([
    ['sum(count_over_time({__aws_log_type="s3_vpc_flow"}[5m]))', "It is a metric query"],
    ['{__aws_log_type="s3_vpc_flow"} | json', "no json stage"],
    ['{job="varlogs"}', "the stream label job"],
    ['{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow=~"fl-.*"}', "not a list of values"],
    ['{__aws_log_type="s3_vpc_flow"} | pattern `<a> <b>`', "not the flow log pattern"],
    ['{__aws_log_type="s3_vpc_flow"} | pattern `<_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <_> <action> <_>` | action="REJECT" | action="ACCEPT"', "two conditions on action"],
    ['{__aws_log_type="s3_vpc_flow"} | pattern `<_> <_> <_> <_> <_> <_> <_> <_> <_> <bytes> <_> <_> <_> <_>` | bytes > 1000', "a number comparison on bytes"],
    ['{__aws_log_type="s3_vpc_flow"} |= "a" |= "b"', "several line filters"],
    ['{__aws_log_type="s3_vpc_flow"', "parse error"],
  ])("%s", (query, reason) => {
    const parsed = filterFromLogQL(query);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe("literal alternatives", () => {
  it.each([
    ["a|b", ["a", "b"]],
    ["10\\.0\\.0\\.1", ["10.0.0.1"]],
    ["c\\|d|e", ["c|d", "e"]],
    ["a.*", undefined],
    ["\\d+", undefined],
    ["a||b", undefined],
  ])("%s", (regex, values) => {
    expect(literalAlternatives(regex)).toEqual(values);
  });
});
