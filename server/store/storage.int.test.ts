/**
 * The store's storage layer against a real PostgreSQL: writes, snapshots, duplicates, out-of-
 * order entries, compaction and retention. The HTTP API on top is tested in http.int.test.ts.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileAnchoredRe2 } from "../logql/re2";
import type { LabelMatcher, StreamQuery } from "../logql/source";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { LOKI_DEFAULT_LIMITS } from "./limits";
import { DAY_NS, dayOf, partitionName } from "./partitions";
import { LogStore } from "./store";
import { CHUNK_TARGET_ENTRIES } from "./writer";

const T0 = 1_795_525_200_000_000_000n; // 2026-11-24T13:00:00Z
const SECOND = 1_000_000_000n;
let database: TestDatabase;
let admin: pg.Client;

function makeStore(options: { retentionMs?: number; now?: bigint; cache?: number } = {}): LogStore {
  return new LogStore({
    connectionString: database.url,
    settings: { limits: LOKI_DEFAULT_LIMITS, retentionMs: options.retentionMs ?? 0, chunkCacheBytes: options.cache ?? 0 },
    compileRegex: compileAnchoredRe2,
    now: () => options.now ?? T0 + 7200n * SECOND,
  });
}

async function push(store: LogStore, labels: Record<string, string>, entries: [bigint, string][], tenant = "fake") {
  const plan = store.plan([{ labels, entries: entries.map(([timestamp, line]) => ({ timestamp, line })) }]);
  return store.write(tenant, plan);
}

async function read(
  store: LogStore,
  matchers: LabelMatcher[],
  options: Partial<Pick<StreamQuery, "from" | "to" | "direction" | "lineFilters" | "tenant">> = {},
): Promise<{ labels: Record<string, string>; entries: [bigint, string][] }[]> {
  const session = store.openSession();
  try {
    const streams = await session.streams({
      tenant: options.tenant ?? "fake",
      matchers,
      from: options.from ?? T0 - 86_400n * SECOND,
      to: options.to ?? T0 + 86_400n * SECOND,
      direction: options.direction ?? "forward",
      lineFilters: options.lineFilters ?? [],
    });
    const out = [];
    for (const stream of streams) {
      const entries: [bigint, string][] = [];
      for await (const batch of stream.batches()) {
        batch.lines.forEach((line, i) => entries.push([batch.timestamps[i] as bigint, line]));
      }
      out.push({ labels: { ...stream.labels }, entries });
    }
    return out.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  } finally {
    await session.close();
  }
}

const app = (value: string): LabelMatcher[] => [{ name: "app", op: "=", value }];

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
  await database.drop();
});

describe("writing and reading", () => {
  it("sorts out-of-order entries, drops entries equal to stored ones, and keeps push order for equal timestamps", async () => {
    const store = makeStore();
    try {
      await push(store, { app: "order" }, [
        [T0 + 3n, "c"],
        [T0 + 1n, "a"],
        [T0 + 2n, "b"],
        [T0 + 2n, "b"],
      ]);
      const second = await push(store, { app: "order" }, [
        [T0 + 2n, "b"], // stored already: dropped
        [T0 + 2n, "b2"], // same time, other line: kept, after "b"
        [T0 + 0n, "first"],
        [T0 + 9n, "z"],
      ]);
      expect(second).toMatchObject({ stored: 3, duplicates: 1 });
      const [stream] = await read(store, app("order"));
      expect(stream?.entries).toEqual([
        [T0, "first"],
        [T0 + 1n, "a"],
        [T0 + 2n, "b"],
        [T0 + 2n, "b2"],
        [T0 + 3n, "c"],
        [T0 + 9n, "z"],
      ]);
      const [backward] = await read(store, app("order"), { direction: "backward" });
      expect(backward?.entries).toEqual([...(stream?.entries ?? [])].reverse());
      // [from, to): the end is exclusive
      const [window] = await read(store, app("order"), { from: T0 + 1n, to: T0 + 3n });
      expect(window?.entries.map(([, line]) => line)).toEqual(["a", "b", "b2"]);
    } finally {
      await store.close();
    }
  });

  it("separates tenants and selects streams by every matcher, a missing label matching as empty", async () => {
    const store = makeStore();
    try {
      await push(store, { app: "sel", env: "prod" }, [[T0, "prod line"]]);
      await push(store, { app: "sel", env: "dev" }, [[T0, "dev line"]]);
      await push(store, { app: "sel" }, [[T0, "no env"]]);
      await push(store, { app: "sel", env: "prod" }, [[T0, "other tenant"]], "team-b");
      const lines = async (matchers: LabelMatcher[], tenant = "fake") =>
        (await read(store, matchers, { tenant })).flatMap((s) => s.entries.map(([, line]) => line)).sort();
      expect(await lines([...app("sel"), { name: "env", op: "=", value: "prod" }])).toEqual(["prod line"]);
      expect(await lines([...app("sel"), { name: "env", op: "!=", value: "prod" }])).toEqual(["dev line", "no env"]);
      expect(await lines([...app("sel"), { name: "env", op: "=~", value: "pr.*|dev" }])).toEqual(["dev line", "prod line"]);
      expect(await lines([...app("sel"), { name: "env", op: "=", value: "" }])).toEqual(["no env"]);
      expect(await lines([...app("sel"), { name: "env", op: "!~", value: "" }])).toEqual(["dev line", "prod line"]);
      expect(await lines(app("sel"), "team-b")).toEqual(["other tenant"]);
      expect(await lines([...app("sel"), { name: "app", op: "=", value: "x" }])).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("keeps entries of one day per chunk and reads across days and many chunks in order", async () => {
    const midnight = (T0 / DAY_NS + 1n) * DAY_NS;
    const store = makeStore({ now: midnight + DAY_NS });
    try {
      const entries: [bigint, string][] = [];
      const n = CHUNK_TARGET_ENTRIES * 2 + 100;
      for (let i = 0; i < n; i++) entries.push([midnight - 5000n + BigInt(i), `line ${i}`]);
      const result = await push(store, { app: "days" }, entries);
      expect(result.chunks).toBeGreaterThanOrEqual(3);
      const { rows } = await admin.query(
        `SELECT tableoid::regclass::text AS part, min(min_ts) AS lo, max(max_ts) AS hi FROM logstore.chunks GROUP BY 1 ORDER BY 1`,
      );
      expect(rows.map((r) => r.part)).toEqual(expect.arrayContaining([`logstore.${partitionName(dayOf(T0))}`, `logstore.${partitionName(dayOf(midnight))}`]));
      const [forward] = await read(store, app("days"), { from: midnight - 6000n, to: midnight + 100_000n });
      expect(forward?.entries).toEqual(entries);
      const [backward] = await read(store, app("days"), { from: midnight - 6000n, to: midnight + 100_000n, direction: "backward" });
      expect(backward?.entries).toEqual([...entries].reverse());
    } finally {
      await store.close();
    }
  });

  it("skips entries that fail |= and != hints, and never entries that pass them", async () => {
    const store = makeStore();
    try {
      await push(store, { app: "hints" }, [
        [T0 + 1n, "2 111 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 40 1 2 REJECT OK"],
        [T0 + 2n, "2 111 eni-1 10.0.0.1 10.0.0.2 1 443 6 1 40 1 2 ACCEPT OK"],
        [T0 + 3n, "2 111 eni-1 10.0.0.3 10.0.0.2 1 22 6 1 40 1 2 REJECT OK"],
      ]);
      const lines = async (lineFilters: StreamQuery["lineFilters"]) =>
        (await read(store, app("hints"), { lineFilters })).flatMap((s) => s.entries.map(([ts]) => ts - T0));
      expect(await lines([{ op: "|=", value: "REJECT" }])).toEqual([1n, 3n]);
      expect(await lines([{ op: "!=", value: "REJECT" }])).toEqual([2n]);
      expect(await lines([{ op: "|=", value: "REJECT" }, { op: "|=", value: "10.0.0.3" }])).toEqual([3n]);
      expect(await lines([{ op: "|=", value: "nowhere" }])).toEqual([]);
      expect(await lines([{ op: "|=", value: "" }])).toEqual([1n, 2n, 3n]);
    } finally {
      await store.close();
    }
  });

  it("stores a push once when the same push arrives twice at the same time", async () => {
    const store = makeStore();
    try {
      const entries: [bigint, string][] = Array.from({ length: 500 }, (_, i) => [T0 + BigInt(i), `retry ${i}`]);
      const results = await Promise.all([push(store, { app: "retry" }, entries), push(store, { app: "retry" }, entries)]);
      expect(results.map((r) => r.stored).sort()).toEqual([0, 500]);
      const [stream] = await read(store, app("retry"));
      expect(stream?.entries).toEqual(entries);
    } finally {
      await store.close();
    }
  });

  it("gives a query one snapshot: a push during the read is not seen half", async () => {
    const store = makeStore({ cache: 0 });
    try {
      await push(store, { app: "snap" }, [[T0, "before"]]);
      const session = store.openSession();
      try {
        const streams = await session.streams({ tenant: "fake", matchers: app("snap"), from: T0, to: T0 + SECOND, direction: "forward", lineFilters: [] });
        await push(store, { app: "snap" }, [[T0 + 1n, "during"]]);
        const seen: string[] = [];
        for await (const batch of (streams[0] as (typeof streams)[number]).batches()) seen.push(...batch.lines);
        expect(seen).toEqual(["before"]);
      } finally {
        await session.close();
      }
    } finally {
      await store.close();
    }
  });
});

describe("compaction", () => {
  it("merges many small chunks of a stream into few, with the same entries in the same order", async () => {
    const store = makeStore();
    try {
      const all: [bigint, string][] = [];
      for (let p = 0; p < 40; p++) {
        const entries: [bigint, string][] = Array.from({ length: 25 }, (_, i) => [T0 + BigInt(p * 25 + i) * SECOND, `push ${p} entry ${i}`]);
        all.push(...entries);
        await push(store, { app: "small" }, entries);
      }
      // an out-of-order push that overlaps the others, with a timestamp shared with a stored entry
      await push(store, { app: "small" }, [[T0 + 10n * SECOND, "late, same second as push 0 entry 10"]]);
      const expected = await read(store, app("small"));
      const count = async () =>
        Number((await admin.query(`SELECT count(*) FROM logstore.chunks c JOIN logstore.streams s ON s.id = c.stream_id WHERE s.labels->>'app' = 'small'`)).rows[0].count);
      expect(await count()).toBe(41);
      const result = await store.maintain();
      expect(result.chunksMerged).toBeGreaterThanOrEqual(41);
      expect(await count()).toBe(1);
      expect(await read(store, app("small"))).toEqual(expected);
      expect((expected[0]?.entries ?? []).findIndex(([, line]) => line.startsWith("late"))).toBe(11);
      // a later small push joins the merged chunk; then there is nothing left to do
      await push(store, { app: "small" }, [[T0 + 5000n * SECOND, "one more"]]);
      expect((await store.maintain()).chunksMerged).toBe(2);
      expect(await count()).toBe(1);
      expect((await store.maintain()).chunksMerged).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe("retention", () => {
  it("drops whole day partitions older than the retention and refuses entries older than it", async () => {
    const old = T0 - 40n * DAY_NS;
    const writer = makeStore({ retentionMs: 0 });
    try {
      await push(writer, { app: "retention" }, [[old, "forty days ago"]]);
      await push(writer, { app: "retention-recent" }, [[T0, "today"]]);
    } finally {
      await writer.close();
    }
    const oldPartition = `logstore.${partitionName(dayOf(old))}`;
    const partitions = async () =>
      (await admin.query(`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'logstore.chunks'::regclass`)).rows.map((r) => r.name);
    expect(await partitions()).toContain(oldPartition);

    const store = makeStore({ retentionMs: 30 * 86_400_000, now: T0 });
    try {
      const result = await store.maintain();
      expect(result.partitionsDropped).toBeGreaterThanOrEqual(1);
      expect(await partitions()).not.toContain(oldPartition);
      expect(await partitions()).toContain(`logstore.${partitionName(dayOf(T0) + 2)}`);
      expect(await read(store, app("retention"), { from: old - SECOND, to: T0 + SECOND })).toEqual([]);
      expect((await read(store, app("retention-recent"))).length).toBe(1);
      expect(() => store.plan([{ labels: { app: "retention" }, entries: [{ timestamp: old, line: "too old" }] }])).toThrow(/timestamp too old/);
    } finally {
      await store.close();
    }
  });
});
