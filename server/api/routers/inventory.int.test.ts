/**
 * The inventory procedures against real PostgreSQL and the real embedded log store: import
 * through tRPC (dry run, problems, apply), lists with search, an interface's history and its
 * recent flows read through the query gate, and the mapping rules (preview, save, move, delete).
 */
import fs from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../env";
import { LokiClient } from "../../loki/client";
import { createQueryGate } from "../../loki/gate";
import { encodePushJson } from "../../loki/push";
import { mappingRule } from "../../inventory/mapping-rules";
import { type EmbeddedStore, openEmbeddedStore } from "../../store";
import { type TestDatabase, createTestDatabase } from "../../testing/database";
import { createCaller } from "../root";

const testdata = path.join(import.meta.dirname, "..", "..", "inventory", "import", "testdata");
const file = (name: string) => ({ name, text: fs.readFileSync(path.join(testdata, name), "utf8") });
const NOW = Date.now();
const S = 1_000_000_000n;

let database: TestDatabase;
let store: EmbeddedStore;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {} });
  const gate = createQueryGate(loadEnv({}), store.handle);
  caller = createCaller({ user: { name: "alice" }, db: database.db, gate });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

// The editable fields of a rule with no conditions (the router takes fields only).
const { id: _id, builtIn: _builtIn, ...blankRule } = mappingRule({ name: "", service: "" });

describe("inventory procedures", () => {
  it("refuses a malformed file with its problems, previews, then applies", async () => {
    const bad = await caller.inventory.importApply({ files: [file("describe-network-interfaces-malformed.json")] });
    expect(bad).toMatchObject({ ok: false, applied: false });
    expect(bad.problems).toHaveLength(3);
    expect((await caller.inventory.summary()).interfaces).toBe(0);

    const files = ["describe-network-interfaces.json", "describe-vpcs.json", "describe-subnets.json", "ip-ranges.json", "accounts.csv"].map(file);
    const observedAt = new Date(NOW - 3_600_000).toISOString();
    const preview = await caller.inventory.importPreview({ files, observedAt });
    expect(preview).toMatchObject({ ok: true, applied: false, dryRun: true });
    expect((await caller.inventory.summary()).interfaces).toBe(0);

    const applied = await caller.inventory.importApply({ files, observedAt });
    expect(applied).toMatchObject({ ok: true, applied: true });
    expect(applied.files.map((f) => [f.kind, f.created])).toEqual(preview.files.map((f) => [f.kind, f.created]));
    const summary = await caller.inventory.summary();
    expect(summary).toMatchObject({ accounts: 2, vpcs: 1, subnets: 2, interfaces: 7, unmappedInterfaces: 1, awsRanges: 4 });
    expect(summary.lastImport?.by).toBe("alice");
  });

  it("refuses bad input before any work", async () => {
    await expect(caller.inventory.importPreview({ files: [] })).rejects.toBeInstanceOf(TRPCError);
    await expect(caller.inventory.importPreview({ files: [file("accounts.csv")], region: "Paris" })).rejects.toThrow(/a region such as eu-west-3/);
  });

  it("lists and searches", async () => {
    expect((await caller.inventory.accounts({})).map((a) => [a.id, a.name, a.interfaces])).toEqual([
      ["111122223333", "acme-prod", 7],
      ["444455556666", "acme-staging", 0],
    ]);
    expect((await caller.inventory.vpcs({ q: "prod-main" })).map((v) => [v.id, v.region, v.subnets, v.interfaces])).toEqual([["vpc-0123456789abcdef0", "eu-west-3", 2, 7]]);
    expect((await caller.inventory.subnets({ q: "euw3-az2" })).map((s) => s.name)).toEqual(["prod-private-b"]);
    const found = await caller.inventory.interfaces({ q: "payments 10.20.1.17" });
    expect(found.rows.map((r) => [r.id, r.service, r.team])).toEqual([["eni-0a1b2c3d4e5f60718", "payments-api", "payments"]]);
    expect((await caller.inventory.interfaces({ mapping: "unmapped" })).rows.map((r) => r.id)).toEqual(["eni-0718293a4b5c6d7e8"]);
    expect((await caller.inventory.interfaces({ limit: 2, offset: 6 })).rows).toHaveLength(1);
    const services = await caller.inventory.services({ q: "nat" });
    expect(services.map((s) => [s.name, s.interfaces, s.interfaceTypes])).toEqual([["NAT gateway nat-0c1d2e3f4a5b6c7d8", 1, ["nat_gateway"]]]);
  });

  it("shows an interface with its addresses and history", async () => {
    const detail = await caller.inventory.interface({ id: "eni-0a1b2c3d4e5f60718" });
    expect(detail).toMatchObject({ service: "payments-api", rule: "Tag service", vpcName: "prod-main", subnetName: "prod-private-a", availabilityZoneId: "euw3-az1", publicIp: "15.236.10.20" });
    expect(detail.addresses.map((a) => a.address)).toEqual(["10.20.1.17", "15.236.10.20", "10.20.1.18", "2a05:d012:abc:1100::10"]);
    expect(detail.history.map((h) => h.what)).toEqual(["first seen", "last seen"]);
    await expect(caller.inventory.interface({ id: "eni-0000000000000000f" })).rejects.toThrow(/No interface eni-0000000000000000f in the inventory/);
  });

  it("reads an interface's recent flows through the gate and names both ends", async () => {
    const labels = { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-0a1b2c3d", __aws_s3_vpc_flow_owner: "111122223333" };
    // The page asks for the last hours before now.
    const t = Math.floor(Date.now() / 1000) - 1800;
    const lines = [
      `2 111122223333 eni-0a1b2c3d4e5f60718 10.20.1.17 52.95.129.10 44312 443 6 12 9000 ${t} ${t + 60} ACCEPT OK`,
      `2 111122223333 eni-0a1b2c3d4e5f60718 10.20.2.30 10.20.1.17 40200 8080 6 5 700 ${t + 60} ${t + 120} ACCEPT OK`,
      `2 111122223333 eni-0b2c3d4e5f6071829 10.20.2.30 10.20.1.17 40200 8080 6 5 700 ${t + 60} ${t + 120} ACCEPT OK`,
    ];
    const client = new LokiClient({ baseUrl: "http://embedded-store", transport: store.handle });
    await client.push(encodePushJson([{ labels, entries: lines.map((line, i) => ({ timestamp: BigInt(t + i) * S, line })) }]), "application/json");

    const flows = await caller.inventory.interfaceFlows({ id: "eni-0a1b2c3d4e5f60718", hours: 6 });
    expect(flows.queries[0]).toBe(
      '{__aws_log_type="s3_vpc_flow"} |= "eni-0a1b2c3d4e5f60718" | pattern `<version> <account_id> <interface_id> <srcaddr> <dstaddr> <srcport> <dstport> <protocol> <packets> <bytes> <start> <end> <action> <log_status>` | interface_id = "eni-0a1b2c3d4e5f60718"',
    );
    expect(flows.rows.map((r) => [r.src?.label, r.dst?.label, r.direction, r.service])).toEqual([
      ["payments-public (ALB)", "payments-api", "ingress", "http-alt"],
      ["payments-api", "S3 eu-west-3", "egress", "https"],
    ]);
    await expect(caller.inventory.interfaceFlows({ id: "eni-0a1b2c3d4e5f60718\" or 1=1" })).rejects.toThrow(/not a network interface id/);
  });

  it("previews a rule, saves it, and the interface gets its service", async () => {
    const fields = { ...blankRule, name: "Batch hosts", securityGroup: "default", service: "nightly-batch", team: "data" };
    const preview = await caller.inventory.rules.preview({ fields });
    expect(preview).toMatchObject({ problems: [], matchCount: 1, winCount: 1, changedCount: 1, unmatchedCount: 0, interfaces: 7 });
    expect(preview.matches[0]).toMatchObject({ interfaceId: "eni-0718293a4b5c6d7e8", service: "nightly-batch", team: "data", current: null, wins: true });
    expect((await caller.inventory.rules.unmatched({})).total).toBe(1);

    const saved = await caller.inventory.rules.save({ fields });
    expect(saved).toMatchObject({ name: "Batch hosts", position: 0, builtIn: false });
    expect((await caller.inventory.rules.unmatched({})).total).toBe(0);
    expect((await caller.inventory.interface({ id: "eni-0718293a4b5c6d7e8" })).service).toBe("nightly-batch");
  });

  it("orders rules, first match wins, and reports problems instead of saving", async () => {
    const everything = await caller.inventory.rules.save({ fields: { ...blankRule, name: "Everything in the VPC", vpcId: "vpc-0123456789abcdef0", service: "legacy" } });
    expect((await caller.inventory.interface({ id: "eni-0a1b2c3d4e5f60718" })).service).toBe("legacy");
    const list = await caller.inventory.rules.list();
    expect(list.saved.map((r) => r.name)).toEqual(["Batch hosts", "Everything in the VPC"]);
    expect(list.builtIn.length).toBeGreaterThan(10);

    // Previewing the catch-all at the end of the saved rules changes nothing; the service preview counts it.
    const preview = await caller.inventory.rules.preview({ id: everything.id, fields: { ...blankRule, name: "Everything in the VPC", vpcId: "vpc-0123456789abcdef0", service: "legacy" } });
    expect(preview).toMatchObject({ matchCount: 7, winCount: 6, changedCount: 0 });

    await caller.inventory.rules.move({ id: everything.id, position: 0 });
    expect((await caller.inventory.interface({ id: "eni-0718293a4b5c6d7e8" })).service).toBe("legacy");
    await caller.inventory.rules.delete({ id: everything.id });
    expect((await caller.inventory.interface({ id: "eni-0a1b2c3d4e5f60718" })).service).toBe("payments-api");
    await expect(caller.inventory.rules.delete({ id: everything.id })).rejects.toThrow(/no longer exists/);

    const bad = { ...blankRule, name: "Bad", descriptionPattern: "(", service: "{1}" };
    expect((await caller.inventory.rules.preview({ fields: bad })).problems.map((p) => p.field)).toEqual(["descriptionPattern"]);
    await expect(caller.inventory.rules.save({ fields: bad })).rejects.toThrow(/The rule cannot be saved: descriptionPattern: not a valid regular expression/);
  });
});
