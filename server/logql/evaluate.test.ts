import { describe, expect, it } from "vitest";
import { MemorySource } from "./memory-source";
import { executeInstantQuery, executeRangeQuery, type QueryResponse } from "./query-api";

// Two streams, one entry every 10 s from T0 (s) for 2 minutes:
//   {app="a", env="prod"}: "level=info status=200 size=<i*10> took=<i>s"   (i = 0..12)
//   {app="b", env="dev"}:  "level=error status=500 size=5 took=<i>00ms"    (i = 0..12, 5 s later)
const T0 = 1_700_000_000;
const ns = (s: number) => BigInt(Math.round(s * 1000)) * 1_000_000n;

function makeSource(): MemorySource {
  const source = new MemorySource(3);
  source.add("t", [
    {
      labels: { app: "a", env: "prod" },
      entries: Array.from({ length: 13 }, (_, i) => [ns(T0 + i * 10), `level=info status=200 size=${i * 10} took=${i}s`] as const),
    },
    {
      labels: { app: "b", env: "dev" },
      entries: Array.from({ length: 13 }, (_, i) => [ns(T0 + i * 10 + 5), `level=error status=500 size=5 took=${i}00ms`] as const),
    },
  ]);
  return source;
}

const source = makeSource();
const options = { tenant: "t", now: () => ns(T0 + 120) };

async function range(query: string, start: number, end: number, step: string | number, extra: Record<string, string> = {}): Promise<QueryResponse> {
  return executeRangeQuery({ query, start: String(ns(start)), end: String(ns(end)), step: String(step), ...extra }, source, options);
}

/** A matrix answer as { '{labels}': [[seconds offset from T0, value], …] }. */
async function matrix(query: string, start: number, end: number, step: string | number): Promise<Record<string, Array<[number, number]>>> {
  const answer = await range(query, start, end, step);
  if (answer.status !== 200) throw new Error(`${answer.status}: ${"text" in answer ? answer.text : ""}`);
  const result = answer.body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
  expect(answer.body.data.resultType).toBe("matrix");
  return Object.fromEntries(result.map((s) => [JSON.stringify(s.metric), s.values.map(([t, v]) => [t - T0, Number(v)] as [number, number])]));
}

async function instant(query: string, time: number, extra: Record<string, string> = {}): Promise<QueryResponse> {
  return executeInstantQuery({ query, time: String(ns(time)), ...extra }, source, options);
}

async function vector(query: string, time: number): Promise<Array<[Record<string, string>, number]>> {
  const answer = await instant(query, time);
  if (answer.status !== 200) throw new Error(`${answer.status}: ${"text" in answer ? answer.text : ""}`);
  expect(answer.body.data.resultType).toBe("vector");
  return (answer.body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => [s.metric, Number(s.value[1])]);
}

async function errorText(answer: Promise<QueryResponse>): Promise<[number, string]> {
  const a = await answer;
  return [a.status, "text" in a ? a.text : JSON.stringify(a.body)];
}

const A = JSON.stringify({ app: "a", env: "prod" });
const B = JSON.stringify({ app: "b", env: "dev" });

describe("range aggregations: windows (t - range, t] at start + k·step", () => {
  it("counts entries at t, not at t - range; the query's last step does not see entries at t (Loki reads [from, through))", async () => {
    // Entries of a at 0,10,…: (20, 40] holds 30 and 40; the last step (60) ends the store read.
    expect(await matrix('count_over_time({app="a"}[20s])', T0 + 40, T0 + 60, 10)).toEqual({ [A]: [[40, 2], [50, 2], [60, 1]] });
    // A one-step range query: (30, 40) holds only b's 35.
    expect(await matrix('count_over_time({app=~"a|b"}[10s])', T0 + 40, T0 + 40, 10)).toEqual({ [B]: [[40, 1]] });
  });

  it("aligns start down and end up to the step, as Loki's query frontend does", async () => {
    expect(await matrix('count_over_time({app="a"}[20s])', T0 + 43, T0 + 57, 10)).toEqual({ [A]: [[40, 2], [50, 2], [60, 1]] });
  });

  it("makes the last step of each 30-minute split exclusive and answers steps ≥ 30m twice", async () => {
    const long = new MemorySource();
    // Entries exactly on the hour and half hour, and one in between.
    const base = 1_700_002_800; // a multiple of 1800 s
    long.add("t", [{ labels: { app: "c" }, entries: [0, 1800, 2700, 3600, 7200].map((s) => [ns(base + s), "x"] as const) }]);
    const ask = async (query: string, start: number, end: number, step: number) => {
      const answer = await executeRangeQuery({ query, start: String(ns(start)), end: String(ns(end)), step: String(step) }, long, options);
      if (answer.status !== 200) throw new Error("text" in answer ? answer.text : "");
      return (answer.body.data.result as Array<{ values: Array<[number, string]> }>)[0]?.values.map(([t, v]) => [t - base, Number(v)]);
    };
    // step 15m < 30m: sub-queries [900, 900] and [1800, 3600]; their last steps do not see entries at t.
    expect(await ask('count_over_time({app="c"}[15m])', base + 900, base + 3600, 900)).toEqual([
      [1800, 1],
      [2700, 1],
    ]);
    // step 1h ≥ 30m: one sub-query per step; 3600 ends [0, 3600] (answer 2: 1800 and 2700) and starts [3600, 7200].
    expect(await ask('count_over_time({app="c"}[1h])', base, base + 7200, 3600)).toEqual([
      [0, 1],
      [3600, 2],
    ]);
    // … and when the first sub-query has nothing at 3600, the second one's answer (the entry at 3600) is kept.
    expect(await ask('count_over_time({app="c"}[15m])', base, base + 7200, 3600)).toEqual([
      [0, 1],
      [3600, 1],
    ]);
  });

  it("leaves out series with an empty window and steps with none", async () => {
    expect(await matrix('count_over_time({app="a"}[5s])', T0 + 115, T0 + 140, 5)).toEqual({ [A]: [[120, 1]] });
  });

  it("shifts windows with offset and keeps the step timestamps", async () => {
    expect(await matrix('count_over_time({app="a"}[10s] offset 30s)', T0 + 40, T0 + 60, 10)).toEqual({ [A]: [[40, 1], [50, 1]] });
    expect(await matrix('count_over_time({app="a"}[10s] offset 40s)', T0 + 40, T0 + 50, 10)).toEqual({ [A]: [[40, 1]] });
  });

  const line50 = "level=info status=200 size=50 took=5s";
  it.each([
    ['rate({app="a"}[20s])', 0.1],
    ['bytes_over_time({app="a"} |= "size=50 " [10s])', Buffer.byteLength(line50)],
    ['bytes_rate({app="a"} |= "size=50 " [10s])', Buffer.byteLength(line50) / 10],
    ['sum_over_time({app="a"} | logfmt | drop took | unwrap size [30s])', 120],
    ['avg_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', 40],
    ['min_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', 30],
    ['max_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', 50],
    ['first_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', 30],
    ['last_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', 50],
    ['stdvar_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', 200 / 3],
    ['stddev_over_time({app="a"} | logfmt | unwrap size [30s]) by (app)', Math.sqrt(200 / 3)],
    ['quantile_over_time(0.5, {app="a"} | logfmt | unwrap size [30s]) by (app)', 40],
    ['quantile_over_time(0.9, {app="a"} | logfmt | unwrap size [30s]) by (app)', 48],
    ['rate({app="a"} | logfmt | drop took | unwrap size [30s])', 4],
    ['sum_over_time({app="a"} | logfmt | drop size | unwrap duration(took) [30s])', 12],
    ['sum_over_time({app="a"} | logfmt | drop size | unwrap duration_seconds(took) [30s])', 12],
    ['sum_over_time({app="a"} | logfmt | drop took | unwrap bytes(size) [30s])', 120],
  ])("%s at t=50s is %d", async (query, value) => {
    const m = await matrix(query, T0 + 50, T0 + 60, 10);
    const series = Object.values(m);
    expect(series).toHaveLength(1);
    expect(series[0]?.[0]?.[0]).toBe(50);
    expect(series[0]?.[0]?.[1]).toBeCloseTo(value, 9);
  });

  it("drops the unwrapped label from the series, and groups range aggregations with by/without", async () => {
    expect(Object.keys(await matrix('sum_over_time({app="a"} | logfmt | unwrap size [30s])', T0 + 50, T0 + 50, 10)).sort()).toEqual(
      ["3s", "4s"].map((took) => JSON.stringify({ app: "a", env: "prod", level: "info", status: "200", took })),
    );
    expect(await matrix('max_over_time({app=~"a|b"} | logfmt | unwrap size [30s]) by (level)', T0 + 50, T0 + 60, 10)).toEqual({
      [JSON.stringify({ level: "error" })]: [[50, 5], [60, 5]],
      [JSON.stringify({ level: "info" })]: [[50, 50], [60, 50]],
    });
    expect(await matrix('avg_over_time({app="a"} | logfmt | unwrap size [30s]) without (took, status, level, size)', T0 + 50, T0 + 60, 10)).toEqual({
      [A]: [[50, 40], [60, 45]],
    });
  });

  it("fails on samples that carry __error__, unless filtered out", async () => {
    const [status, text] = await errorText(range('sum_over_time({app="a"} | logfmt | unwrap level [30s])', T0 + 50, T0 + 60, 10));
    expect(status).toBe(400);
    expect(text).toContain(
      "pipeline error: 'SampleExtractionErr' for series: '{__error__=\"SampleExtractionErr\", __error_details__=\"strconv.ParseFloat: parsing \\\"info\\\": invalid syntax\", app=\"a\", env=\"prod\"",
    );
    expect(text).toContain('Use a label filter to intentionally skip this error. (e.g | __error__!="SampleExtractionErr").');
    expect(await matrix('sum_over_time({app="a"} | logfmt | unwrap level | __error__="" [30s])', T0 + 50, T0 + 60, 10)).toEqual({});
    expect((await range('count_over_time({app="a"} | json [30s])', T0 + 50, T0 + 60, 10)).status).toBe(400);
    // With `sum` and no grouping Loki's parser hints skip the json parser: no error.
    expect(await matrix('sum(count_over_time({app="a"} | json [30s]))', T0 + 50, T0 + 60, 10)).toEqual({ "{}": [[50, 3], [60, 2]] });
  });

  it("absent_over_time gives 1 with the selector's equality labels when nothing matches", async () => {
    expect(await matrix('absent_over_time({app="zzz", env=~"p.*"}[10s])', T0 + 40, T0 + 50, 10)).toEqual({ [JSON.stringify({ app: "zzz" })]: [[40, 1], [50, 1]] });
    expect(await matrix('absent_over_time({app="a"}[5s])', T0 + 40, T0 + 45, 5)).toEqual({ [JSON.stringify({ app: "a" })]: [[45, 1]] });
  });

  it("merges streams whose labels become equal", async () => {
    expect(await matrix('count_over_time({app=~"a|b"} | drop app, env [20s])', T0 + 40, T0 + 50, 10)).toEqual({ "{}": [[40, 4], [50, 3]] });
  });
});

describe("vector aggregations", () => {
  const q = (agg: string) => `${agg}(count_over_time({app=~"a|b"} | logfmt | drop took, size [20s]))`;
  it.each([
    ["sum", { "{}": 4 }],
    ["sum by (level)", { [JSON.stringify({ level: "error" })]: 2, [JSON.stringify({ level: "info" })]: 2 }],
    ["sum without (app, env, status)", { [JSON.stringify({ level: "error" })]: 2, [JSON.stringify({ level: "info" })]: 2 }],
    ["count", { "{}": 2 }],
    ["avg", { "{}": 2 }],
    ["max by (nope)", { "{}": 2 }],
  ])("%s", async (agg, expected) => {
    const m = await matrix(q(agg), T0 + 40, T0 + 50, 10);
    expect(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v[0]?.[1]]))).toEqual(expected);
  });

  it("computes min, max, stddev, stdvar, topk, bottomk over different values", async () => {
    const inner = 'sum by (app) (sum_over_time({app=~"a|b"} | logfmt | unwrap size [30s]))';
    const at = async (agg: string) => Object.fromEntries(Object.entries(await matrix(agg, T0 + 50, T0 + 60, 10)).map(([k, v]) => [k, v[0]?.[1]]));
    expect(await at(`min(${inner})`)).toEqual({ "{}": 15 });
    expect(await at(`max(${inner})`)).toEqual({ "{}": 120 });
    expect(await at(`stdvar(${inner})`)).toEqual({ "{}": 2756.25 });
    expect(await at(`stddev(${inner})`)).toEqual({ "{}": 52.5 });
    expect(await at(`topk(1, ${inner})`)).toEqual({ [JSON.stringify({ app: "a" })]: 120 });
    expect(await at(`bottomk(1, ${inner})`)).toEqual({ [JSON.stringify({ app: "b" })]: 15 });
    expect(await at(`topk(5, ${inner})`)).toEqual({ [JSON.stringify({ app: "a" })]: 120, [JSON.stringify({ app: "b" })]: 15 });
  });

  it("sorts instant results by value with sort/sort_desc, by labels otherwise", async () => {
    const inner = 'sum by (app) (sum_over_time({app=~"a|b"} | logfmt | unwrap size [30s]))';
    expect((await vector(`sort(${inner})`, T0 + 50)).map(([m]) => m.app)).toEqual(["b", "a"]);
    expect((await vector(`sort_desc(${inner})`, T0 + 50)).map(([m]) => m.app)).toEqual(["a", "b"]);
    expect((await vector(inner, T0 + 50)).map(([m]) => m.app)).toEqual(["a", "b"]);
  });
});

describe("binary operations", () => {
  const a = 'sum by (app) (count_over_time({app="a"}[20s]))';
  const both = 'sum by (app) (count_over_time({app=~"a|b"}[20s]))';
  const at40 = async (query: string) => Object.fromEntries(Object.entries(await matrix(query, T0 + 40, T0 + 50, 10)).map(([k, v]) => [k, v[0]?.[1]]));
  const APP_A = JSON.stringify({ app: "a" });
  const APP_B = JSON.stringify({ app: "b" });

  it.each([
    [`${a} * 2 + 1`, { [APP_A]: 5 }],
    [`2 ^ ${a}`, { [APP_A]: 4 }],
    [`${a} / 0`, { [APP_A]: NaN }],
    [`${a} % 3`, { [APP_A]: 2 }],
    [`${a} > 1`, { [APP_A]: 2 }],
    [`${a} > 2`, {}],
    [`${a} > bool 2`, { [APP_A]: 0 }],
    [`${a} == bool 2`, { [APP_A]: 1 }],
    // Loki 2.7 keeps the literal's value when a filtering comparison has the literal on the left.
    [`1 < ${a}`, { [APP_A]: 1 }],
    [`${both} / ${both}`, { [APP_A]: 1, [APP_B]: 1 }],
    [`${both} - on (app) ${a}`, { [APP_A]: 0 }],
    [`${both} and ${a}`, { [APP_B]: undefined, [APP_A]: 2 }],
    [`${both} unless ${a}`, { [APP_B]: 2 }],
    [`${a} or ${both}`, { [APP_A]: 2, [APP_B]: 2 }],
    [`sum(${both}) / ignoring (x) sum(${a})`, { "{}": 2 }],
  ])("%s", async (query, expected) => {
    const got = await at40(query);
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).filter((k) => (expected as Record<string, unknown>)[k] !== undefined).sort());
    for (const [k, v] of Object.entries(expected)) if (v !== undefined) expect(got[k]).toEqual(v);
  });

  it("matches many-to-one with group_left and copies included labels", async () => {
    const detail = 'sum by (app, level) (count_over_time({app=~"a|b"} | logfmt [20s]))';
    const totals = 'sum by (app) (count_over_time({app=~"a|b"} | logfmt [20s]))';
    expect(await at40(`${detail} / on (app) group_left ${totals}`)).toEqual({
      [JSON.stringify({ app: "a", level: "info" })]: 1,
      [JSON.stringify({ app: "b", level: "error" })]: 1,
    });
    const withEnv = 'sum by (app, env) (count_over_time({app=~"a|b"}[20s]))';
    expect(await at40(`${detail} * on (app) group_left (env) ${withEnv}`)).toEqual({
      [JSON.stringify({ app: "a", env: "prod", level: "info" })]: 4,
      [JSON.stringify({ app: "b", env: "dev", level: "error" })]: 4,
    });
    expect(await at40(`${withEnv} * on (app) group_right (env) ${detail}`)).toEqual({
      [JSON.stringify({ app: "a", env: "prod", level: "info" })]: 4,
      [JSON.stringify({ app: "b", env: "dev", level: "error" })]: 4,
    });
  });

  it("reports ambiguous matches as Loki does", async () => {
    const [status, text] = await errorText(range(`${both} / on () ${a}`, T0 + 40, T0 + 50, 10));
    expect([status, text]).toEqual([400, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"]);
    const [status2, text2] = await errorText(range(`${a} / on () ${both}`, T0 + 40, T0 + 50, 10));
    expect([status2, text2]).toEqual([400, "found duplicate series on the right hand-side;many-to-many matching not allowed: matching labels must be unique on one side"]);
  });

  it("computes vector() and label_replace", async () => {
    expect(await at40(`${a} + vector(1)`)).toEqual({});
    expect(await at40(`sum(${a}) + vector(1)`)).toEqual({ "{}": 3 });
    expect(await at40(`label_replace(${a}, "svc", "app-$1", "app", "(.*)")`)).toEqual({ [JSON.stringify({ app: "a", svc: "app-a" })]: 2 });
    expect(await at40(`label_replace(${a}, "app", "", "app", "a")`)).toEqual({ "{}": 2 });
    expect(await at40(`label_replace(${a}, "svc", "$1", "app", "(z)")`)).toEqual({ [APP_A]: 2 });
  });
});

describe("instant queries and literals", () => {
  it("answers a vector at the given time, without entries exactly at that time", async () => {
    expect(await vector('count_over_time({app=~"a|b"}[30s])', T0 + 40)).toEqual([
      [{ app: "a", env: "prod" }, 2],
      [{ app: "b", env: "dev" }, 3],
    ]);
  });

  it("answers literals and vector() as Loki does", async () => {
    const scalar = await instant("1 + 1", T0);
    expect(scalar.status === 200 && scalar.body.data).toMatchObject({ resultType: "scalar", result: [T0, "2"] });
    const vec = await instant("vector(3)", T0);
    expect(vec.status === 200 && vec.body.data).toMatchObject({ resultType: "vector", result: [{ metric: {}, value: [T0, "3"] }] });
    expect(await matrix("2 * 3", T0, T0 + 20, 10)).toEqual({ "{}": [[0, 6], [10, 6], [20, 6]] });
  });

  it("limits the number of series", async () => {
    const answer = await executeRangeQuery(
      { query: 'count_over_time({app=~"a|b"}[30s])', start: String(ns(T0 + 40)), end: String(ns(T0 + 40)), step: "10" },
      source,
      { ...options, limits: { maxQuerySeries: 1 } },
    );
    expect(answer).toEqual({ status: 400, text: "maximum of series (1) reached for a single query" });
  });
});

describe("log queries", () => {
  async function streams(query: string, start: number, end: number, extra: Record<string, string> = {}) {
    const answer = await range(query, start, end, 10, extra);
    if (answer.status !== 200) throw new Error("text" in answer ? answer.text : "");
    expect(answer.body.data.resultType).toBe("streams");
    const result = answer.body.data.result as Array<{ stream: Record<string, string>; values: Array<[string, string]> }>;
    return result.map((s) => ({ stream: s.stream, ts: s.values.map(([t]) => Number(BigInt(t) / 1_000_000n) / 1000 - T0) }));
  }

  it("returns the newest entries first across streams, up to the limit, end exclusive", async () => {
    expect(await streams('{app=~"a|b"}', T0 + 20, T0 + 50, { limit: "4" })).toEqual([
      { stream: { app: "a", env: "prod" }, ts: [40, 30] },
      { stream: { app: "b", env: "dev" }, ts: [45, 35] },
    ]);
  });

  it("returns the oldest first going forward, start inclusive", async () => {
    expect(await streams('{app=~"a|b"}', T0 + 20, T0 + 50, { limit: "3", direction: "forward" })).toEqual([
      { stream: { app: "a", env: "prod" }, ts: [20, 30] },
      { stream: { app: "b", env: "dev" }, ts: [25] },
    ]);
  });

  it("spaces entries by interval across streams", async () => {
    expect(await streams('{app=~"a|b"}', T0, T0 + 60, { direction: "forward", interval: "12" })).toEqual([
      { stream: { app: "a", env: "prod" }, ts: [0, 30] },
      { stream: { app: "b", env: "dev" }, ts: [15, 45] },
    ]);
  });

  it("groups entries by their labels after the pipeline", async () => {
    const result = await streams('{app="a"} | logfmt | drop size, took | line_format "{{.level}}"', T0, T0 + 30);
    expect(result).toEqual([{ stream: { app: "a", env: "prod", level: "info", status: "200" }, ts: [20, 10, 0] }]);
    const lines = await range('{app="a"} | logfmt | line_format "{{.level}} {{.size}}"', T0, T0 + 20, 10, { limit: "1" });
    expect(lines.status === 200 && (lines.body.data.result as Array<{ values: unknown }>)[0]?.values).toEqual([[String(ns(T0 + 10)), "info 10"]]);
  });

  it("looks back 30 s for instant log queries", async () => {
    const answer = await instant('{app="a"}', T0 + 40);
    const result = answer.status === 200 ? (answer.body.data.result as Array<{ values: Array<[string, string]> }>) : [];
    expect(result[0]?.values.map(([t]) => Number(BigInt(t) / 1_000_000_000n) - T0)).toEqual([30, 20, 10]);
  });
});
