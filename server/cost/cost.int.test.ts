/**
 * The cost review on a generated month, end to end: `flowlens generate --days 30` (small scale),
 * the inventory imported through the importer, the flow log files ingested into the embedded store
 * on real PostgreSQL, hourly rollups through the query gate, and the report. The dollars per team
 * and path it shows are recomputed here independently: straight from the .log.gz files (parsed
 * with server/flows), each record classified by a plain implementation of the billing rules over
 * the generator's ground truth (which interface held which address, in which AZ), and priced from
 * the price table with its own arithmetic. They must agree to the cent.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDemoInventory } from "../demo/inventory";
import { loadEnv } from "../env";
import { flowFormatFromHeader, parseFlowRecord } from "../flows";
import { folderSink } from "../generate/folder-sink";
import { type Manifest, generateDataset, trafficModelFor } from "../generate/generate";
import type { NetworkInterface, Organisation } from "../generate/organisation";
import { memoryCheckpoint } from "../ingest/checkpoint";
import { DEFAULT_INGEST_SETTINGS, ingestFlowLogFiles } from "../ingest/ingest";
import { listLocalFiles } from "../ingest/sources";
import { LokiClient } from "../loki/client";
import { createQueryGate } from "../loki/gate";
import { type EmbeddedStore, openEmbeddedStore } from "../store";
import { DEFAULT_STORE_SETTINGS } from "../store/limits";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { changePrices } from "./price-service";
import { type CostReport, costReport } from "./report";
import { type RollupSummary, rollupRange } from "./rollup";

const END = Date.UTC(2026, 9, 31) / 1000;
const DAYS = 30;
const START = END - DAYS * 86_400;
const OPTIONS = { seed: 7, days: DAYS, end: END, accounts: 3, scale: 0.02, fileMinutes: 60 as const };

let database: TestDatabase;
let store: EmbeddedStore;
let dir: string;
let manifest: Manifest;
let org: Organisation;
let summary: RollupSummary;
let report: CostReport;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {}, settings: { ...DEFAULT_STORE_SETTINGS, retentionMs: 0 } });
  dir = await mkdtemp(path.join(tmpdir(), "flowlens-cost-"));
  manifest = await generateDataset(OPTIONS, folderSink(dir));
  const model = trafficModelFor({ seed: OPTIONS.seed, accounts: OPTIONS.accounts, scale: OPTIONS.scale, anchor: END, days: DAYS });
  org = model.org;
  await importDemoInventory({ db: database.db, model, periodStart: START, from: undefined, to: END, folder: dir });
  const client = new LokiClient({ baseUrl: "http://embedded-store", transport: store.handle });
  const ingest = await ingestFlowLogFiles(await listLocalFiles([dir]), { ...DEFAULT_INGEST_SETTINGS, client, extraLabels: {}, checkpoint: memoryCheckpoint() });
  expect(ingest.records).toBe(manifest.totals.records);
  const gate = createQueryGate(loadEnv({}), store.handle);
  summary = await rollupRange({ db: database.db, gate }, { from: START, to: END, now: END + 86_400, deliveryDelaySeconds: 900 });
  // A small month stays inside AWS's 100 GB free allowance; 1 GB makes internet egress cost something.
  await changePrices({ db: database.db }, { upsert: [{ region: "global", item: "internet_free_gb", tierStartGb: 0, rate: 1, source: "https://aws.amazon.com/ec2/pricing/on-demand/", asOf: "2026-10-01" }], remove: [], note: "test month", actor: "cost.int.test" });
  report = await costReport({ db: database.db }, { period: { from: START * 1000, to: END * 1000 }, filters: {} });
}, 240_000);

afterAll(async () => {
  await store?.close();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ─── The independent computation ───────────────────────────────────────────────────────────

const GB = 1024 ** 3;
type Where =
  | { kind: "eni"; eni: NetworkInterface }
  | { kind: "aws"; region: string; service: string }
  | { kind: "known" }
  | { kind: "internet" }
  | { kind: "private" };

function ipValue(ip: string): number {
  return ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}
function cidrRange(cidr: string): [number, number, number] {
  const [ip, bits] = cidr.split("/") as [string, string];
  const size = 2 ** (32 - Number(bits));
  const base = ipValue(ip) - (ipValue(ip) % size);
  return [base, base + size - 1, Number(bits)];
}
const isPrivate = (v: number) => (v >= ipValue("10.0.0.0") && v <= ipValue("10.255.255.255")) || (v >= ipValue("172.16.0.0") && v <= ipValue("172.31.255.255")) || (v >= ipValue("192.168.0.0") && v <= ipValue("192.168.255.255"));

interface Expected {
  /** team → path → month → region → bytes */
  bytes: Map<string, number>;
}

function independentBytes(): Expected {
  const ranges = (JSON.parse(readFileSync(path.join(dir, "ip-ranges.json"), "utf8")) as { prefixes: { ip_prefix: string; region: string; service: string }[] }).prefixes.map((p) => ({ ...p, range: cidrRange(p.ip_prefix) }));
  const known = readFileSync(path.join(dir, "known-networks.csv"), "utf8").trim().split("\n").slice(1).map((l) => cidrRange(l.split(",")[0] as string));
  const enis = org.interfacesDuring(START, END);
  const byId = new Map(enis.map((e) => [e.id, e]));
  const byIp = new Map<string, NetworkInterface[]>();
  for (const e of enis) for (const ip of [e.privateIp, ...e.secondaryIps]) byIp.set(ip, [...(byIp.get(ip) ?? []), e]);
  const teamOf = (e: NetworkInterface) => e.workload.team ?? e.vpc.account.team;
  const alive = (e: NetworkInterface, t: number) => e.createdAt <= t && (e.deletedAt === undefined || t < e.deletedAt);

  const where = (ip: string, t: number, vpcId: string): Where => {
    const v = ipValue(ip);
    if (isPrivate(v)) {
      const holders = (byIp.get(ip) ?? []).filter((e) => alive(e, t));
      const holder = holders.find((e) => e.vpc.id === vpcId) ?? (holders.length === 1 ? holders[0] : undefined);
      if (holder) return { kind: "eni", eni: holder };
    }
    let best: Where = isPrivate(v) ? { kind: "private" } : { kind: "internet" };
    let bestBits = -1;
    for (const r of ranges) {
      if (v >= r.range[0] && v <= r.range[1] && (r.range[2] > bestBits || (r.range[2] === bestBits && best.kind === "aws" && best.service === "AMAZON"))) {
        best = { kind: "aws", region: r.region, service: r.service };
        bestBits = r.range[2];
      }
    }
    for (const k of known) if (v >= k[0] && v <= k[1] && k[2] >= bestBits) { best = { kind: "known" }; bestBits = k[2]; }
    return best;
  };

  const bytes = new Map<string, number>();
  const add = (team: string, pathName: string, t: number, region: string, n: number) => {
    const d = new Date(t * 1000);
    const key = `${team}|${pathName}|${Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)}|${region}`;
    bytes.set(key, (bytes.get(key) ?? 0) + n);
  };

  for (const file of manifest.files) {
    const lines = gunzipSync(readFileSync(path.join(dir, file.path))).toString("utf8").split("\n").filter((l) => l !== "");
    const format = flowFormatFromHeader(lines[0] as string);
    if (!format) throw new Error(`${file.path} has no header line`);
    for (const line of lines.slice(1)) {
      const r = parseFlowRecord(line, format);
      if (!r || r.logStatus !== "OK" || r.action !== "ACCEPT") continue;
      const e = byId.get(r.interfaceId as string) as NetworkInterface;
      const t = r.start as number;
      const own = (ip: string | null) => ip !== null && (ip === e.privateIp || e.secondaryIps.includes(ip));
      const dir = r.flowDirection ?? (own(r.srcAddr) ? "egress" : own(r.dstAddr) ? "ingress" : null);
      const remote = where((dir === "egress" ? r.dstAddr : r.srcAddr) as string, t, e.vpc.id);
      const n = r.bytes as number;
      const region = e.vpc.region;
      if (e.interfaceType === "nat_gateway" || e.interfaceType === "vpc_endpoint") {
        if (remote.kind !== "eni") continue;
        add(teamOf(remote.eni), e.interfaceType === "nat_gateway" ? "nat_processing" : "interface_endpoint", t, region, n);
        if (remote.eni.subnet.azId !== e.subnet.azId) add(teamOf(remote.eni), "cross_az", t, region, n);
        continue;
      }
      if (remote.kind === "eni") {
        if (dir === "ingress" || ["nat_gateway", "vpc_endpoint"].includes(remote.eni.interfaceType)) continue;
        if (remote.eni.vpc.region !== region) add(teamOf(e), "inter_region", t, region, n);
        else if (remote.eni.subnet.azId !== e.subnet.azId && !e.description.startsWith("ELB app/") && !remote.eni.description.startsWith("ELB app/")) add(teamOf(e), "cross_az", t, region, n);
      } else if (remote.kind === "aws") {
        if (remote.region === "GLOBAL") continue;
        if (dir === "egress" && remote.region !== region) add(teamOf(e), "inter_region", t, region, n);
        else if (dir === "ingress" && remote.region !== region) add(teamOf(e), "inter_region", t, remote.region, n);
        else if (dir === "egress" && remote.service === "EC2") add(teamOf(e), "regional_public", t, region, n);
      } else if ((remote.kind === "known" || remote.kind === "internet") && dir === "egress") {
        add(teamOf(e), "internet_egress", t, region, n);
      }
    }
  }
  return { bytes };
}

async function independentDollars(expected: Expected): Promise<Map<string, number>> {
  const prices = await database.db.costPrice.findMany();
  const rate = (item: string, region: string) => Number(prices.find((p) => p.item === item && p.region === region)?.rate ?? Number.NaN);
  const tiers = (region: string) => prices.filter((p) => p.item === "internet_egress_gb" && p.region === region).map((p) => ({ from: p.tierStartGb, rate: Number(p.rate) })).sort((a, b) => a.from - b.from);
  const freeGb = rate("internet_free_gb", "global");
  const dollars = new Map<string, number>();
  const add = (team: string, p: string, d: number) => dollars.set(`${team}|${p}`, (dollars.get(`${team}|${p}`) ?? 0) + d);
  const perGb: Record<string, [string, number]> = {
    nat_processing: ["nat_gateway_gb", 1],
    interface_endpoint: ["interface_endpoint_gb", 1],
    cross_az: ["cross_az_gb", 2],
    inter_region: ["inter_region_gb", 1],
    regional_public: ["regional_public_gb", 1],
  };
  // internet egress: the month's volume per region, the free allowance shared in proportion, then tiers
  const monthRegion = new Map<string, number>();
  for (const [key, n] of expected.bytes) {
    const [, p, month, region] = key.split("|") as [string, string, string, string];
    if (p === "internet_egress") monthRegion.set(`${month}|${region}`, (monthRegion.get(`${month}|${region}`) ?? 0) + n);
  }
  const perByte = new Map<string, number>();
  for (const [key, volume] of monthRegion) {
    const [month, region] = key.split("|") as [string, string];
    const monthTotal = [...monthRegion].filter(([k]) => k.startsWith(`${month}|`)).reduce((a, [, v]) => a + v, 0);
    const free = (Math.min(monthTotal, freeGb * GB) * volume) / monthTotal / GB;
    const gb = volume / GB;
    const list = tiers(region);
    let cost = 0;
    list.forEach((tier, i) => {
      const upper = list[i + 1]?.from ?? Infinity;
      const lo = Math.max(tier.from, free);
      const hi = Math.min(upper, gb);
      if (hi > lo) cost += (hi - lo) * tier.rate;
    });
    perByte.set(key, cost / volume);
  }
  for (const [key, n] of expected.bytes) {
    const [team, p, month, region] = key.split("|") as [string, string, string, string];
    if (p === "internet_egress") add(team, p, n * (perByte.get(`${month}|${region}`) as number));
    else {
      const [item, times] = perGb[p] as [string, number];
      add(team, p, (n / GB) * times * rate(item, region));
    }
  }
  // fixed charges: every NAT gateway and interface endpoint interface existed the whole month
  const hours = DAYS * 24;
  for (const e of org.interfacesDuring(START, END)) {
    const team = e.workload.team ?? e.vpc.account.team;
    if (e.interfaceType === "nat_gateway") add(team, "nat_gateway_hours", hours * rate("nat_gateway_hour", e.vpc.region));
    if (e.interfaceType === "vpc_endpoint") add(team, "interface_endpoint_hours", hours * rate("interface_endpoint_hour", e.vpc.region));
  }
  return dollars;
}

const cents = (dollars: number) => Math.round(dollars * 100);

describe("the cost review of a generated month", () => {
  it("rolls the month up within Loki's limits", () => {
    expect(summary.flowLogs).toHaveLength(manifest.flowLogs.length);
    expect(summary.skipped).toEqual([]);
    expect(summary.computed).toBe(manifest.flowLogs.length * DAYS * 24);
    expect(report.coverage).toMatchObject({ hours: DAYS * 24, rolledUp: DAYS * 24, provisional: 0, missing: 0 });
  });

  it("shows dollars per team and path equal, to the cent, to an independent computation from the flow files and the price table", async () => {
    const expected = await independentDollars(independentBytes());
    const shown = new Map(report.teamByPath.filter((l) => l.dollars !== 0).map((l) => [`${l.team}|${l.path}`, l.dollars]));
    const keys = [...new Set([...expected.keys(), ...shown.keys()])].filter((k) => cents(expected.get(k) ?? 0) !== 0 || cents(shown.get(k) ?? 0) !== 0).sort();
    const table = keys.map((k) => ({ key: k, shown: cents(shown.get(k) ?? 0), expected: cents(expected.get(k) ?? 0) }));
    expect(table.filter((r) => r.shown !== r.expected)).toEqual([]);
    // The month has something on every kind of path the organisation uses, so the comparison is not vacuous.
    const paths = new Set(table.filter((r) => r.expected > 0).map((r) => r.key.split("|")[1]));
    for (const p of ["internet_egress", "nat_processing", "cross_az", "inter_region", "nat_gateway_hours", "interface_endpoint_hours"]) expect(paths).toContain(p);
    expect(new Set(table.map((r) => r.key.split("|")[0])).size).toBeGreaterThanOrEqual(4);
    expect(cents(report.totals.dollars)).toBe(cents([...expected.values()].reduce((a, b) => a + b, 0)));
  });

  it("names the NAT-routed S3 and ECR traffic among the savings, with the VPCs and services concerned", () => {
    const s3 = report.savings.find((s) => s.kind === "gateway_endpoint" && s.target === "S3");
    expect(s3?.vpcs.map((v) => v.vpcName)).toEqual(expect.arrayContaining(["staging-core", "prod-edge-us"]));
    expect(s3?.vpcs.find((v) => v.vpcName === "prod-edge-us")?.services.map((x) => x.service)).toContain("edge-api");
    expect(s3?.estimatedSavings).toBeGreaterThan(0);
    const ecr = report.savings.find((s) => s.kind === "interface_endpoint");
    expect(ecr?.title).toMatch(/ECR/);
    expect(ecr?.vpcs.map((v) => v.vpcName)).toEqual(expect.arrayContaining(["staging-core", "prod-edge-us", "shared-services"]));
    expect(ecr?.vpcs.find((v) => v.vpcName === "shared-services")?.services.map((x) => x.service)).toContain("ci-runner");
    const crossAz = report.savings.find((s) => s.kind === "nat_same_az");
    expect(crossAz?.vpcs.map((v) => v.vpcName)).toEqual(expect.arrayContaining(["staging-core"]));
  });
});
