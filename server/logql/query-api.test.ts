import { describe, expect, it } from "vitest";
import { MemorySource } from "./memory-source";
import { instantSplitExclusions, splitPlan } from "./frontend";
import { parseLogQL } from "./parser";
import type { SampleExpr } from "./ast";
import { executeInstantQuery, executeRangeQuery, parseLokiTime, parseSecondsOrDuration } from "./query-api";
import type { EntryBatch, EntrySource, SourceStream } from "./source";

const NOW = 1_700_000_000_000_000_000n;
const source = new MemorySource();
source.add("fake", [{ labels: { app: "a" }, entries: [[NOW - 10_000_000_000n, "hello é"]] }]);
source.add("other", [{ labels: { app: "a" }, entries: [[NOW - 10_000_000_000n, "other tenant"]] }]);
const options = { tenant: "fake", now: () => NOW };

describe("time and step parameters", () => {
  it.each([
    ["1700000000", 1_700_000_000_000_000_000n],
    ["1700000000.5", 1_700_000_000_500_000_000n],
    ["1700000000.1234", 1_700_000_000_123_000_000n],
    ["1700000000000000001", 1_700_000_000_000_000_001n],
    ["2023-11-14T22:13:20Z", 1_700_000_000_000_000_000n],
    ["2023-11-14T23:13:20.25+01:00", 1_700_000_000_250_000_000n],
    ["", 42n],
  ])("time %j is %d ns", (text, ns) => {
    expect(parseLokiTime(text, 42n)).toBe(ns);
  });
  it("rejects bad times with Go's text", () => {
    expect(() => parseLokiTime("yesterday", 0n)).toThrow('strconv.ParseInt: parsing "yesterday": invalid syntax');
  });
  it.each([
    ["300", 300e9],
    ["0.5", 0.5e9],
    ["5m", 300e9],
    ["1h30m", 5400e9],
  ])("step %j is %d ns", (text, ns) => {
    expect(parseSecondsOrDuration(text)).toBe(ns);
  });
  it("rejects bad steps", () => {
    expect(() => parseSecondsOrDuration("5 minutes")).toThrow('cannot parse "5 minutes" to a valid duration');
  });
});

describe("splitting like Loki's query frontend", () => {
  const s = (x: number) => BigInt(x) * 1_000_000_000n;
  it("aligns start and end to the step and marks split ends", () => {
    const plan = splitPlan(s(1800 * 1000 + 130), s(1800 * 1000 + 1800 + 10), 60e9, 300e9);
    expect(plan.startNs).toBe(s(1800 * 1000 + 120));
    expect(plan.endNs).toBe(s(1800 * 1000 + 1860));
    const kinds = Array.from({ length: 30 }, (_, k) => plan.boundary(k));
    expect(kinds.filter((k) => k === "exclusive")).toHaveLength(2);
    expect(kinds[27]).toBe("exclusive"); // 1800*1000+1740: the last step before the half hour
    expect(kinds[29]).toBe("exclusive"); // the end
  });
  it("uses the longest range as the split interval and one split per step when the step is longer", () => {
    const plan = splitPlan(s(0), s(7200), 3600e9, 300e9);
    expect([0, 1, 2].map((k) => plan.boundary(k))).toEqual(["inclusive", "overlap", "exclusive"]);
    const long = splitPlan(s(0), s(7200), 3600e9, 7200e9);
    expect([0, 1, 2].map((k) => long.boundary(k))).toEqual(["inclusive", "inclusive", "exclusive"]);
  });
  it("passes an aligned one-step query on unchanged", () => {
    const plan = splitPlan(s(600), s(600), 60e9, 60e9);
    expect([plan.startNs, plan.endNs, plan.boundary(0)]).toEqual([s(600), s(600), "exclusive"]);
  });
});

describe("instant queries cut into 30-minute sub-ranges, as Loki's frontend does", () => {
  const exclusions = (q: string) => {
    const found = instantSplitExclusions(parseLogQL(q) as SampleExpr);
    return found === undefined ? undefined : [...found.values()].map((d) => d.map((ns) => ns / 60e9));
  };
  it.each([
    ['sum by (x) (count_over_time({a="b"}[2h]))', [[30, 60, 90]]],
    ['count_over_time({a="b"}[75m])', [[30, 60]]],
    ['topk(3, sum by (x) (sum_over_time({a="b"} | pattern "<x> <v>" | unwrap v [1h])))', [[30]]],
    ['sum(rate({a="b"} | json [1h]))', [[30]]],
    ['count_over_time({a="b"} | json [2h])', undefined],
    ['count_over_time({a="b"}[30m])', undefined],
    ['avg_over_time({a="b"} | unwrap v [2h])', undefined],
    ['sum(count_over_time({a="b"}[2h])) / sum(count_over_time({a="c"}[10m]))', undefined],
    ['sum(count_over_time({a="b"}[2h])) * 2', [[30, 60, 90]]],
  ])("%s", (query, expected) => {
    expect(exclusions(query)).toEqual(expected);
  });

  it("does not count entries at the sub-ranges' ends", async () => {
    const at = (minutesAgo: number) => NOW - BigInt(minutesAgo * 60) * 1_000_000_000n;
    const s = new MemorySource();
    s.add("fake", [{ labels: { app: "s" }, entries: [at(0), at(10), at(30), at(45), at(60), at(120)].map((t) => [t, "x"] as const) }]);
    const answer = await executeInstantQuery({ query: 'sum(count_over_time({app="s"}[2h]))', time: String(NOW) }, s, options);
    expect(answer.status === 200 && answer.body.data.result).toEqual([{ metric: {}, value: [1_700_000_000, "2"] }]);
    const unsplit = await executeInstantQuery({ query: 'sum(count_over_time({app="s"}[2h])) / 1', time: String(NOW) }, s, options);
    expect(unsplit.status === 200 && unsplit.body.data.result).toEqual([{ metric: {}, value: [1_700_000_000, "2"] }]);
    const avg = await executeInstantQuery({ query: 'sum(count_over_time({app="s"}[2h] offset 1ns)) ', time: String(NOW) }, s, options);
    // Loki computes the step's time as (t - offset)/1e6 + offset/1e6 in integer milliseconds: 1 ns of offset shows.
    expect(avg.status === 200 && avg.body.data.result).toEqual([{ metric: {}, value: [1_699_999_999.999, "5"] }]);
  });
});

describe("query_range", () => {
  const q = (params: Record<string, string>) => executeRangeQuery(params, source, options);

  it("answers streams in Loki's JSON shape, with Loki's defaults (last hour, backward, 100)", async () => {
    const answer = await q({ query: '{app="a"}' });
    expect(answer.status).toBe(200);
    if (answer.status !== 200) return;
    expect(answer.body.status).toBe("success");
    expect(answer.body.data.resultType).toBe("streams");
    expect(answer.body.data.result).toEqual([{ stream: { app: "a" }, values: [[String(NOW - 10_000_000_000n), "hello é"]] }]);
    expect(answer.body.data.stats).toMatchObject({ summary: { totalLinesProcessed: 1, totalEntriesReturned: 1 } });
  });

  it("keeps tenants apart", async () => {
    const answer = await executeRangeQuery({ query: '{app="a"}' }, source, { ...options, tenant: "other" });
    expect(answer.status === 200 && (answer.body.data.result as Array<{ values: string[][] }>)[0]?.values[0]?.[1]).toBe("other tenant");
  });

  it("answers matrices with values as Go formats them and times in seconds", async () => {
    const answer = await q({ query: 'bytes_rate({app="a"}[3s])', start: String(NOW - 9_000_000_000n), end: String(NOW - 8_000_000_000n), step: "1" });
    expect(answer.status === 200 && answer.body.data.result).toEqual([{ metric: { app: "a" }, values: [[1_699_999_991, "2.6666666666666665"], [1_699_999_992, "2.6666666666666665"]] }]);
  });

  it.each([
    [{ query: '{app="a"}', start: "x" }, 'strconv.ParseInt: parsing "x": invalid syntax'],
    [{ query: '{app="a"}', start: "20", end: "10" }, "end timestamp must not be before or equal to start time"],
    [{ query: '{app="a"}', limit: "0" }, "limit must be a positive value"],
    [{ query: '{app="a"}', limit: "x" }, 'strconv.Atoi: parsing "x": invalid syntax'],
    [{ query: '{app="a"}', direction: "up" }, "invalid direction 'up'"],
    [{ query: '{app="a"}', step: "-1" }, "zero or negative query resolution step widths are not accepted. Try a positive integer"],
    [{ query: '{app="a"}', step: "0.1" }, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"],
    [{ query: '{app="a"}', interval: "-1" }, "interval must be >= 0"],
    [{ query: '{app="a"', start: "10", end: "20" }, "parse error at line 1, col 9: syntax error: unexpected $end, expecting } or ,"],
    [{ query: '{app="a"}', limit: "5001" }, "max entries limit per query exceeded, limit > max_entries_limit (5001 > 5000)"],
    [{ query: '{app="a"}', start: "0", end: "2700000" }, "the query time range exceeds the limit (query length: 750h0m0s, limit: 721h0m0s)"],
    [{ query: 'rate({app="a"}[30d])', start: String(NOW - 86_400_000_000_000n * 2n), end: String(NOW), step: "3600" }, "the query time range exceeds the limit (query length: 768h0m0s, limit: 721h0m0s)"],
    [{ query: 'rate_counter({app="a"} | unwrap x [5m])', start: "10", end: "20" }, "rate_counter is not supported by the flowlens store"],
  ])("rejects %j", async (params, text) => {
    expect(await q(params)).toEqual({ status: 400, text });
  });

  it("allows metric queries with any limit, and configurable limits", async () => {
    expect((await q({ query: 'count_over_time({app="a"}[1m])', limit: "10000" })).status).toBe(200);
    const answer = await executeRangeQuery({ query: '{app="a"}', limit: "11" }, source, { ...options, limits: { maxEntriesPerQuery: 10 } });
    expect(answer).toEqual({ status: 400, text: "max entries limit per query exceeded, limit > max_entries_limit (11 > 10)" });
  });
});

describe("query (instant)", () => {
  it("answers a vector, scalars, and log queries over the last 30 s", async () => {
    const vector = await executeInstantQuery({ query: 'count_over_time({app="a"}[1m])' }, source, options);
    expect(vector.status === 200 && vector.body.data.result).toEqual([{ metric: { app: "a" }, value: [1_700_000_000, "1"] }]);
    const scalar = await executeInstantQuery({ query: "2 ^ 10", time: "100" }, source, options);
    expect(scalar.status === 200 && scalar.body.data).toMatchObject({ resultType: "scalar", result: [100, "1024"] });
    const logs = await executeInstantQuery({ query: '{app="a"}', time: String(NOW) }, source, options);
    expect(logs.status === 200 && (logs.body.data.result as unknown[]).length).toBe(1);
    const tooOld = await executeInstantQuery({ query: '{app="a"}', time: String(NOW + 21_000_000_000n) }, source, options);
    expect(tooOld.status === 200 && tooOld.body.data.result).toEqual([]);
  });
});

/** A source whose streams never end: for timeouts and cancellation. */
const endless: EntrySource = {
  async streams(): Promise<SourceStream[]> {
    return [
      {
        labels: { app: "a" },
        async *batches(): AsyncGenerator<EntryBatch> {
          let t = NOW - 3_000_000_000_000n;
          for (;;) {
            await new Promise((resolve) => setTimeout(resolve, 1));
            yield { timestamps: BigInt64Array.of(t), lines: ["x"] };
            t += 1n;
          }
        },
      },
    ];
  },
};

describe("timeouts and cancellation", () => {
  it("answers 504 with Loki's text when the query times out", async () => {
    const answer = await executeRangeQuery({ query: 'count_over_time({app="a"}[1m])' }, endless, { ...options, limits: { queryTimeoutMs: 30 } });
    expect(answer).toEqual({
      status: 504,
      text: "Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed.",
    });
  });
  it("answers 499 when the caller cancels", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const answer = await executeRangeQuery({ query: '{app="a"}', limit: "5000" }, endless, { ...options, signal: controller.signal });
    expect(answer).toEqual({ status: 499, text: "The request was cancelled by the client." });
  });
});
