/**
 * Benchmark: the 30-day cost review from hourly rollups, against the same report computed from
 * raw LogQL over the log backend, in the same run.
 *
 *   npx tsx bench/cost-report.ts [--days 30] [--scale 1] [--accounts 3] [--runs 5] [--data <dir>]
 *
 * 1. `flowlens generate --days 30` (seed 1, three accounts, ending 2026-11-24T00:00Z, hourly files)
 *    into `.data/bench/cost-<days>d-x<scale>-a<accounts>` on the first run.
 * 2. A fresh database `flowlens_bench_cost` on DATABASE_URL's server (else the embedded
 *    PostgreSQL), migrated; the inventory imported as it changed (as `npm run demo` does); the
 *    flow log files ingested into the embedded store (retention off: the data is in the past).
 * 3. The rollups of the whole period (`flowlens rollup`'s code: LogQL metric queries through the
 *    query gate, classified, stored), timed.
 * 4. The report of the period (the `cost.report` tRPC procedure: PostgreSQL rollups, pricing,
 *    breakdowns, previous period, savings, output validation), `--runs` times; the median counts.
 * 5. The equivalent from raw LogQL: the same metric queries over the whole period, live through
 *    the query gate (split and sharded to stay within Loki's limits, as a report without rollups
 *    would have to), classified in memory and priced the same way, once.
 *
 * The report must render in under 2 s from rollups and be at least 50 times faster than step 5.
 * Results (and the machine) are printed as Markdown; bench/README.md keeps them.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createCaller } from "../server/api/root";
import { lineDollars } from "../server/cost/report";
import { PriceBook, internetEgressMonth } from "../server/cost/prices";
import { loadPriceTable } from "../server/cost/price-service";
import { computeRollupRows, rollupRange } from "../server/cost/rollup";
import { createDb } from "../server/db/client";
import { openDatabase } from "../server/db/database";
import { migrate } from "../server/db/migrate";
import { importDemoInventory } from "../server/demo/inventory";
import { loadEnv } from "../server/env";
import { folderSink } from "../server/generate/folder-sink";
import { type Manifest, generateDataset, trafficModelFor } from "../server/generate/generate";
import { memoryCheckpoint } from "../server/ingest/checkpoint";
import { DEFAULT_INGEST_SETTINGS, ingestFlowLogFiles } from "../server/ingest/ingest";
import { listLocalFiles } from "../server/ingest/sources";
import { LokiClient } from "../server/loki/client";
import { createQueryGate } from "../server/loki/gate";
import { createEmbeddedStore } from "../server/store";
import { DEFAULT_STORE_SETTINGS } from "../server/store/limits";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "30" },
    scale: { type: "string", default: "1" },
    accounts: { type: "string", default: "3" },
    runs: { type: "string", default: "5" },
    data: { type: "string" },
  },
});
const DAYS = Number(args.days);
const SCALE = Number(args.scale);
const ACCOUNTS = Number(args.accounts);
const RUNS = Number(args.runs);
const END = Date.UTC(2026, 10, 24) / 1000;
const START = END - DAYS * 86_400;
const ROOT = path.resolve(import.meta.dirname, "..");
const DATA = path.resolve(args.data ?? path.join(ROOT, ".data", "bench", `cost-${DAYS}d-x${SCALE}-a${ACCOUNTS}`));
const DATABASE = "flowlens_bench_cost";
const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function freshDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = await openDatabase(loadEnv());
  const admin = new URL(server.url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${DATABASE}`);
  await client.end();
  const url = new URL(server.url);
  url.pathname = `/${DATABASE}`;
  return { url: url.toString(), stop: () => server.stop() };
}

async function main() {
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  let started = performance.now();
  if (!existsSync(path.join(DATA, "manifest.json"))) {
    log(`generating ${DAYS} days at scale ${SCALE} into ${DATA} …`);
    await generateDataset({ seed: 1, days: DAYS, end: END, accounts: ACCOUNTS, scale: SCALE, fileMinutes: 60 }, folderSink(DATA));
    log(`generated in ${seconds(performance.now() - started)}`);
  }
  const manifest = JSON.parse(readFileSync(path.join(DATA, "manifest.json"), "utf8")) as Manifest;
  const database = await freshDatabase();
  await migrate({ connectionString: database.url, log: () => {} });
  const db = createDb(database.url);
  const store = createEmbeddedStore({ connectionString: database.url, settings: { ...DEFAULT_STORE_SETTINGS, retentionMs: 0 }, maintenance: false, log: () => {} });
  const gate = createQueryGate(loadEnv({}), store.handle);
  try {
    started = performance.now();
    const model = trafficModelFor({ seed: 1, accounts: ACCOUNTS, scale: SCALE, anchor: END, days: DAYS });
    const inventory = await importDemoInventory({ db, model, periodStart: START, from: undefined, to: END, folder: DATA });
    log(`inventory: ${inventory.imports} imports in ${seconds(performance.now() - started)}`);
    started = performance.now();
    const client = new LokiClient({ baseUrl: "http://embedded-store", transport: store.handle });
    const ingest = await ingestFlowLogFiles(await listLocalFiles([path.join(DATA, "AWSLogs")]), { ...DEFAULT_INGEST_SETTINGS, client, extraLabels: {}, checkpoint: memoryCheckpoint() });
    const ingestMs = performance.now() - started;
    log(`ingested ${ingest.records.toLocaleString("en-US")} records in ${seconds(ingestMs)}`);

    started = performance.now();
    let lastLog = 0;
    const rollup = await rollupRange({ db, gate }, {
      from: START,
      to: END,
      now: END + 86_400,
      deliveryDelaySeconds: 900,
      onProgress: (p) => {
        if (performance.now() - lastLog < 10_000) return;
        lastLog = performance.now();
        log(`rollup: ${p.done}/${p.total} flow log hours, ${p.queries} queries, ${p.rows} rows, ${seconds(performance.now() - started)}`);
      },
    });
    log(`rolled up in ${seconds(rollup.durationMs)}: ${rollup.queries} queries, ${rollup.rows} rows, up to ${rollup.maxShards} shards, ${rollup.refinedHours} hours refined`);

    const caller = createCaller({ user: { name: "bench" }, db, gate });
    const input = { from: START * 1000, to: END * 1000, filters: {} };
    const times: number[] = [];
    let report = await caller.cost.report(input);
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      report = await caller.cost.report(input);
      times.push(performance.now() - t);
    }
    const reportMs = median(times);
    log(`report from rollups: median ${reportMs.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(", ")}), $${report.totals.dollars.toFixed(2)}`);

    started = performance.now();
    const live = await computeRollupRows({ db, gate }, { from: START, to: END });
    const book = new PriceBook(await loadPriceTable({ db }));
    // The same pricing as the report (internet egress priced per month on the month's volume).
    const monthOf = (hour: number) => {
      const d = new Date(hour * 1000);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    };
    const volumes = new Map<string, number>();
    for (const r of live.rows) if (r.path === "internet_egress") volumes.set(`${monthOf(r.hour)}/${r.priceRegion}`, (volumes.get(`${monthOf(r.hour)}/${r.priceRegion}`) ?? 0) + r.bytes);
    const rates = new Map<string, number>();
    for (const month of new Set([...volumes.keys()].map((k) => Number(k.split("/")[0])))) {
      const byRegion = new Map([...volumes].filter(([k]) => Number(k.split("/")[0]) === month).map(([k, v]) => [k.split("/")[1] as string, v]));
      for (const m of internetEgressMonth(book, byRegion)) rates.set(`${month}/${m.region}`, m.dollarsPerByte);
    }
    const liveTraffic = live.rows.reduce((a, r) => a + lineDollars(book, rates, { path: r.path, priceRegion: r.priceRegion, month: monthOf(r.hour), bytes: r.bytes }), 0);
    const liveMs = performance.now() - started;
    const reportTraffic = report.totals.dollars - report.totals.fixedDollars;
    log(`raw LogQL: ${seconds(liveMs)} for ${live.queries} queries; traffic dollars $${liveTraffic.toFixed(2)} (rollups: $${reportTraffic.toFixed(2)})`);

    const speedup = liveMs / reportMs;
    console.log(`\n### ${DAYS} days, scale ${SCALE}, ${ACCOUNTS} accounts (${new Date().toISOString().slice(0, 10)})\n`);
    console.log(`Data: \`flowlens generate --days ${DAYS} --scale ${SCALE} --accounts ${ACCOUNTS}\`: ${manifest.totals.records.toLocaleString("en-US")} records (${ingest.records.toLocaleString("en-US")} ingested in ${seconds(ingestMs)}).`);
    console.log(`Machine: ${os.cpus().length} cores (nproc), ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, Node ${process.version}, load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.\n`);
    console.log("| step | time | detail |");
    console.log("|---|---:|---|");
    console.log(`| rollups of the period (once) | ${seconds(rollup.durationMs)} | ${rollup.queries.toLocaleString("en-US")} LogQL queries, ${rollup.rows.toLocaleString("en-US")} rows, up to ${rollup.maxShards} interface shards, ${rollup.refinedHours} hours re-read by the minute |`);
    console.log(`| **report from rollups** (median of ${RUNS}) | **${(reportMs / 1000).toFixed(3)} s** | ${times.map((t) => `${t.toFixed(0)} ms`).join(", ")}; $${report.totals.dollars.toFixed(2)} |`);
    console.log(`| the same from raw LogQL | ${seconds(liveMs)} | ${live.queries.toLocaleString("en-US")} queries through the query gate; traffic $${liveTraffic.toFixed(2)} (rollups: $${reportTraffic.toFixed(2)}) |`);
    console.log(`| **speed-up** | **${speedup.toFixed(0)}×** | target ≥ 50× and < 2 s: ${speedup >= 50 && reportMs < 2000 ? "met" : "NOT met"} |`);
  } finally {
    await db.$disconnect();
    await store.close();
    await database.stop();
  }
}

await main();
