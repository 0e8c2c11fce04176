/**
 * Benchmark: the embedded log store (server/store/) over HTTP, as Promtail and Grafana use it.
 *
 *   npx tsx bench/store.ts [--records 1000000] [--hours 2] [--streams 6] [--batch-bytes 1048576]
 *                          [--concurrency 4] [--encoding protobuf|json] [--runs 3] [--skip-queries]
 *
 * 1. A fresh database `flowlens_bench_store` on DATABASE_URL's server (else the embedded
 *    PostgreSQL), migrated; the store served by node:http on 127.0.0.1 (a free port).
 * 2. Flow records in the default (v2) format over the last full `--hours` hours, spread over
 *    `--streams` streams labelled as lambda-promtail labels them (3 accounts, 2 flow logs
 *    each), shaped like ../shared/loki-golden/push.json (same address plan, ports, REJECT
 *    share). Push bodies are built first (one stream per request, about `--batch-bytes` of
 *    lines each, snappy protobuf like lambda-promtail), then pushed with `--concurrency`
 *    requests in flight: the timed part is the server's work, over HTTP.
 * 3. Compaction of what was written, timed.
 * 4. The query corpus: every successful query of loki-golden's cases.jsonl, moved onto the
 *    benchmark's time range, each run `--runs` times, first with the chunk cache off (every
 *    query reads and decodes its chunks from PostgreSQL), then with it on (after one warm-up).
 *
 * Results (and the machine) are printed; bench/README.md keeps them.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../server/db/database";
import { migrate } from "../server/db/migrate";
import { loadEnv } from "../server/env";
import { type GoldenCase, goldenAvailable, goldenDir, isQueryCase, loadGoldenCases } from "../server/logql/golden";
import { type PushStream, encodePushJson, encodePushProtobuf } from "../server/loki/push";
import { createEmbeddedStore } from "../server/store";
import { DEFAULT_STORE_SETTINGS } from "../server/store/limits";
import { serveFetchHandler } from "../server/store/node-server";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    hours: { type: "string", default: "2" },
    streams: { type: "string", default: "6" },
    "batch-bytes": { type: "string", default: String(1024 * 1024) },
    concurrency: { type: "string", default: "4" },
    encoding: { type: "string", default: "protobuf" },
    runs: { type: "string", default: "3" },
    "skip-queries": { type: "boolean", default: false },
  },
});
const RECORDS = Number(args.records);
const HOURS = Number(args.hours);
const STREAMS = Number(args.streams);
const BATCH_BYTES = Number(args["batch-bytes"]);
const CONCURRENCY = Number(args.concurrency);
const RUNS = Number(args.runs);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** mulberry32: the same data on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join("");

const ACCOUNTS = ["111111111111", "222222222222", "333333333333"];
const VPC_NETS = ["10.10", "10.20", "10.30"];
const SERVICE_PORTS = [443, 443, 443, 443, 8080, 8080, 5432, 5432, 8443, 9090, 6379, 9200, 27017, 22];
const SCANNED_PORTS = [22, 23, 445, 3389, 5900, 8080, 1433, 3306];
const SCANNERS = ["45.155.205", "185.220.101"];
const PUBLIC = ["52.94.236.248", "52.119.160.12", "34.230.112.7", "3.5.224.12", "13.248.169.48", "140.82.121.4", "151.101.1.69"];

interface StreamSpec {
  labels: Record<string, string>;
  account: string;
  net: string;
  enis: string[];
  hosts: string[];
}

function streamSpecs(): StreamSpec[] {
  return Array.from({ length: STREAMS }, (_, i) => {
    const account = ACCOUNTS[i % ACCOUNTS.length] as string;
    const net = VPC_NETS[i % VPC_NETS.length] as string;
    return {
      labels: { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: `fl-${hex(17)}`, __aws_s3_vpc_flow_owner: account },
      account,
      net,
      enis: Array.from({ length: 14 }, () => `eni-${hex(17)}`),
      hosts: Array.from({ length: 24 }, () => `${net}.${int(0, 2)}.${int(10, 70)}`),
    };
  });
}

function flowLine(spec: StreamSpec, start: number): string {
  const eni = pick(spec.enis);
  const end = start + int(5, 59);
  const roll = next();
  let src: string;
  let dst: string;
  let srcPort: number;
  let dstPort: number;
  let packets: number;
  let bytes: number;
  let action = "ACCEPT";
  if (roll < 0.15) {
    src = `${pick(SCANNERS)}.${int(1, 40)}`;
    dst = pick(spec.hosts);
    srcPort = int(10000, 65000);
    dstPort = pick(SCANNED_PORTS);
    packets = int(1, 3);
    bytes = packets * int(40, 60);
    action = "REJECT";
  } else if (roll < 0.35) {
    src = pick(spec.hosts);
    dst = pick(PUBLIC);
    srcPort = int(32768, 60999);
    dstPort = 443;
    packets = int(10, 2000);
    bytes = packets * int(200, 1400);
  } else if (roll < 0.45) {
    src = pick(PUBLIC);
    dst = pick(spec.hosts);
    srcPort = 443;
    dstPort = int(32768, 60999);
    packets = int(10, 2000);
    bytes = packets * int(200, 1400);
  } else {
    src = pick(spec.hosts);
    dst = `${pick(VPC_NETS)}.${int(0, 2)}.${int(10, 70)}`;
    srcPort = int(32768, 60999);
    dstPort = pick(SERVICE_PORTS);
    packets = int(2, 500);
    bytes = packets * int(60, 1200);
  }
  return `2 ${spec.account} ${eni} ${src} ${dst} ${srcPort} ${dstPort} 6 ${packets} ${bytes} ${start} ${end} ${action} OK`;
}

/** Records in time order, per stream; entry timestamp = start (ns) + a per-stream counter, as in push.json. */
function generate(specs: StreamSpec[], startSec: number): PushStream[] {
  const streams: PushStream[] = specs.map((spec) => ({ labels: spec.labels, entries: [] }));
  const span = HOURS * 3600;
  const counters = specs.map(() => 0);
  for (let i = 0; i < RECORDS; i++) {
    const s = i % specs.length;
    const start = startSec + Math.floor((i * span) / RECORDS);
    const line = flowLine(specs[s] as StreamSpec, start);
    (streams[s] as PushStream).entries.push({ timestamp: BigInt(start) * 1_000_000_000n + BigInt((counters[s] = (counters[s] as number) + 1) - 1), line });
  }
  return streams;
}

/** Push requests of about BATCH_BYTES of lines each, one stream per request, interleaved in time. */
function pushBodies(streams: PushStream[]): { body: Uint8Array | string; entries: number }[] {
  const perStream = streams.map((stream) => {
    const batches: PushStream[] = [];
    let current: PushStream = { labels: stream.labels, entries: [] };
    let bytes = 0;
    for (const entry of stream.entries) {
      current.entries.push(entry);
      bytes += entry.line.length;
      if (bytes >= BATCH_BYTES) {
        batches.push(current);
        current = { labels: stream.labels, entries: [] };
        bytes = 0;
      }
    }
    if (current.entries.length > 0) batches.push(current);
    return batches;
  });
  const out: { body: Uint8Array | string; entries: number }[] = [];
  for (let round = 0; perStream.some((b) => b.length > round); round++) {
    for (const batches of perStream) {
      const batch = batches[round];
      if (!batch) continue;
      const body = args.encoding === "json" ? encodePushJson([batch]) : encodePushProtobuf([batch]);
      out.push({ body, entries: batch.entries.length });
    }
  }
  return out;
}

/** The golden corpus' successful queries, moved onto the benchmark's time range. */
function corpus(startNs: bigint, endNs: bigint): GoldenCase[] {
  const dir = goldenDir(import.meta.dirname, "..");
  if (!goldenAvailable(dir)) throw new Error(`the query corpus (loki-golden's cases.jsonl) is not in ${dir}`);
  return loadGoldenCases(dir)
    .filter((c) => c.status === 200 && isQueryCase(c))
    .map((c) => {
      const params = { ...c.params };
      if (params.start) params.start = startNs.toString();
      if (params.end) params.end = endNs.toString();
      if (params.time) params.time = endNs.toString();
      return { ...c, params };
    });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function runCorpus(baseUrl: string, cases: GoldenCase[], runs: number, label: string): Promise<number[]> {
  const perQuery: number[] = [];
  for (const c of cases) {
    const times: number[] = [];
    let summary = "";
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${c.path}?${new URLSearchParams(c.params)}`);
      const body = await response.text();
      times.push((performance.now() - started) / 1000);
      if (!response.ok) throw new Error(`${c.params.query} answered ${response.status}: ${body.slice(0, 300)}`);
      const data = (JSON.parse(body) as { data: { resultType: string; result: unknown[] } }).data;
      summary = `${data.resultType} ×${data.result.length}`;
    }
    const m = median(times);
    perQuery.push(m);
    log(`  ${label} ${m.toFixed(3)} s  ${summary.padEnd(12)} ${(c.params.query ?? "").slice(0, 110)}`);
  }
  return perQuery;
}

async function main() {
  const settings = loadEnv();
  const server = await openDatabase(settings);
  const dbUrl = new URL(server.url);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const name = "flowlens_bench_store";
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  dbUrl.pathname = `/${name}`;
  const connectionString = dbUrl.toString();
  await migrate({ connectionString });
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString });
    await c.connect();
    const v = (await c.query("SHOW server_version")).rows[0].server_version as string;
    await c.end();
    return v;
  })();

  const endSec = Math.floor(Date.now() / 3_600_000) * 3600;
  const startSec = endSec - HOURS * 3600;
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, PostgreSQL ${pgVersion} (${server.kind}); load average ${load()}`);
  log(`generating ${RECORDS} records over ${HOURS} h in ${STREAMS} streams …`);
  let started = performance.now();
  const specs = streamSpecs();
  const streams = generate(specs, startSec);
  const bodies = pushBodies(streams);
  const rawBytes = streams.reduce((sum, s) => sum + s.entries.reduce((b, e) => b + e.line.length, 0), 0);
  const wireBytes = bodies.reduce((sum, b) => sum + (typeof b.body === "string" ? Buffer.byteLength(b.body) : b.body.length), 0);
  log(`  ${bodies.length} push requests (${args.encoding}), ${(rawBytes / 1e6).toFixed(1)} MB of lines, ${(wireBytes / 1e6).toFixed(1)} MB on the wire, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const storeSettings = { ...DEFAULT_STORE_SETTINGS, retentionMs: 0, chunkCacheBytes: 0 };
  const store = createEmbeddedStore({ connectionString, settings: storeSettings, maintenance: false });
  const http = await serveFetchHandler(store.handle, { host: "127.0.0.1", port: 0 });
  try {
    // ingest
    started = performance.now();
    let index = 0;
    const worker = async () => {
      for (;;) {
        const item = bodies[index++];
        if (!item) return;
        const response = await fetch(`${http.url}/loki/api/v1/push`, {
          method: "POST",
          headers: { "Content-Type": args.encoding === "json" ? "application/json" : "application/x-protobuf" },
          body: item.body as BodyInit,
        });
        if (response.status !== 204) throw new Error(`push answered ${response.status}: ${await response.text()}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const ingestSeconds = (performance.now() - started) / 1000;
    log(`ingest: ${RECORDS} records in ${ingestSeconds.toFixed(2)} s = ${Math.round(RECORDS / ingestSeconds)} records/s (${(rawBytes / 1e6 / ingestSeconds).toFixed(1)} MB/s of lines); load average ${load()}`);

    started = performance.now();
    const compaction = await store.store.maintain();
    log(`compaction: ${compaction.chunksMerged} chunks merged into ${compaction.chunksWritten} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    const c = new pg.Client({ connectionString });
    await c.connect();
    const sizes = (
      await c.query(
        `SELECT count(*) AS chunks, sum(entries) AS entries, pg_size_pretty(sum(pg_column_size(data))) AS data,
                pg_size_pretty(pg_total_relation_size('logstore.chunks') + (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'logstore.chunks'::regclass)) AS total
           FROM logstore.chunks`,
      )
    ).rows[0];
    await c.end();
    log(`stored: ${sizes.entries} entries in ${sizes.chunks} chunks, ${sizes.data} of chunk data, ${sizes.total} on disk with indexes`);

    if (!args["skip-queries"]) {
      const cases = corpus(BigInt(startSec) * 1_000_000_000n, BigInt(endSec) * 1_000_000_000n);
      log(`queries: ${cases.length} from loki-golden, ${RUNS} runs each, median per query`);
      log(" chunk cache off:");
      const cold = await runCorpus(http.url, cases, RUNS, "cold");
      const cached = createEmbeddedStore({ connectionString, settings: { ...storeSettings, chunkCacheBytes: 512 * 1024 * 1024 }, maintenance: false });
      const warmHttp = await serveFetchHandler(cached.handle, { host: "127.0.0.1", port: 0 });
      try {
        await runCorpus(warmHttp.url, cases.slice(0, 1), 1, "warm-up");
        log(" chunk cache on:");
        const warm = await runCorpus(warmHttp.url, cases, RUNS, "warm");
        log(`summary: cache off median ${median(cold).toFixed(3)} s, slowest ${Math.max(...cold).toFixed(3)} s; cache on median ${median(warm).toFixed(3)} s, slowest ${Math.max(...warm).toFixed(3)} s; load average ${load()}`);
      } finally {
        await warmHttp.close();
        await cached.close();
      }
    }
  } finally {
    await http.close();
    await store.close();
    await server.stop();
  }
}

await main();
