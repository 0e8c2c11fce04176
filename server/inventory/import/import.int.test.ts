import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrichFlow } from "../../enrichment/enrich";
import { endpointLabel } from "../../enrichment/enrich";
import { getEnrichmentLookup, loadInventorySnapshot } from "../../enrichment/loader";
import { DEFAULT_FLOW_FORMAT, parseFlowRecord } from "../../flows";
import { type TestDatabase, createTestDatabase } from "../../testing/database";
import { currentInventoryStamp } from "../stamp";
import { importInventory } from "./apply";

const dir = path.join(import.meta.dirname, "testdata");
const file = (name: string) => ({ name, text: fs.readFileSync(path.join(dir, name), "utf8") });
const T1 = new Date("2026-11-20T10:00:00Z");
const T2 = new Date("2026-11-21T10:00:00Z");

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => {
  await test?.drop();
});

async function counts() {
  const db = test.db;
  return {
    accounts: await db.awsAccount.count(),
    vpcs: await db.vpc.count(),
    subnets: await db.subnet.count(),
    interfaces: await db.networkInterface.count(),
    addresses: await db.interfaceAddress.count(),
    ranges: await db.awsIpRange.count(),
    networks: await db.knownNetwork.count(),
    imports: await db.inventoryImport.count(),
  };
}

describe("importing inventory files", () => {
  it("writes nothing when one file is malformed, and reports every bad record", async () => {
    const before = await counts();
    const result = await importInventory({
      db: test.db,
      files: [file("accounts.csv"), file("describe-network-interfaces-malformed.json")],
      dryRun: false,
      importedBy: "test",
      observedAt: T1,
    });
    expect(result).toMatchObject({ ok: false, applied: false });
    expect(result.problems.map((p) => p.location)).toEqual([
      "NetworkInterfaces[1].PrivateIpAddresses[0].PrivateIpAddress",
      "NetworkInterfaces[3].VpcId",
      "NetworkInterfaces[5].OwnerId",
    ]);
    expect(result.problems.every((p) => p.file === "describe-network-interfaces-malformed.json" && typeof p.line === "number")).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it("reports what would change on a dry run and writes nothing", async () => {
    const before = await counts();
    const result = await importInventory({
      db: test.db,
      files: [file("describe-network-interfaces.json"), file("describe-vpcs.json"), file("describe-subnets.json")],
      dryRun: true,
      importedBy: "test",
      observedAt: T1,
    });
    expect(result).toMatchObject({ ok: true, applied: false, dryRun: true, stamp: null });
    expect(result.files.map((f) => [f.file, f.kind, f.created, f.updated, f.deleted])).toEqual([
      ["describe-network-interfaces.json", "network-interfaces", 7, 0, 0],
      ["describe-vpcs.json", "vpcs", 1, 0, 0],
      ["describe-subnets.json", "subnets", 2, 0, 0],
    ]);
    expect(result.files[0]?.samples.created).toContain("eni-0a1b2c3d4e5f60718");
    expect(await counts()).toEqual(before);
    expect(await currentInventoryStamp(test.db)).toBe(0);
  });

  it("imports every kind of file in one transaction", async () => {
    const result = await importInventory({
      db: test.db,
      files: ["describe-network-interfaces.json", "describe-vpcs.json", "describe-subnets.json", "ip-ranges.json", "known-networks.csv", "accounts.csv", "services.csv"].map(file),
      dryRun: false,
      importedBy: "test",
      observedAt: T1,
    });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, applied: true, stamp: 1 });
    expect(await counts()).toEqual({ accounts: 2, vpcs: 1, subnets: 2, interfaces: 7, addresses: 11, ranges: 4, networks: 2, imports: 7 });
    // describe-vpcs has no region; the subnets of the same import gave it.
    expect((await test.db.vpc.findUniqueOrThrow({ where: { id: "vpc-0123456789abcdef0" } })).region).toBe("eu-west-3");
    const account = await test.db.awsAccount.findUniqueOrThrow({ where: { id: "111122223333" } });
    expect(account).toMatchObject({ name: "acme-prod", environment: "prod", team: "platform" });
  });

  it("changes nothing when the same files are imported again, apart from last seen", async () => {
    const result = await importInventory({ db: test.db, files: [file("describe-network-interfaces.json")], dryRun: false, importedBy: "test", observedAt: new Date(T1.getTime() + 60_000) });
    expect(result.files[0]).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 7 });
    expect(result.stamp).toBe(1);
    const eni = await test.db.networkInterface.findUniqueOrThrow({ where: { id: "eni-0a1b2c3d4e5f60718" } });
    expect(eni.lastSeen.toISOString()).toBe("2026-11-20T10:01:00.000Z");
  });

  it("maps every interface of the fixture and enriches flows at their time", async () => {
    const lookup = await getEnrichmentLookup(test.db, { maxAgeMs: 0 });
    expect(lookup.stats).toMatchObject({ interfaces: 7 });
    const services = lookup.interfaceEndpoints().map((e) => [e.interfaceId, e.service, e.team]).sort();
    expect(services).toEqual([
      ["eni-0718293a4b5c6d7e8", null, "platform"],
      ["eni-0a1b2c3d4e5f60718", "payments-api", "payments"],
      ["eni-0b2c3d4e5f6071829", "payments-public (ALB)", "platform"],
      ["eni-0c3d4e5f607182930", "NAT gateway nat-0c1d2e3f4a5b6c7d8", "platform"],
      ["eni-0d4e5f60718293a4b", "invoice-renderer", "billing"],
      ["eni-0e5f60718293a4b5c", "RDS ledger-db", "platform"],
      ["eni-0f60718293a4b5c6d", "VPC endpoint vpce-0f1e2d3c4b5a69788", "platform"],
    ]);
    const at = Math.floor(T1.getTime() / 1000) + 30;
    const record = parseFlowRecord(`2 111122223333 eni-0a1b2c3d4e5f60718 10.20.1.17 52.95.129.4 44312 443 6 20 9000 ${at} ${at + 60} ACCEPT OK`, DEFAULT_FLOW_FORMAT)!;
    const flow = enrichFlow(record, lookup);
    expect([endpointLabel(flow.src), endpointLabel(flow.dst), flow.direction]).toEqual(["payments-api", "S3 eu-west-3", "egress"]);
    expect(flow.src).toMatchObject({ accountName: "acme-prod", environment: "prod", vpcName: "prod-main", subnetName: "prod-private-a", availabilityZoneId: "euw3-az1" });
  });

  it("marks interfaces and addresses that a later import no longer lists, without removing them", async () => {
    const result = await importInventory({ db: test.db, files: [file("describe-network-interfaces-later.json")], dryRun: false, importedBy: "test", observedAt: T2 });
    expect(result.problems).toEqual([]);
    expect(result.files[0]).toMatchObject({ created: 1, deleted: 1, samples: { created: ["eni-0a9b8c7d6e5f40312"], deleted: ["eni-0d4e5f60718293a4b"] } });
    expect(result.files[0]?.notes.join(" ")).toMatch(/addresses: 1 added to known interfaces, 2 removed/);
    const gone = await test.db.networkInterface.findUniqueOrThrow({ where: { id: "eni-0d4e5f60718293a4b" }, include: { addresses: true } });
    expect(gone.deletedAt?.toISOString()).toBe(T2.toISOString());
    expect(gone.addresses.every((a) => a.removedAt?.toISOString() === T2.toISOString())).toBe(true);
    const instance = await test.db.interfaceAddress.findMany({ where: { interfaceId: "eni-0a1b2c3d4e5f60718" }, orderBy: { address: "asc" } });
    expect(instance.map((a) => [a.address, a.removedAt?.toISOString() ?? null])).toEqual([
      ["10.20.1.17", null],
      ["10.20.1.18", T2.toISOString()],
      ["10.20.1.19", null],
      ["15.236.10.20", null],
      ["2a05:d012:abc:1100::10", null],
    ]);
    expect(result.stamp).toBe(2);

    // The Lambda address 10.20.1.50 changed hands: flows map to the owner at their time.
    const lookup = await getEnrichmentLookup(test.db, { maxAgeMs: 0 });
    expect(lookup.version).toBe(2);
    const line = (t: Date) => {
      const s = Math.floor(t.getTime() / 1000);
      return parseFlowRecord(`2 111122223333 eni-0e5f60718293a4b5c 10.20.3.40 10.20.1.50 5432 40000 6 3 300 ${s} ${s + 60} ACCEPT OK`, DEFAULT_FLOW_FORMAT)!;
    };
    expect(endpointLabel(enrichFlow(line(new Date(T1.getTime() + 3_600_000)), lookup).dst)).toBe("invoice-renderer");
    expect(endpointLabel(enrichFlow(line(new Date(T2.getTime() + 3_600_000)), lookup).dst)).toBe("receipt-mailer");
  });

  it("refuses a file older than what is stored", async () => {
    const result = await importInventory({ db: test.db, files: [file("describe-network-interfaces.json")], dryRun: false, importedBy: "test", observedAt: T1 });
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.message).toMatch(/older than the inventory: interfaces of 111122223333\/eu-west-3 were last seen at 2026-11-21T10:00:00.000Z/);
    expect(await test.db.networkInterface.count({ where: { deletedAt: null } })).toBe(7);
  });

  it("replaces the known networks with the file's list", async () => {
    const result = await importInventory({ db: test.db, files: [{ name: "nets.csv", text: "cidr,name,category\n192.168.0.0/16,office VPN,vpn\n10.99.0.0/16,partner,partner\n" }], dryRun: false, importedBy: "test" });
    expect(result.files[0]).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 0 });
    expect((await test.db.knownNetwork.findMany({ orderBy: { cidr: "asc" } })).map((n) => [n.cidr, n.category])).toEqual([
      ["10.99.0.0/16", "partner"],
      ["192.168.0.0/16", "vpn"],
    ]);
  });

  it("reads the snapshot back exactly", async () => {
    const snapshot = await loadInventorySnapshot(test.db);
    expect(snapshot.interfaces.find((i) => i.id === "eni-0a1b2c3d4e5f60718")).toMatchObject({
      securityGroups: [{ id: "sg-0123456789abcdef0", name: "payments-api" }],
      tags: { service: "payments-api", team: "payments" },
      endedAt: null,
    });
    expect(snapshot.awsRanges).toHaveLength(4);
    expect(snapshot.services.map((s) => s.name).sort()).toEqual(["invoice-renderer", "payments-api"]);
  });

  it("sets flow log formats from describe-flow-logs", async () => {
    const text = JSON.stringify({
      FlowLogs: [
        { CreationTime: "2026-01-01T00:00:00Z", DeliverLogsStatus: "SUCCESS", FlowLogId: "fl-0a1b2c3d4e5f60718", FlowLogStatus: "ACTIVE", LogDestinationType: "s3", ResourceId: "vpc-0123456789abcdef0", TrafficType: "ALL", LogFormat: "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${flow-direction}", MaxAggregationInterval: 600 },
        { FlowLogId: "fl-0b1c2d3e", ResourceId: "vpc-0b", TrafficType: "ALL" },
      ],
    });
    const result = await importInventory({ db: test.db, files: [{ name: "flow-logs.json", text }], dryRun: false, importedBy: "test" });
    expect(result.files[0]).toMatchObject({ kind: "flow-logs", created: 2 });
    expect((await test.db.flowLogFormat.findMany({ orderBy: { flowLogId: "asc" } })).map((f) => [f.flowLogId, f.format, f.source])).toEqual([
      ["fl-0a1b2c3d4e5f60718", "version vpc-id srcaddr dstaddr flow-direction", "configured"],
      ["fl-0b1c2d3e", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", "configured"],
    ]);
  });
});
