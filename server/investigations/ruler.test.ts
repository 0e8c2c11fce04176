import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { recordNameFor, ruleGroupYaml } from "./ruler";

const query = 'sum by (__aws_s3_vpc_flow_owner) (count_over_time({__aws_log_type="s3_vpc_flow"} |= "REJECT" [5m]))';

describe("ruleGroupYaml", () => {
  it("writes a recording rule and an alerting rule Loki's ruler loads", () => {
    const yaml = ruleGroupYaml({
      group: "Rejected flows",
      query,
      record: "flowlens:rejected_flows:sum_by_owner",
      alert: { name: "RejectedFlowsHigh", operator: ">", threshold: 100, for: "10m", severity: "page" },
      link: "http://flowlens/i/abc",
    });
    expect(YAML.parse(yaml)).toEqual({
      groups: [
        {
          name: "Rejected flows",
          interval: "1m",
          rules: [
            { record: "flowlens:rejected_flows:sum_by_owner", expr: query },
            {
              alert: "RejectedFlowsHigh",
              expr: `${query} > 100`,
              for: "10m",
              labels: { severity: "page" },
              annotations: { summary: "RejectedFlowsHigh: value {{ $value }} > 100", flowlens_investigation: "http://flowlens/i/abc" },
            },
          ],
        },
      ],
    });
  });

  it("keeps a LogQL query with quotes and backticks intact", () => {
    const q = 'sum(count_over_time({a="b"} | pattern `<_> <x>` | x = "y" [5m]))';
    expect(YAML.parse(ruleGroupYaml({ group: "g", query: q, record: "r" })).groups[0].rules[0].expr).toBe(q);
  });

  it.each([
    [{ query: '{a="b"} |= "x"' }, /metric query/],
    [{ record: "1bad" }, /not a valid metric name/],
    [{ interval: "often" }, /not a duration/],
    [{ alert: { name: "bad name", operator: ">", threshold: 1, for: "5m" } }, /not a valid alert name/],
    [{ alert: { name: "A", operator: ">", threshold: Number.NaN, for: "5m" } }, /threshold must be a number/],
    [{ alert: { name: "A", operator: ">", threshold: 1, for: "soon" } }, /not a duration/],
  ])("rejects %j", (patch, message) => {
    expect(() => ruleGroupYaml({ group: "g", query, record: "flowlens:x", ...patch } as never)).toThrow(message);
  });
});

describe("recordNameFor", () => {
  it.each([
    ["Rejected flows per account", "flowlens:rejected_flows_per_account"],
    ["  Top-20 egress (bytes)! ", "flowlens:top_20_egress_bytes"],
    ["…", "flowlens:query"],
  ])("%j → %s", (text, name) => {
    expect(recordNameFor(text)).toBe(name);
  });
});
