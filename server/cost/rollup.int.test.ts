/**
 * Rollups against the real embedded store and PostgreSQL: a query that would return more than
 * Loki's 500 series is sharded (and the total stays exact), rolling an hour up twice changes
 * nothing, late data in a final hour is detected and recomputed, and provisional hours become final
 * after the delivery delay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { createQueryGate } from "../loki/gate";
import type { QueryGate } from "../loki/gate";
import { type EmbeddedStore, openEmbeddedStore } from "../store";
import { DEFAULT_STORE_SETTINGS } from "../store/limits";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { pushLines } from "../testing/push";
import { rollupRange } from "./rollup";
import { runRollupCycle } from "./scheduler";

const H0 = Date.UTC(2026, 9, 5, 10) / 1000;
const HOUR = 3600;
const ACCOUNT = "123456789012";

let database: TestDatabase;
let store: EmbeddedStore;
let gate: QueryGate;
let pushed = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {}, settings: { ...DEFAULT_STORE_SETTINGS, retentionMs: 0 } });
  gate = createQueryGate(loadEnv({}), store.handle);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/** Pushes default-format records of flow log `flowLogId`, as lambda-promtail would. */
async function push(flowLogId: string, records: { eni: string; src: string; dst: string; bytes: number; start: number }[], wholeSeconds = false): Promise<void> {
  const values = records.map((r): [string, string] => {
    pushed++;
    // lambda-promtail stamps entries with the record's start, on the whole second.
    return [`${BigInt(r.start) * 1_000_000_000n + (wholeSeconds ? 0n : BigInt(pushed))}`, `2 ${ACCOUNT} ${r.eni} ${r.src} ${r.dst} 40000 443 6 3 ${r.bytes} ${r.start} ${r.start + 50} ACCEPT OK`];
  });
  await pushLines(store.handle, { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: flowLogId, __aws_s3_vpc_flow_owner: ACCOUNT }, values);
}

const eni = (n: number) => `eni-${n.toString(16).padStart(17, "0")}`;

async function storedRows(flowLogId: string) {
  const rows = await database.db.costRollup.findMany({ where: { flowLogId }, orderBy: [{ hour: "asc" }, { service: "asc" }, { path: "asc" }] });
  return rows.map(({ id: _id, ...rest }) => ({ ...rest, bytes: Number(rest.bytes), packets: Number(rest.packets), flows: Number(rest.flows) }));
}

describe("hourly rollups", () => {
  it("shard a query that would return more than Loki's 500 series, and keep the total exact", async () => {
    const records = Array.from({ length: 700 }, (_, i) => ({ eni: eni(i + 1), src: `10.1.${i >> 8}.${i & 255}`, dst: "10.2.0.1", bytes: 1000 + i, start: H0 + (i % 3000) }));
    await push("fl-0000000000000001", records);
    // Loki refuses the unsharded query.
    await expect(
      gate.queryRange({
        query: `sum by (interface_id) (count_over_time({__aws_s3_vpc_flow="fl-0000000000000001"} | pattern \`<_> <_> <interface_id> <_>\` [1h]))`,
        start: BigInt(H0 + HOUR) * 1_000_000_000n - 1n,
        end: BigInt(H0 + HOUR) * 1_000_000_000n - 1n,
        stepMs: HOUR * 1000,
      }),
    ).rejects.toThrow(/maximum of series \(500\)/);
    const summary = await rollupRange({ db: database.db, gate }, { from: H0, to: H0 + HOUR, now: H0 + 10 * HOUR, deliveryDelaySeconds: 900 });
    expect(summary.maxShards).toBeGreaterThanOrEqual(2);
    const rows = await storedRows("fl-0000000000000001");
    expect(rows).toHaveLength(700);
    expect(rows.reduce((a, r) => a + r.bytes, 0)).toBe(records.reduce((a, r) => a + r.bytes, 0));
    expect(rows.reduce((a, r) => a + r.flows, 0)).toBe(700);
    const state = await database.db.costRollupHour.findUnique({ where: { hour_flowLogId: { hour: new Date(H0 * 1000), flowLogId: "fl-0000000000000001" } } });
    expect(state).toMatchObject({ entries: 700n, final: true });
    expect(state?.shards).toBeGreaterThanOrEqual(2);
  });

  it("split one interface's hour by address keys when it alone has more than Loki's 500 series", async () => {
    const H = H0 + 6 * HOUR;
    // One busy interface: 700 distinct peers in one hour (a public load balancer, a NAT gateway).
    const records = Array.from({ length: 700 }, (_, i) => ({ eni: eni(0xabc), src: `10.7.${i >> 8}.${i & 255}`, dst: "10.2.0.9", bytes: 2000 + i, start: H + i }));
    await push("fl-00000000000000b1", records);
    const summary = await rollupRange({ db: database.db, gate }, { from: H, to: H + HOUR, now: H + 10 * HOUR, deliveryDelaySeconds: 900 });
    expect(summary.failed).toEqual([]);
    expect(summary.maxShards).toBe(100);
    const rows = await storedRows("fl-00000000000000b1");
    expect(rows.reduce((a, r) => a + r.bytes, 0)).toBe(records.reduce((a, r) => a + r.bytes, 0));
    expect(rows.reduce((a, r) => a + r.flows, 0)).toBe(700);
  });

  it("are idempotent: rolling the same hours up again gives the same rows", async () => {
    await push("fl-0000000000000002", [
      { eni: eni(1), src: "10.1.0.1", dst: "10.2.0.1", bytes: 500, start: H0 + 10 },
      { eni: eni(2), src: "10.1.0.2", dst: "10.2.0.1", bytes: 700, start: H0 + HOUR + 10 },
    ]);
    const options = { from: H0, to: H0 + 2 * HOUR, now: H0 + 10 * HOUR, deliveryDelaySeconds: 900 };
    await rollupRange({ db: database.db, gate }, options);
    const first = await storedRows("fl-0000000000000002");
    const again = await rollupRange({ db: database.db, gate }, options);
    expect(again.computed).toBe(0);
    expect(again.unchanged).toBeGreaterThanOrEqual(2);
    const forced = await rollupRange({ db: database.db, gate }, { ...options, force: true });
    expect(forced.computed).toBeGreaterThanOrEqual(2);
    expect(await storedRows("fl-0000000000000002")).toEqual(first);
    expect(first.map((r) => r.bytes)).toEqual([500, 700]);
  });

  it("recompute a final hour when late data arrives, and leave the others alone", async () => {
    const flowLog = "fl-0000000000000003";
    await push(flowLog, [
      { eni: eni(1), src: "10.1.0.1", dst: "10.2.0.1", bytes: 100, start: H0 + 100 },
      { eni: eni(1), src: "10.1.0.1", dst: "10.2.0.1", bytes: 200, start: H0 + HOUR + 100 },
    ]);
    const options = { from: H0, to: H0 + 2 * HOUR, now: H0 + 10 * HOUR, deliveryDelaySeconds: 900 };
    await rollupRange({ db: database.db, gate }, options);
    expect((await storedRows(flowLog)).map((r) => r.bytes)).toEqual([100, 200]);
    // A file delivered late: more records for the first hour.
    await push(flowLog, [{ eni: eni(1), src: "10.1.0.1", dst: "10.2.0.1", bytes: 50, start: H0 + 1200 }]);
    const late = await rollupRange({ db: database.db, gate }, { ...options, now: options.now + HOUR });
    expect(late.lateData).toBe(1);
    expect(late.computed).toBe(1);
    expect((await storedRows(flowLog)).map((r) => r.bytes)).toEqual([150, 200]);
  });

  it("keep an hour provisional until the delivery delay has passed, recomputing it each time", async () => {
    const flowLog = "fl-0000000000000004";
    const hour = H0 + 5 * HOUR;
    await push(flowLog, [{ eni: eni(9), src: "10.1.0.9", dst: "10.2.0.1", bytes: 10, start: hour + 5 }]);
    const early = await rollupRange({ db: database.db, gate }, { from: hour, to: hour + HOUR, now: hour + HOUR + 300, deliveryDelaySeconds: 900 });
    expect(early.computed).toBeGreaterThanOrEqual(1);
    const state = () => database.db.costRollupHour.findUnique({ where: { hour_flowLogId: { hour: new Date(hour * 1000), flowLogId: flowLog } } });
    expect((await state())?.final).toBe(false);
    expect((await database.db.costRollupCoverage.findUnique({ where: { hour: new Date(hour * 1000) } }))?.final).toBe(false);
    const again = await rollupRange({ db: database.db, gate }, { from: hour, to: hour + HOUR, now: hour + HOUR + 600, deliveryDelaySeconds: 900 });
    expect(again.unchanged).toBe(0);
    const final = await rollupRange({ db: database.db, gate }, { from: hour, to: hour + HOUR, now: hour + HOUR + 900, deliveryDelaySeconds: 900 });
    expect(final.computed).toBeGreaterThanOrEqual(1);
    expect((await state())?.final).toBe(true);
  });

  it("run on a schedule: a cycle backfills the hours never rolled up, and one process at a time runs it", async () => {
    const flowLog = "fl-0000000000000005";
    await push(flowLog, [{ eni: eni(5), src: "10.1.0.5", dst: "10.2.0.1", bytes: 42, start: H0 + 20 * HOUR + 30 }]);
    const schedule = { intervalMs: 60_000, deliveryDelaySeconds: 900, backfillSeconds: 2 * 86_400, lateWindowSeconds: 3 * HOUR };
    const now = H0 + 24 * HOUR + 120;
    const deps = { db: database.db, gate, connectionString: database.url };
    const [a, b] = await Promise.all([runRollupCycle(deps, schedule, now), runRollupCycle(deps, schedule, now)]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    const ran = a.ran ? a : b;
    expect(ran.backfilled.length).toBeGreaterThanOrEqual(2);
    expect(ran.recent?.hours).toBe(4);
    expect((await storedRows(flowLog)).map((r) => r.bytes)).toEqual([42]);
    const covered = await database.db.costRollupCoverage.count({ where: { hour: { gte: new Date((now - 2 * 86_400 - HOUR) * 1000), lt: new Date((now + HOUR) * 1000) } } });
    expect(covered).toBeGreaterThanOrEqual(48);
    // The next cycle finds nothing to backfill and recomputes only the recent hours …
    const next = await runRollupCycle(deps, schedule, now + 300);
    expect(next.backfilled).toEqual([]);
    expect(next.rechecked.reduce((a, s) => a + s.lateData, 0)).toBe(0);
    // … but lines that arrive, soon after the backfill, for an hour older than the late window
    // (a backfill that ran while the files were still being loaded) are picked up.
    await push(flowLog, [{ eni: eni(5), src: "10.1.0.5", dst: "10.2.0.1", bytes: 8, start: H0 + 20 * HOUR + 900 }]);
    const after = await runRollupCycle(deps, schedule, now + 600);
    expect(after.rechecked.reduce((a, s) => a + s.lateData, 0)).toBe(1);
    expect((await storedRows(flowLog)).map((r) => r.bytes)).toEqual([50]);
  });

  it("count a record stamped exactly on the hour in its own hour, and lose none at the edges of Loki's sub-queries", async () => {
    const flowLog = "fl-0000000000000006";
    const base = H0 + 40 * HOUR;
    const starts = [base - 1, base, base + 1, base + 1800, base + HOUR - 1, base + HOUR, base + 2 * HOUR, base + 3 * HOUR - 1];
    await push(flowLog, starts.map((start, i) => ({ eni: eni(60 + i), src: "10.1.0.6", dst: "10.2.0.1", bytes: 10 ** i, start })), true);
    await rollupRange({ db: database.db, gate }, { from: base - HOUR, to: base + 3 * HOUR, now: base + 10 * HOUR, deliveryDelaySeconds: 900 });
    const byHour = new Map<number, number>();
    for (const r of await storedRows(flowLog)) byHour.set(r.hour.getTime() / 1000, (byHour.get(r.hour.getTime() / 1000) ?? 0) + r.bytes);
    expect(Object.fromEntries([...byHour].map(([h, b]) => [(h - base) / HOUR, b]))).toEqual({ "-1": 1, 0: 10 + 100 + 1000 + 10_000, 1: 100_000, 2: 1_000_000 + 10_000_000 });
  });
});
