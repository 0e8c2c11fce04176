/**
 * Rollups with an ip-ranges.json shaped like AWS's own: about a thousand /24s are divided finer
 * (a /26 of S3, a /28 of Route 53 inside an EC2 /24). Listing them all in the rollup's regexp
 * would make every query longer than the 5,120 bytes Loki accepts; the rollup instead reads
 * address by address only the /24s its traffic reaches, and still names every address right.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { parseFlowFormat } from "../flows";
import { importInventory } from "../inventory/import/apply";
import { type QueryGate, createQueryGate } from "../loki/gate";
import { type EmbeddedStore, openEmbeddedStore } from "../store";
import { DEFAULT_STORE_SETTINGS } from "../store/limits";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { pushLines } from "../testing/push";
import { rollupInventory, rollupRange } from "./rollup";
import { buildRollupQuery, rollupQueryPlan } from "./rollup-query";

const H0 = Date.UTC(2026, 9, 6, 10) / 1000;
const HOUR = 3600;
const ACCOUNT = "123456789012";
const FLOW_LOG = "fl-00000000000000aa";
const ENI = "eni-0a1b2c3d4e5f60718"; // payments-api, 10.20.1.17, eu-west-3 (testdata)
const OCTETS = [3, 13, 15, 18, 34, 35, 43, 52, 54, 99];

/** 1,000 /24s scattered over ten first octets, as AWS's are (a seeded sequence). */
const BLOCKS: string[] = (() => {
  const blocks = new Set<string>();
  let seed = 42;
  while (blocks.size < 1000) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    blocks.add(`${OCTETS[seed % OCTETS.length]}.${(seed >>> 8) % 256}.${(seed >>> 16) % 256}`);
  }
  return [...blocks];
})();

/** Each block an EC2 /24 in eu-west-3, with an S3 eu-west-1 /26 and a Route 53 us-east-1 /28 inside. */
function ipRangesDocument(): string {
  const prefixes: { ip_prefix: string; region: string; service: string; network_border_group: string }[] = [];
  for (const block of BLOCKS) {
    prefixes.push({ ip_prefix: `${block}.0/24`, region: "eu-west-3", service: "EC2", network_border_group: "eu-west-3" });
    prefixes.push({ ip_prefix: `${block}.64/26`, region: "eu-west-1", service: "S3", network_border_group: "eu-west-1" });
    prefixes.push({ ip_prefix: `${block}.0/28`, region: "us-east-1", service: "ROUTE53_HEALTHCHECKS", network_border_group: "us-east-1" });
  }
  return JSON.stringify({ syncToken: "1", createDate: "2026-10-01-00-00-00", prefixes, ipv6_prefixes: [] });
}

let database: TestDatabase;
let store: EmbeddedStore;
let gate: QueryGate;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {}, settings: { ...DEFAULT_STORE_SETTINGS, retentionMs: 0 } });
  gate = createQueryGate(loadEnv({}), store.handle);
  const testdata = path.join(import.meta.dirname, "..", "inventory", "import", "testdata");
  const file = (name: string) => ({ name, text: fs.readFileSync(path.join(testdata, name), "utf8") });
  const result = await importInventory({
    db: database.db,
    files: [file("describe-vpcs.json"), file("describe-subnets.json"), file("describe-network-interfaces.json"), { name: "ip-ranges.json", text: ipRangesDocument() }],
    observedAt: new Date((H0 - 86_400) * 1000),
    dryRun: false,
    importedBy: "test",
  });
  expect(result.problems).toEqual([]);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function push(records: { dst: string; bytes: number; start: number }[], flowLogId = FLOW_LOG): Promise<void> {
  const values = records.map((r, i): [string, string] => [`${BigInt(r.start) * 1_000_000_000n + BigInt(i)}`, `2 ${ACCOUNT} ${ENI} 10.20.1.17 ${r.dst} 40000 443 6 3 ${r.bytes} ${r.start} ${r.start + 50} ACCEPT OK`]);
  await pushLines(store.handle, { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: flowLogId, __aws_s3_vpc_flow_owner: ACCOUNT }, values);
}

describe("rollups with AWS-sized ip-ranges", () => {
  it("cannot list every finer-divided /24 in one query: a v5 format's query would be far over Loki's limit", async () => {
    const inventory = await rollupInventory(database.db);
    expect(inventory.addresses.mixedBlocks.size).toBeGreaterThanOrEqual(1000);
    const v5 = parseFlowFormat("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr pkt-dstaddr");
    const everything = rollupQueryPlan(FLOW_LOG, v5, inventory.addresses.withExactBlocks(inventory.addresses.mixedBlocks));
    expect(() => buildRollupQuery(everything, "bytes")).toThrow(/more than the 5120 Loki accepts/);
    expect(Buffer.byteLength(buildRollupQuery(rollupQueryPlan(FLOW_LOG, v5, inventory.addresses), "bytes"))).toBeLessThan(5120);
  });

  it("read the /24s the traffic reaches address by address, and name each address as its own prefix", async () => {
    const inventory = await rollupInventory(database.db);
    const [blockA, blockB] = [BLOCKS[0] as string, BLOCKS[506] as string];
    expect(inventory.addresses.mixedBlocks).toContain(blockA);
    expect(inventory.addresses.mixedBlocks).toContain(blockB);
    await push([
      { dst: `${blockA}.70`, bytes: 1_000_000, start: H0 + 10 }, // S3 eu-west-1 /26
      { dst: `${blockA}.200`, bytes: 20_000, start: H0 + 20 }, // EC2 eu-west-3 /24
      { dst: `${blockB}.5`, bytes: 300, start: H0 + 30 }, // Route 53 us-east-1 /28
      { dst: `${blockB}.6`, bytes: 4_000, start: H0 + 40 }, // Route 53 us-east-1 /28
      { dst: "90.1.2.3", bytes: 50_000, start: H0 + 50 }, // internet
    ]);
    const summary = await rollupRange({ db: database.db, gate }, { from: H0, to: H0 + HOUR, now: H0 + 10 * HOUR, deliveryDelaySeconds: 900 });
    expect(summary.computed).toBe(1);
    const rows = await database.db.costRollup.findMany({ where: { flowLogId: FLOW_LOG } });
    const byPeer = Object.fromEntries(rows.map((r) => [`${r.peerClass} ${r.peerName} ${r.peerRegion ?? "-"}`, { path: r.path, bytes: Number(r.bytes) }]));
    expect(byPeer).toEqual({
      "aws S3 eu-west-1": { path: "inter_region", bytes: 1_000_000 },
      "aws EC2 (public IPs) eu-west-3": { path: "regional_public", bytes: 20_000 },
      "aws ROUTE53_HEALTHCHECKS us-east-1": { path: "inter_region", bytes: 4_300 },
      "internet internet -": { path: "internet_egress", bytes: 50_000 },
    });
  });

  it("report a flow log whose traffic reaches more such /24s than one query can list, and roll the others up", async () => {
    const H1 = H0 + 2 * HOUR;
    const other = "fl-00000000000000bb";
    await push([{ dst: "90.1.2.3", bytes: 777, start: H1 + 10 }]);
    await push(BLOCKS.slice(0, 450).map((block, i) => ({ dst: `${block}.9`, bytes: 100, start: H1 + 20 + i })), other);
    const summary = await rollupRange({ db: database.db, gate }, { from: H1, to: H1 + HOUR, now: H1 + 10 * HOUR, deliveryDelaySeconds: 900 });
    expect(summary.failed).toEqual([{ flowLogId: other, error: expect.stringMatching(/would be \d+ bytes, more than the 5120 Loki accepts/) }]);
    const rows = await database.db.costRollup.findMany({ where: { hour: new Date(H1 * 1000) } });
    expect(rows.map((r) => [r.flowLogId, r.path, Number(r.bytes)])).toEqual([[FLOW_LOG, "internet_egress", 777]]);
    // The hour is not marked as rolled up: reports say it is missing rather than show a partial total.
    expect(await database.db.costRollupCoverage.findUnique({ where: { hour: new Date(H1 * 1000) } })).toBeNull();
  });

  it("do not carry the /24s of other hours into a query that would then be too long", async () => {
    // 150 such /24s fit in one query of the default format, 300 do not: two hours of 150 each.
    const H2 = H0 + 4 * HOUR;
    const third = "fl-00000000000000cc";
    await push(BLOCKS.slice(0, 150).map((block, i) => ({ dst: `${block}.9`, bytes: 100, start: H2 + i })), third);
    await push(BLOCKS.slice(150, 300).map((block, i) => ({ dst: `${block}.200`, bytes: 10, start: H2 + HOUR + i })), third);
    const summary = await rollupRange({ db: database.db, gate }, { from: H2, to: H2 + 2 * HOUR, now: H2 + 10 * HOUR, deliveryDelaySeconds: 900 });
    expect(summary.failed).toEqual([]);
    const rows = await database.db.costRollup.findMany({ where: { flowLogId: third } });
    const byHour = (hour: number) => rows.filter((r) => r.hour.getTime() === hour * 1000).map((r) => [r.peerName, r.peerRegion, Number(r.bytes)]);
    // .9 is in each block's Route 53 /28 (us-east-1), .200 in its EC2 /24 (eu-west-3).
    expect(byHour(H2)).toEqual([["ROUTE53_HEALTHCHECKS", "us-east-1", 15_000]]);
    expect(byHour(H2 + HOUR)).toEqual([["EC2 (public IPs)", "eu-west-3", 1_500]]);
  });
});
