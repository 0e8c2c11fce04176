/**
 * The demo's set-up end to end on a small scale: generate, ingest into the embedded store on a
 * real PostgreSQL, a second start that only fills the gap, and the live minutes; the store always
 * holds exactly the records of the files written.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { writeFlowFiles } from "../generate/generate";
import { openCheckpoint } from "../ingest/checkpoint";
import { listLocalFiles } from "../ingest/sources";
import { LokiClient } from "../loki/client";
import { createQueryGate } from "../loki/gate";
import { type EmbeddedStore, openEmbeddedStore } from "../store";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { unmatchedInterfaces } from "../inventory/rules-service";
import { seedDemoInvestigations } from "./investigations";
import { type DemoPaths, demoModel, demoPaths, prepareDemoData, readDemoState, startLiveTraffic } from "./setup";

let database: TestDatabase;
let store: EmbeddedStore;
let dataDir: string;
let paths: DemoPaths;
/**
 * A recent weekday at 16:03:20 UTC (the store refuses entries older than its retention or in the
 * future; weekday afternoons have release trains, so interfaces change inside the period).
 */
function recentWeekdayAfternoon(): number {
  for (let back = 2; ; back++) {
    const day = Math.floor(Date.now() / 86_400_000) - back;
    const dow = new Date(day * 86_400_000).getUTCDay();
    if (dow !== 0 && dow !== 6) return day * 86_400 + 16 * 3600 + 200;
  }
}
const T0 = recentWeekdayAfternoon();
const OPTIONS = { seed: 5, days: 0.2, accounts: 2, scale: 0.3 };

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {} });
  dataDir = await mkdtemp(path.join(tmpdir(), "flowlens-demo-"));
  paths = demoPaths(dataDir);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const client = () => new LokiClient({ baseUrl: "http://embedded-store", transport: store.handle });

async function storedEntries(): Promise<number> {
  const gate = createQueryGate(loadEnv({}), store.handle);
  const stats = await gate.indexStats('{__aws_log_type="s3_vpc_flow"}', { start: BigInt(T0 - 2 * 86_400) * 1_000_000_000n, end: BigInt(T0 + 86_400) * 1_000_000_000n });
  return stats.entries;
}

async function recordsOnDisk(): Promise<{ records: number; lines: string[] }> {
  const files = await listLocalFiles([path.join(paths.data, "AWSLogs")]);
  const lines = files.flatMap((f) => gunzipSync(readFileSync(f.id)).toString("utf8").split("\n").slice(1).filter((l) => l !== ""));
  return { records: lines.length, lines };
}

describe("the demo's data", () => {
  it("generates the period on the first start, fills only the gap on the next, and keeps adding the newest minutes", async () => {
    const checkpointFile = path.join(paths.root, "ingest.checkpoint.jsonl");
    const log = () => {};

    // First start: the whole period is generated and loaded.
    let checkpoint = openCheckpoint(checkpointFile);
    const first = await prepareDemoData({ paths, options: OPTIONS, client: client(), checkpoint, db: database.db, now: T0, log });
    checkpoint.close();
    expect(first.manifest).toBeDefined();
    expect(first.inventoryImports).toBeGreaterThan(1);
    const anchor = first.state.anchor;
    expect(anchor).toBe(Math.floor(T0 / 300) * 300);
    expect(first.state.generatedUntil).toBe(Math.floor(T0 / 60) * 60);
    expect(first.ingest.records).toBe(first.generatedRecords);
    expect(first.ingest.filesFailed).toBe(0);
    expect(await storedEntries()).toBe(first.generatedRecords);

    // Second start, 47 minutes later: only the gap is generated; the rest is skipped.
    checkpoint = openCheckpoint(checkpointFile);
    const second = await prepareDemoData({ paths, options: { ...OPTIONS, seed: 999 }, client: client(), checkpoint, db: database.db, now: T0 + 47 * 60, log });
    checkpoint.close();
    expect(second.manifest).toBeUndefined();
    expect(second.state.seed).toBe(OPTIONS.seed); // options of the first run are kept
    expect(second.generatedRecords).toBeGreaterThan(0);
    expect(second.ingest.records).toBe(second.generatedRecords);
    expect(second.ingest.filesSkipped).toBe(first.ingest.filesSent);
    expect(await storedEntries()).toBe(first.generatedRecords + second.generatedRecords);

    // Live: each step generates and pushes the minutes since the previous one.
    checkpoint = openCheckpoint(checkpointFile);
    let clock = T0 + 47 * 60 + 30;
    const live = startLiveTraffic({ paths, client: client(), checkpoint, log, intervalMs: 20, now: () => clock, db: database.db });
    const waitFor = async (until: number) => {
      for (let i = 0; i < 500 && readDemoState(paths)?.generatedUntil !== until; i++) await new Promise((r) => setTimeout(r, 20));
    };
    clock += 60;
    await waitFor(Math.floor(clock / 60) * 60);
    clock += 180;
    await waitFor(Math.floor(clock / 60) * 60);
    await live.stop();
    checkpoint.close();
    const state = readDemoState(paths)!;
    expect(state.generatedUntil).toBe(Math.floor(clock / 60) * 60);
    const disk = await recordsOnDisk();
    expect(await storedEntries()).toBe(disk.records);

    // Everything written after the first period equals one generation of that whole range.
    const whole = new Map<string, Buffer>();
    await writeFlowFiles(demoModel(state), { from: anchor, to: state.generatedUntil }, 300, {
      write: async (p, data) => {
        whole.set(p, Buffer.from(data as Uint8Array));
      },
    });
    const expected = [...whole.values()].flatMap((b) => gunzipSync(b).toString("utf8").split("\n").slice(1).filter((l) => l !== ""));
    const firstPeriod = new Set(first.manifest!.files.map((f) => f.path));
    const files = await listLocalFiles([path.join(paths.data, "AWSLogs")]);
    const later = files
      .filter((f) => !firstPeriod.has(path.relative(paths.data, f.id).split(path.sep).join("/")))
      .flatMap((f) => gunzipSync(readFileSync(f.id)).toString("utf8").split("\n").slice(1).filter((l) => l !== ""));
    expect(later.sort()).toEqual(expected.sort());

    // The inventory knows every interface of the period with its lifetime, and each flow log's format.
    const model = demoModel(state);
    const periodStart = anchor - Math.round(OPTIONS.days * 86_400);
    const expectedInterfaces = model.org.interfacesDuring(periodStart, state.generatedUntil);
    const stored = await database.db.networkInterface.findMany({ select: { id: true, deletedAt: true, firstSeen: true } });
    expect(new Set(stored.map((i) => i.id))).toEqual(new Set(expectedInterfaces.map((i) => i.id)));
    for (const eni of expectedInterfaces) {
      const row = stored.find((i) => i.id === eni.id)!;
      expect(row.firstSeen.getTime() / 1000, eni.id).toBe(Math.max(eni.createdAt, periodStart));
      if (eni.deletedAt !== undefined && eni.deletedAt <= state.generatedUntil) expect(row.deletedAt?.getTime(), eni.id).toBe(eni.deletedAt * 1000);
      else expect(row.deletedAt, eni.id).toBeNull();
    }
    const formats = await database.db.flowLogFormat.findMany();
    expect(formats.map((f) => [f.flowLogId, f.format]).sort()).toEqual(model.org.flowLogs.map((f) => [f.id, f.fields.join(" ")]).sort());
    expect(readDemoState(paths)?.inventoryUntil).toBe(state.generatedUntil);
    // The default mapping rules name every interface of the organisation.
    const unmatched = await unmatchedInterfaces({ db: database.db });
    expect(unmatched.interfaces).toBeGreaterThan(0);
    expect(unmatched.rows.map((r) => JSON.stringify(r))).toEqual([]);

    // Example investigations: one per incident, their panels' snapshots holding the evidence.
    const gate = createQueryGate(loadEnv({}), store.handle);
    const period = { from: periodStart, to: anchor };
    expect(await seedDemoInvestigations({ db: database.db, gate }, model, period)).toBe(3);
    expect(await seedDemoInvestigations({ db: database.db, gate }, model, period)).toBe(0);
    const investigations = await database.db.investigation.findMany({ include: { panels: true } });
    expect(investigations).toHaveLength(3);
    const blocked = investigations.find((i) => i.title.includes("ledger:5432"))!;
    const rejects = blocked.panels.find((p) => p.title.startsWith("Rejected connections"))!;
    expect(JSON.stringify(rejects.snapshot)).toMatch(/"result":\[\{/);
    const records = blocked.panels.find((p) => p.title === "The rejected flow records")!;
    expect(JSON.stringify(records.snapshot)).toContain(" 5432 6 ");
  });
});

describe("a demo stopped for longer than its period", () => {
  it("fills in only the last days, and imports the interfaces as they were then", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "flowlens-demo-long-"));
    const db2 = await createTestDatabase();
    const store2 = await openEmbeddedStore({ connectionString: db2.url, maintenance: false, log: () => {} });
    try {
      const p = demoPaths(dir);
      const c = new LokiClient({ baseUrl: "http://embedded-store", transport: store2.handle });
      const lines: string[] = [];
      const options = { seed: 2, days: 0.1, accounts: 1, scale: 0.2 };
      let checkpoint = openCheckpoint(path.join(p.root, "c.jsonl"));
      // Times in the past: the store refuses entries from the future, as Loki does.
      const later = Math.floor(Date.now() / 1000) - 600;
      const first = await prepareDemoData({ paths: p, options, client: c, checkpoint, db: db2.db, now: later - 3 * 86_400, log: (l) => lines.push(l) });
      checkpoint.close();
      checkpoint = openCheckpoint(path.join(p.root, "c.jsonl"));
      const second = await prepareDemoData({ paths: p, options, client: c, checkpoint, db: db2.db, now: later, log: (l) => lines.push(l) });
      checkpoint.close();
      expect(lines.some((l) => l.includes("stopped for more than 0.1 days"))).toBe(true);
      expect(second.state.generatedUntil).toBe(Math.floor(later / 60) * 60);
      // About one period's worth of records, not three days'.
      expect(second.generatedRecords).toBeLessThan(first.generatedRecords * 2);
      expect(second.ingest.records).toBe(second.generatedRecords);
      expect(second.state.inventoryUntil).toBe(second.state.generatedUntil);
    } finally {
      await store2.close();
      await db2.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
