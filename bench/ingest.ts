/**
 * Benchmark: `flowlens ingest` throughput and memory.
 *
 *   npx tsx bench/ingest.ts [--days 7] [--scale 1] [--accounts 3] [--data <dir>]
 *                           [--targets embedded,http,sink] [--concurrency 4] [--batch-bytes 1048576]
 *                           [--format protobuf|json]
 *
 * Data: `flowlens generate` output (seed 1, ending 2026-11-24T12:00Z) in `--data`, generated there
 * first when the folder has no manifest.json (default `.data/bench/ingest-<days>d-x<scale>`).
 * Targets, each run on the whole data set:
 *   embedded  the embedded store in this process (its request handler, no socket), on a fresh
 *             database of DATABASE_URL's server, else the embedded PostgreSQL;
 *   http      the standalone `flowlens store` (a child process) over HTTP on 127.0.0.1: a
 *             Loki-compatible push endpoint doing real work (decode, validate, write PostgreSQL);
 *   sink      a minimal push endpoint in a child process that reads and snappy-decompresses each
 *             body and answers 204: isolates the client side (read, gunzip, batch, encode, send).
 * Memory: resident set size of this process (and of the child) sampled every second.
 * Results (and the machine) are printed as Markdown; bench/README.md keeps them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../server/db/database";
import { freePort } from "../server/db/embedded-postgres";
import { migrate } from "../server/db/migrate";
import { loadEnv } from "../server/env";
import { folderSink } from "../server/generate/folder-sink";
import { generateDataset } from "../server/generate/generate";
import { memoryCheckpoint } from "../server/ingest/checkpoint";
import { DEFAULT_INGEST_SETTINGS, type IngestStats, type PushFormat, ingestFlowLogFiles } from "../server/ingest/ingest";
import { listLocalFiles } from "../server/ingest/sources";
import { LokiClient } from "../server/loki/client";
import { createEmbeddedStore } from "../server/store";
import { DEFAULT_STORE_SETTINGS } from "../server/store/limits";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "7" },
    scale: { type: "string", default: "1" },
    accounts: { type: "string", default: "3" },
    data: { type: "string" },
    targets: { type: "string", default: "embedded,http,sink" },
    concurrency: { type: "string", default: String(DEFAULT_INGEST_SETTINGS.concurrency) },
    "batch-bytes": { type: "string", default: String(DEFAULT_INGEST_SETTINGS.batchBytes) },
    format: { type: "string", default: "protobuf" },
  },
});
const ROOT = path.resolve(import.meta.dirname, "..");
const DAYS = Number(args.days);
const SCALE = Number(args.scale);
const ACCOUNTS = Number(args.accounts);
const DATA = path.resolve(args.data ?? path.join(ROOT, ".data", "bench", `ingest-${DAYS}d-x${SCALE}-a${ACCOUNTS}`));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Sample {
  seconds: number;
  rssMb: number;
  childRssMb?: number;
  records: number;
}

interface Result {
  target: string;
  stats: IngestStats;
  samples: Sample[];
}

function childRssMb(child: ChildProcess | undefined): number | undefined {
  if (!child?.pid) return undefined;
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function run(target: string, client: LokiClient, child?: ChildProcess): Promise<Result> {
  const files = await listLocalFiles([path.join(DATA, "AWSLogs")]);
  const samples: Sample[] = [];
  const started = performance.now();
  let records = 0;
  const timer = setInterval(() => {
    samples.push({ seconds: (performance.now() - started) / 1000, rssMb: process.memoryUsage().rss / 1024 / 1024, childRssMb: childRssMb(child), records });
  }, 1000);
  const stats = await ingestFlowLogFiles(files, {
    ...DEFAULT_INGEST_SETTINGS,
    client,
    format: args.format as PushFormat,
    concurrency: Number(args.concurrency),
    batchBytes: Number(args["batch-bytes"]),
    extraLabels: {},
    checkpoint: memoryCheckpoint(),
    onProgress: (s) => {
      records = s.records;
    },
  });
  clearInterval(timer);
  samples.push({ seconds: stats.elapsedMs / 1000, rssMb: process.memoryUsage().rss / 1024 / 1024, childRssMb: childRssMb(child), records: stats.records });
  if (stats.filesFailed > 0) throw new Error(`${target}: ${stats.filesFailed} files failed: ${stats.failures[0]?.message}`);
  log(`${target}: ${stats.records.toLocaleString("en-US")} records in ${(stats.elapsedMs / 1000).toFixed(1)} s = ${Math.round(stats.recordsPerSecond).toLocaleString("en-US")} records/s`);
  return { target, stats, samples };
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate({ connectionString: url.toString(), log: () => {} });
  return url.toString();
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the child process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

const SINK = `
const http = require("node:http");
const snappy = require(${JSON.stringify(path.join(ROOT, "node_modules", "snappy"))});
const server = http.createServer((req, res) => {
  if (req.method === "GET") { res.writeHead(200).end("ready"); return; }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    if ((req.headers["content-type"] || "").includes("protobuf")) snappy.uncompressSync(body);
    else JSON.parse(body.toString("utf8"));
    res.writeHead(204).end();
  });
});
server.listen(Number(process.argv[1]), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

function summarise(result: Result): string[] {
  const rss = result.samples.map((s) => s.rssMb);
  const child = result.samples.map((s) => s.childRssMb).filter((v): v is number => v !== undefined);
  const afterWarmup = (values: number[]) => values.slice(Math.min(5, Math.floor(values.length / 4)));
  const range = (values: number[]) => (values.length ? `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} MB` : "–");
  const s = result.stats;
  return [
    `| ${result.target} | ${s.records.toLocaleString("en-US")} | ${(s.elapsedMs / 1000).toFixed(1)} s | **${Math.round(s.recordsPerSecond).toLocaleString("en-US")}** | ${s.batches} | ${range(afterWarmup(rss))} | ${range(afterWarmup(child))} |`,
  ];
}

function series(result: Result): string {
  const every = Math.max(1, Math.ceil(result.samples.length / 12));
  const points = result.samples.filter((_, i) => i % every === 0 || i === result.samples.length - 1);
  return `${result.target} RSS (s → MB${points.some((p) => p.childRssMb !== undefined) ? " this process / child" : ""}): ${points
    .map((p) => `${p.seconds.toFixed(0)}s ${p.rssMb.toFixed(0)}${p.childRssMb !== undefined ? `/${p.childRssMb.toFixed(0)}` : ""}`)
    .join(", ")}`;
}

async function main() {
  const settings = loadEnv();
  const loadBefore = os.loadavg()[0] ?? 0;
  if (!existsSync(path.join(DATA, "manifest.json"))) {
    log(`generating ${DAYS} days (scale ${SCALE}, ${ACCOUNTS} accounts) into ${DATA} …`);
    const started = performance.now();
    const manifest = await generateDataset(
      { seed: 1, days: DAYS, end: Date.UTC(2026, 10, 24, 12) / 1000, accounts: ACCOUNTS, scale: SCALE, fileMinutes: 5 },
      folderSink(DATA),
    );
    log(`generated ${manifest.totals.records.toLocaleString("en-US")} records in ${manifest.totals.files} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const manifest = JSON.parse(readFileSync(path.join(DATA, "manifest.json"), "utf8")) as { totals: { records: number; files: number } };
  const targets = args.targets.split(",").map((t) => t.trim());
  const database = await openDatabase(settings);
  const results: Result[] = [];
  try {
    const adminUrl = new URL(database.url);
    adminUrl.pathname = "/postgres";
    if (targets.includes("embedded")) {
      const url = await freshDatabase(adminUrl.toString(), "flowlens_bench_ingest");
      // Retention off: the data set's period is fixed, and may reach further back than 30 days from now.
      const store = createEmbeddedStore({ connectionString: url, maintenance: false, log: () => {}, settings: { ...DEFAULT_STORE_SETTINGS, retentionMs: 0 } });
      try {
        results.push(await run("embedded store (in process)", new LokiClient({ baseUrl: "http://embedded-store", transport: store.handle })));
      } finally {
        await store.close();
      }
    }
    if (targets.includes("http")) {
      const url = await freshDatabase(adminUrl.toString(), "flowlens_bench_ingest_http");
      const port = await freePort();
      const child = spawn(process.execPath, [path.join(ROOT, "bin", "flowlens"), "store", "--listen", `127.0.0.1:${port}`], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, FLOWLENS_STORE_RETENTION: "0" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      try {
        await waitReady(`http://127.0.0.1:${port}`, child);
        results.push(await run("`flowlens store` over HTTP", new LokiClient({ baseUrl: `http://127.0.0.1:${port}` }), child));
      } finally {
        await stop(child);
      }
    }
    if (targets.includes("sink")) {
      const port = await freePort();
      const child = spawn(process.execPath, ["-e", SINK, String(port)], { stdio: ["ignore", "ignore", "inherit"] });
      try {
        await waitReady(`http://127.0.0.1:${port}`, child);
        results.push(await run("minimal sink over HTTP (client side only)", new LokiClient({ baseUrl: `http://127.0.0.1:${port}` }), child));
      } finally {
        await stop(child);
      }
    }
  } finally {
    await database.stop();
  }

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    `Machine: ${os.cpus().length} cores (nproc), ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}; PostgreSQL: ${settings.DATABASE_URL ? "DATABASE_URL's server" : "embedded"}; ` +
      `load average ${loadBefore.toFixed(1)} before, ${(os.loadavg()[0] ?? 0).toFixed(1)} after (other work on the machine slows every figure).`,
    `Data: \`flowlens generate --days ${DAYS} --scale ${SCALE} --accounts ${ACCOUNTS}\`: ${manifest.totals.records.toLocaleString("en-US")} records in ${manifest.totals.files.toLocaleString("en-US")} files; ` +
      `ingest with --format ${args.format}, --concurrency ${args.concurrency}, --batch-size ${args["batch-bytes"]}.`,
    "",
    "| target | records | time | records/s | pushes | RSS of ingest (after warm-up) | RSS of the endpoint process |",
    "|---|---:|---:|---:|---:|---|---|",
    ...results.flatMap(summarise),
    "",
    ...results.map(series),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
