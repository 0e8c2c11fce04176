import path from "node:path";
import { describe, expect, it } from "vitest";
import { caseName, goldenAvailable, goldenDir, isQueryCase, loadGoldenCases, runGoldenCase, type GoldenAnswer } from "./golden";
import { MemorySource } from "./memory-source";
import { executeInstantQuery, executeRangeQuery } from "./query-api";

// Real Grafana Loki 2.7's answers to the queries of ../shared/loki-golden, on its data in memory.
const dir = goldenDir(import.meta.dirname);
const available = goldenAvailable(dir);
if (!available && process.env.FLOWLENS_REQUIRE_GOLDEN === "1") throw new Error(`golden answers not found in ${dir}`);

describe.skipIf(!available)("LogQL engine against Loki's golden answers", () => {
  const cases = available ? loadGoldenCases(dir) : [];
  const source = available ? MemorySource.fromPushFile(path.join(dir, "push.json.gz"), "fake") : new MemorySource();
  const ask = async (p: string, params: Record<string, string>): Promise<GoldenAnswer> => {
    const options = { tenant: "fake", now: () => 1795532400000000000n };
    const answer = p.endsWith("/query_range") ? await executeRangeQuery(params, source, options) : await executeInstantQuery(params, source, options);
    return "text" in answer ? answer : { status: answer.status, body: answer.body };
  };

  it("has the recorded cases", () => {
    expect(cases.length).toBe(76);
  });

  it.each(cases.map((c, i) => [caseName(c, i), c] as const).filter(([, c]) => isQueryCase(c)))("%s", async (_name, c) => {
    expect(await runGoldenCase(c, ask)).toEqual([]);
  });

  // /labels, /label/<name>/values and /series are the store's (index) endpoints: its HTTP tests run them.
  it.skip.each(cases.map((c, i) => [caseName(c, i)] as const).filter((_, i) => !isQueryCase(cases[i] as (typeof cases)[number])))("%s (store endpoint)", () => {});
});
