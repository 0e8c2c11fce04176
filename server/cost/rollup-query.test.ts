import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW_FORMAT, parseFlowFormat } from "../flows";
import { parseLogQL } from "../logql/parser";
import { compileRe2WithNames } from "../logql/re2";
import { buildAddressPlan } from "./address-plan";
import { buildRollupQuery, missingRollupFields, nextShardCount, readRollupAnswer, rollupQueryPlan, seriesKeyOf, shardFilter } from "./rollup-query";

const plan = buildAddressPlan({ vpcCidrs: [], namedPrefixes: ["52.95.154.0/23"], publicAddresses: [] });
const V5 = parseFlowFormat(
  "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path",
);

function labelsOf(pattern: string, line: string): Record<string, string> | null {
  const { re, names } = compileRe2WithNames(pattern);
  const m = re.exec(line);
  if (!m) return null;
  const labels: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name && m[i]) labels[name] = m[i] as string;
  });
  return labels;
}

describe("rollup queries", () => {
  it("read the fields classification needs from a default-format line, and drop the rest", () => {
    const p = rollupQueryPlan("fl-0a1b", DEFAULT_FLOW_FORMAT, plan);
    const labels = labelsOf(p.pattern, "2 123456789012 eni-0a1b2c 10.10.1.5 52.95.155.9 40000 443 6 12 3456 1700000000 1700000060 ACCEPT OK");
    expect(labels).toEqual({ c_acct: "123456789012", c_if: "eni-0a1b2c", c_src_ip: "10.10.1.5", c_dst_24: "52.95.155", c_packets: "12", c_bytes: "3456", c_action: "ACCEPT" });
    expect(p.groupBy).not.toContain("c_bytes");
    expect(p.groupBy).toContain("c_dst_8");
  });

  it("do not read NODATA and SKIPDATA records", () => {
    const p = rollupQueryPlan("fl-0a1b", DEFAULT_FLOW_FORMAT, plan);
    expect(labelsOf(p.pattern, "2 123456789012 eni-0a1b2c - - - - - - - 1700000000 1700000060 - NODATA")).toBeNull();
  });

  it("read pkt-*addr, flow-direction and traffic-path of a v5 format", () => {
    const p = rollupQueryPlan("fl-0a1b", V5, plan);
    const line = "5 123456789012 eni-0a1b2c 10.10.1.5 10.10.0.7 40000 443 6 12 3456 1700000000 1700000060 ACCEPT OK vpc-1 subnet-1 - 19 IPv4 10.10.1.5 90.1.2.3 eu-west-3 euw3-az1 - - egress 1";
    expect(labelsOf(p.pattern, line)).toMatchObject({ c_src_ip: "10.10.1.5", c_dst_ip: "10.10.0.7", c_psrc_ip: "10.10.1.5", c_pdst_8: "90", c_dir: "egress", c_path: "1" });
  });

  it("are valid LogQL, one per metric, over windows of an hour (or a minute when refining)", () => {
    const p = rollupQueryPlan("fl-0a1b", V5, plan);
    for (const metric of ["bytes", "packets", "flows"] as const) {
      const query = buildRollupQuery(p, metric, { index: 1, count: 4 });
      expect(() => parseLogQL(query)).not.toThrow();
      expect(query).toContain(`__aws_s3_vpc_flow="fl-0a1b"`);
      expect(query).toMatch(metric === "flows" ? /count_over_time\(.*\[1h\] offset 1ns\)/ : new RegExp(`unwrap c_${metric} \\[1h\\] offset 1ns`));
    }
    expect(buildRollupQuery(p, "bytes", { index: 0, count: 1 }, 60)).toMatch(/\[1m\] offset 1ns\)\)$/);
  });

  it("refuse a format without the fields they need", () => {
    expect(missingRollupFields(parseFlowFormat("version interface-id srcaddr dstaddr action"))).toEqual(["bytes", "packets"]);
    expect(() => rollupQueryPlan("fl-1", parseFlowFormat("version srcaddr dstaddr"), plan)).toThrow(/does not log/);
  });

  /** Compiles shardFilter's label filters (`| l=~"re"`, `| (a=~"re" or b!="")`) into a test of one series' labels. */
  const compileFilter = (filter: string) => {
    const stages = filter
      .split(" | ")
      .filter((stage) => stage.trim() !== "")
      .map((stage) =>
        stage
          .replace(/^\s*\|?\s*\(?|\)\s*$/g, "")
          .split(" or ")
          .map((term): ((labels: Record<string, string>) => boolean) => {
            const regex = /^(\w+)=~"(.*)"$/.exec(term);
            if (regex) {
              const re = new RegExp(`^(?:${regex[2]})$`);
              return (labels) => re.test(labels[regex[1] as string] ?? "");
            }
            const nonEmpty = /^(\w+)!=""$/.exec(term);
            if (nonEmpty) return (labels) => (labels[nonEmpty[1] as string] ?? "") !== "";
            throw new Error(`unexpected term ${term}`);
          }),
      );
    return (labels: Record<string, string>) => stages.every((terms) => terms.some((t) => t(labels)));
  };

  it.each([2, 4, 16, 100, 1600])("split series into %i disjoint shards that cover every one", (count) => {
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const key = (name: string): Record<string, string> => {
      switch (random(5)) {
        case 0:
          return { [`${name}_ip`]: `10.0.${random(256)}.${random(256)}` };
        case 1:
          return { [`${name}_ip`]: `2a05:d012:${random(65536).toString(16)}::${random(4096).toString(16)}` };
        case 2:
          return { [`${name}_24`]: `52.${random(256)}.${random(256)}` };
        case 3:
          return { [`${name}_8`]: String(random(256)) };
        default:
          return { [`${name}_x`]: "-" };
      }
    };
    const filters = Array.from({ length: count }, (_, index) => compileFilter(shardFilter({ index, count })));
    for (let i = 0; i < 1000; i++) {
      const labels = { c_if: `eni-0${random(2 ** 30).toString(16).padStart(16, "0")}`, ...key("c_src"), ...key("c_dst"), c_action: "ACCEPT" };
      expect(filters.filter((keeps) => keeps(labels)).length, JSON.stringify(labels)).toBe(1);
    }
    expect(shardFilter({ index: 0, count: 1 })).toBe("");
  });

  it("split finer step by step: by interface, then by address keys, then both", () => {
    expect([1, 2, 4, 8, 16, 100].map(nextShardCount)).toEqual([2, 4, 8, 16, 100, 1600]);
    expect(nextShardCount(1600)).toBeUndefined();
    expect(shardFilter({ index: 37, count: 100 })).not.toMatch(/c_if/);
    expect(shardFilter({ index: 1537, count: 1600 })).toMatch(/^ \| c_if=~"\.\*\[f\]" \| \(c_src_ip=~"\.\*\[7\]"/);
  });

  it("read answers back: one point per series and window, the window starting an hour before the point", () => {
    const hourEnd = 1_700_006_400;
    const points = readRollupAnswer(
      {
        resultType: "matrix",
        result: [
          { metric: { c_if: "eni-1", c_src_ip: "10.0.0.1", c_dst_8: "90", c_action: "ACCEPT" }, values: [[hourEnd - 1e-9, "1234"], [hourEnd + 3600 - 1e-9, "0"]] },
          { metric: { c_if: "eni-1", c_action: "MAYBE" }, values: [[hourEnd, "1"]] },
        ],
      },
      3600,
    );
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ windowStart: hourEnd - 3600, value: 1234, key: { interfaceId: "eni-1", src: { kind: "exact", address: "10.0.0.1" }, dst: { kind: "block8", octet: "90" } } });
    expect(seriesKeyOf({ c_if: "eni-1", c_action: "REJECT", c_dir: "ingress", c_path: "8" })).toMatchObject({ flowDirection: "ingress", trafficPath: 8, pktDst: { kind: "absent" } });
  });
});
