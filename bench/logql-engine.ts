/**
 * LogQL engine benchmark, in memory: ~1M VPC flow log records (default v2 format) over 2 hours
 * in 6 streams labelled as lambda-promtail labels them (as ../shared/loki-golden's data), then
 * every query of the golden corpus (log and metric, range and instant) through the engine's query
 * API, timed. Results go to bench/README.md ("LogQL engine, in memory").
 *
 *   npx tsx bench/logql-engine.ts [--records 1000000] [--runs 3] [--no-write] [--only <query text>]
 */

import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { goldenAvailable, goldenDir, isQueryCase, loadGoldenCases, type GoldenCase } from "../server/logql/golden";
import { MemorySource } from "../server/logql/memory-source";
import { executeInstantQuery, executeRangeQuery } from "../server/logql/query-api";

const args = process.argv.slice(2);
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const RECORDS = argValue("--records", 1_000_000);
const RUNS = argValue("--runs", 3);
const ONLY = args.includes("--only") ? (args[args.indexOf("--only") + 1] ?? "") : null;
const WRITE = !args.includes("--no-write") && ONLY === null;

const START_S = 1795525200; // the golden corpus' range: 2 hours
const END_S = 1795532400;

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREAMS = [
  { owner: "111111111111", flow: "fl-a79cb9e86830c71c2", net: "10.10" },
  { owner: "111111111111", flow: "fl-c2f45e678309d6b79", net: "10.10" },
  { owner: "222222222222", flow: "fl-59c3ecb54c5cefdd8", net: "10.20" },
  { owner: "222222222222", flow: "fl-64bdbf090d48dd9f3", net: "10.20" },
  { owner: "333333333333", flow: "fl-092a383287ffb20e6", net: "10.30" },
  { owner: "333333333333", flow: "fl-6a98a372e9ffd6a18", net: "10.30" },
];
const PUBLIC = ["52.94.236.248", "52.119.160.10", "3.5.224.12", "140.82.121.4", "34.230.112.7", "13.107.42.14", "151.101.1.69"];
const SCANNERS = ["45.155.205.", "185.220.101.", "193.42.33."];
const PORTS = [443, 443, 443, 5432, 6379, 8080, 22, 53];
const SCAN_PORTS = [22, 23, 3389, 445, 6379, 8080, 1433];

function generate(records: number): MemorySource {
  const source = new MemorySource(8192);
  const perStream = Math.floor(records / STREAMS.length);
  const span = END_S - START_S;
  STREAMS.forEach((s, si) => {
    const random = rng(1000 + si);
    const enis = Array.from({ length: 13 }, () => `eni-${Math.floor(random() * 2 ** 52).toString(16).padStart(17, "0")}`);
    const starts = Array.from({ length: perStream }, () => START_S + Math.floor(random() * span)).sort((a, b) => a - b);
    const entries: Array<readonly [bigint, string]> = new Array(perStream);
    for (let i = 0; i < perStream; i++) {
      const start = starts[i] as number;
      const eni = enis[Math.floor(random() * enis.length)] as string;
      const local = `${s.net}.${Math.floor(random() * 3)}.${1 + Math.floor(random() * 90)}`;
      const r = random();
      let src: string;
      let dst: string;
      let srcport: number;
      let dstport: number;
      let action = "ACCEPT";
      let packets: number;
      let bytes: number;
      if (r < 0.12) {
        src = `${SCANNERS[Math.floor(random() * SCANNERS.length)]}${1 + Math.floor(random() * 60)}`;
        dst = local;
        srcport = 1024 + Math.floor(random() * 60000);
        dstport = SCAN_PORTS[Math.floor(random() * SCAN_PORTS.length)] as number;
        action = "REJECT";
        packets = 1 + Math.floor(random() * 3);
        bytes = packets * (40 + Math.floor(random() * 20));
      } else if (r < 0.45) {
        src = local;
        dst = PUBLIC[Math.floor(random() * PUBLIC.length)] as string;
        srcport = 32768 + Math.floor(random() * 28000);
        dstport = 443;
        packets = 1 + Math.floor(random() * 2000);
        bytes = packets * (200 + Math.floor(random() * 1200));
      } else {
        src = local;
        dst = `10.${10 * (1 + Math.floor(random() * 3))}.${Math.floor(random() * 3)}.${1 + Math.floor(random() * 90)}`;
        srcport = 32768 + Math.floor(random() * 28000);
        dstport = PORTS[Math.floor(random() * PORTS.length)] as number;
        packets = 1 + Math.floor(random() * 300);
        bytes = packets * (60 + Math.floor(random() * 1400));
      }
      const end = start + 1 + Math.floor(random() * 59);
      const line = `2 ${s.owner} ${eni} ${src} ${dst} ${srcport} ${dstport} 6 ${packets} ${bytes} ${start} ${end} ${action} OK`;
      entries[i] = [BigInt(start) * 1_000_000_000n + BigInt(i), line] as const;
    }
    source.add("fake", [{ labels: { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: s.flow, __aws_s3_vpc_flow_owner: s.owner }, entries }]);
  });
  return source;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function kindOf(c: GoldenCase): string {
  const q = c.params.query ?? "";
  const instant = c.path.endsWith("/query");
  const metric = /^[a-z_]+\s*(by|without)?\s*(\([^)]*\))?\s*\(/.test(q) || /^\s*[a-z_]+\(/.test(q);
  return `${instant ? "instant" : "range"} ${metric ? "metric" : "log"}`;
}

async function main(): Promise<void> {
  const here = import.meta.dirname;
  const dir = goldenDir(here, "..");
  if (!goldenAvailable(dir)) throw new Error(`the golden corpus is needed for the query list: ${dir}`);
  const cases = loadGoldenCases(dir).filter((c) => isQueryCase(c) && c.status === 200 && (ONLY === null || (c.params.query ?? "").includes(ONLY)));

  process.stderr.write(`generating ${RECORDS.toLocaleString("en")} records…\n`);
  const t0 = performance.now();
  const source = generate(RECORDS);
  const genSeconds = (performance.now() - t0) / 1000;
  process.stderr.write(`generated in ${genSeconds.toFixed(1)} s; running ${cases.length} queries × ${RUNS}\n`);

  const options = { tenant: "fake", limits: { queryTimeoutMs: 600_000 } };
  const loadBefore = os.loadavg();
  const rows: Array<{ query: string; kind: string; ms: number; rows: number }> = [];
  for (const c of cases) {
    const times: number[] = [];
    let size = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const answer = c.path.endsWith("/query_range") ? await executeRangeQuery(c.params, source, options) : await executeInstantQuery(c.params, source, options);
      times.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`${c.params.query}: ${"text" in answer ? answer.text : ""}`);
      size = (answer.body.data.result as unknown[]).length;
    }
    const ms = median(times);
    rows.push({ query: c.params.query ?? "", kind: kindOf(c), ms, rows: size });
    process.stderr.write(`${ms.toFixed(0).padStart(6)} ms  ${(c.params.query ?? "").slice(0, 110)}\n`);
  }
  const all = rows.map((r) => r.ms);
  const summary = {
    median: median(all),
    slowest: Math.max(...all),
    byKind: Object.fromEntries([...new Set(rows.map((r) => r.kind))].map((k) => [k, median(rows.filter((r) => r.kind === k).map((r) => r.ms))])),
  };
  process.stderr.write(`median ${summary.median.toFixed(0)} ms, slowest ${summary.slowest.toFixed(0)} ms\n`);

  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const nproc = execSync("nproc").toString().trim();
  const slowest = [...rows].sort((a, b) => b.ms - a.ms).slice(0, 5);
  const section = [
    "## LogQL engine, in memory",
    "",
    `Command: \`npx tsx bench/logql-engine.ts\` (records: ${RECORDS.toLocaleString("en")}, runs per query: ${RUNS}, median taken).`,
    `Data: ${RECORDS.toLocaleString("en")} synthetic VPC flow records (default v2 format) over 2 hours in 6 streams labelled as`,
    "lambda-promtail labels them, held in an in-memory EntrySource (server/logql/memory-source.ts). Queries: the",
    `${rows.length} successful query_range/query calls of ../shared/loki-golden/cases.jsonl, unchanged. No PostgreSQL: this measures the engine alone.`,
    "",
    `Machine: ${nproc} cores (nproc), ${cpu}, Node ${process.version}, measured ${new Date().toISOString().slice(0, 10)};`,
    `load average while measuring ${loadBefore.map((l) => l.toFixed(1)).join(" / ")} (before) and ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} (after), 1/5/15 min: the machine is shared.`,
    "",
    "| queries | median | slowest |",
    "|---|---|---|",
    `| all (${rows.length}) | ${summary.median.toFixed(0)} ms | ${summary.slowest.toFixed(0)} ms |`,
    ...Object.entries(summary.byKind).map(([k, v]) => `| ${k} (${rows.filter((r) => r.kind === k).length}) | ${v.toFixed(0)} ms | ${Math.max(...rows.filter((r) => r.kind === k).map((r) => r.ms)).toFixed(0)} ms |`),
    "",
    "Slowest queries:",
    "",
    "| ms | query |",
    "|---|---|",
    ...slowest.map((r) => `| ${r.ms.toFixed(0)} | \`\` ${r.query.replaceAll("|", "\\|")} \`\` |`),
    "",
    "Reference: Grafana Loki 2.7 single binary on this machine and data answers such a corpus with a median of 0.8 s",
    "(slowest 2.5 s), including its storage reads.",
    "",
  ].join("\n");

  if (WRITE) {
    const readme = path.join(here, "README.md");
    let text = existsSync(readme) ? readFileSync(readme, "utf8") : "# Benchmarks\n\n";
    const re = /## LogQL engine, in memory\n[\s\S]*?(?=\n## |$)/;
    text = re.test(text) ? text.replace(re, section.trimEnd() + "\n") : `${text.trimEnd()}\n\n${section}`;
    writeFileSync(readme, text);
    process.stderr.write(`wrote ${readme}\n`);
  } else {
    process.stdout.write(`${section}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
