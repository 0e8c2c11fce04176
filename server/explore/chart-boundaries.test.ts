import { describe, expect, it } from "vitest";
import { FlowFormatRegistry } from "../flows";
import { MemorySource } from "../logql/memory-source";
import { executeRangeQuery } from "../logql/query-api";
import { buildFlowQueries, formatGroupsOf } from "./builder";

// lambda-promtail stamps records on whole seconds, so some sit exactly on the 30-minute edges where
// Loki's query frontend splits a range query (and reads each piece up to its end exclusive). The
// builder's chart queries must count every record once anyway.
describe("chart queries count records stamped on Loki's split edges", () => {
  const start = 1_795_525_200n * 1_000_000_000n; // a whole hour
  const entries: [bigint, string][] = [];
  for (let minute = 0; minute < 120; minute += 1) {
    const second = start / 1_000_000_000n + BigInt(minute * 60);
    entries.push([second * 1_000_000_000n, `2 111111111111 eni-0a 10.0.0.1 10.0.0.2 1234 443 6 1 100 ${second} ${second + 1n} ACCEPT OK`]);
  }
  const source = new MemorySource();
  source.add("fake", [{ labels: { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-0a", __aws_s3_vpc_flow_owner: "111111111111" }, entries }]);

  it.each(["1m", "5m", "30m", "1h"])("step %s: the points add up to every record", async (step) => {
    const plan = buildFlowQueries({
      groups: formatGroupsOf(new FlowFormatRegistry()),
      conditions: [],
      output: { kind: "metric", measure: "flows", by: [], range: step },
    });
    const query = plan.queries[0] as string;
    expect(query).toContain("offset 1ns");
    const response = await executeRangeQuery(
      { query, start: String(start), end: String(start + 7_200_000_000_000n), step },
      source,
      { tenant: "fake" },
    );
    if (response.status !== 200) throw new Error(response.text);
    const result = response.body.data.result as { values: [number, string][] }[];
    const total = result.flatMap((series) => series.values).reduce((sum, [, value]) => sum + Number(value), 0);
    expect(total).toBe(entries.length);
  });
});
