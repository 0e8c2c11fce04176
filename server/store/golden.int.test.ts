/**
 * Every answer a real Grafana Loki 2.7 gave to ../shared/loki-golden's 76 API calls, asked of the
 * store over its HTTP API (in process and over node:http), after loading the same data through
 * the push API (push.json.gz as sent: gzip-compressed JSON).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GoldenAnswer, caseName, goldenAvailable, goldenDir, loadGoldenCases, runGoldenCase } from "../logql/golden";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { type StoreUnderTest, storeTargets } from "../testing/store-targets";

const dir = goldenDir(import.meta.dirname);
const available = goldenAvailable(dir);
if (!available && process.env.FLOWLENS_REQUIRE_GOLDEN === "1") throw new Error(`golden answers not found in ${dir}`);
/** The golden data's end (2026-11-24T15:00:00Z): "now" for the defaults of the recorded calls. */
const GOLDEN_NOW = 1_795_532_400_000_000_000n;

describe.skipIf(!available).each(storeTargets)("Loki's golden answers from the store ($name)", (target) => {
  const cases = available ? loadGoldenCases(dir) : [];
  let database: TestDatabase;
  let store: StoreUnderTest;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await target.start(database.url, { now: GOLDEN_NOW });
    const response = await store.send("/loki/api/v1/push", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
      body: fs.readFileSync(path.join(dir, "push.json.gz")),
    });
    expect(response.status, await response.text()).toBe(204);
  });

  afterAll(async () => {
    await store.stop();
    await database.drop();
  });

  const ask = async (p: string, params: Record<string, string>): Promise<GoldenAnswer> => {
    const response = await store.send(`${p}?${new URLSearchParams(params)}`);
    const text = await response.text();
    if (response.status !== 200) return { status: response.status, text: text.replace(/\n$/, "") };
    return { status: 200, body: JSON.parse(text) };
  };

  it("has all 76 recorded cases", () => {
    expect(cases).toHaveLength(76);
  });

  it.each(cases.map((c, i) => [caseName(c, i), c] as const))("%s", async (_name, c) => {
    expect(await runGoldenCase(c, ask)).toEqual([]);
  });
});
