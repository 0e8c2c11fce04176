/**
 * The cost procedures against real PostgreSQL: the price table (seeded by the migration, edited
 * with validation and history, a refused edit writes nothing), saved report links, and a report
 * over rollup rows: prices apply at report time, internet egress tiers per month, fixed charges.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../env";
import { createQueryGate } from "../../loki/gate";
import { type EmbeddedStore, openEmbeddedStore } from "../../store";
import { type TestDatabase, createTestDatabase } from "../../testing/database";
import { createCaller } from "../root";

let database: TestDatabase;
let store: EmbeddedStore;
let alice: ReturnType<typeof createCaller>;
let bob: ReturnType<typeof createCaller>;

const OCT = Date.UTC(2026, 9, 1);
const NOV = Date.UTC(2026, 10, 1);
const GB = 1024 ** 3;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {} });
  const gate = createQueryGate(loadEnv({}), store.handle);
  alice = createCaller({ user: { name: "alice" }, db: database.db, gate });
  bob = createCaller({ user: { name: "bob" }, db: database.db, gate });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

function rollupRow(values: { hour: number; team: string; service: string; path: string; bytes: number; priceRegion?: string | null; peerName?: string; peerClass?: string; via?: string | null; viaKind?: string | null; region?: string }) {
  return {
    hour: new Date(values.hour),
    flowLogId: "fl-1",
    accountId: "111111111111",
    region: values.region ?? "eu-west-3",
    vpcId: "vpc-1",
    vpcName: "prod-core",
    availabilityZone: "eu-west-3a",
    service: values.service,
    team: values.team,
    peerClass: values.peerClass ?? "internet",
    peerName: values.peerName ?? "internet",
    peerRegion: values.peerClass === "aws" ? (values.region ?? "eu-west-3") : null,
    path: values.path,
    direction: "out",
    action: "ACCEPT",
    via: values.via ?? null,
    viaKind: values.viaKind ?? null,
    priceRegion: values.priceRegion === undefined ? (values.region ?? "eu-west-3") : values.priceRegion,
    inferred: false,
    bytes: BigInt(values.bytes),
    packets: 1n,
    flows: 1n,
  };
}

describe("the price table", () => {
  it("starts with the defaults of three regions, each with its source and date", async () => {
    const prices = await alice.cost.prices();
    for (const region of ["us-east-1", "eu-west-1", "eu-west-3"]) {
      const items = new Set(prices.filter((p) => p.region === region).map((p) => p.item));
      for (const item of ["internet_egress_gb", "nat_gateway_gb", "nat_gateway_hour", "cross_az_gb", "inter_region_gb", "interface_endpoint_gb", "transit_gateway_gb", "gateway_endpoint_gb"]) expect(items, `${region} ${item}`).toContain(item);
    }
    expect(prices.every((p) => /^https:\/\/aws\.amazon\.com\//.test(p.source) && /^\d{4}-\d{2}-\d{2}$/.test(p.asOf))).toBe(true);
    expect(prices.find((p) => p.region === "global" && p.item === "internet_free_gb")?.rate).toBe(100);
  });

  it("refuses a bad edit whole, saying why, and writes nothing", async () => {
    const before = await alice.cost.prices();
    const error = await alice.cost
      .changePrices({
        upsert: [
          { region: "eu-west-3", item: "nat_gateway_gb", tierStartGb: 0, rate: 0.05, source: "https://aws.amazon.com/vpc/pricing/", asOf: "2026-11-01" },
          { region: "eu-west-3", item: "cross_az_gb", tierStartGb: 0, rate: -1, source: "https://aws.amazon.com/ec2/pricing/", asOf: "2026-11-01" },
        ],
        note: "",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/row 2: The rate must be a number of dollars, zero or more/);
    expect(await alice.cost.prices()).toEqual(before);
    expect(await alice.cost.priceHistory()).toEqual([]);
  });

  it("applies an edit and records who changed what", async () => {
    await bob.cost.changePrices({
      upsert: [{ region: "eu-west-3", item: "nat_gateway_gb", tierStartGb: 0, rate: 0.05, source: "https://aws.amazon.com/vpc/pricing/", asOf: "2026-11-01" }],
      note: "Paris NAT price checked",
    });
    await alice.cost.changePrices({
      upsert: [{ region: "ap-south-1", item: "nat_gateway_gb", tierStartGb: 0, rate: 0.056, source: "https://aws.amazon.com/vpc/pricing/", asOf: "2026-11-01" }],
      note: "",
    });
    const prices = await alice.cost.prices();
    expect(prices.find((p) => p.region === "eu-west-3" && p.item === "nat_gateway_gb")).toMatchObject({ rate: 0.05, updatedBy: "bob", asOf: "2026-11-01" });
    const history = await alice.cost.priceHistory();
    expect(history.map((h) => [h.changedBy, h.region, h.item, h.oldRate, h.newRate])).toEqual([
      ["alice", "ap-south-1", "nat_gateway_gb", null, 0.056],
      ["bob", "eu-west-3", "nat_gateway_gb", 0.048, 0.05],
    ]);
    expect(history[1]?.note).toBe("Paris NAT price checked");
  });
});

describe("the report", () => {
  beforeAll(async () => {
    await database.db.costRollup.createMany({
      data: [
        // October: 300 GB of internet egress in Paris (100 GB free), 10 GB through NAT to S3.
        rollupRow({ hour: OCT + 5 * 3_600_000, team: "storefront", service: "web", path: "internet_egress", bytes: 200 * GB }),
        rollupRow({ hour: OCT + 9 * 86_400_000, team: "data", service: "reporting", path: "internet_egress", bytes: 100 * GB }),
        rollupRow({ hour: OCT + 6 * 3_600_000, team: "data", service: "reporting", path: "nat_processing", bytes: 10 * GB, peerClass: "aws", peerName: "S3", via: "NAT gateway nat-1 (eu-west-3a)", viaKind: "nat_gateway" }),
        rollupRow({ hour: OCT + 7 * 3_600_000, team: "data", service: "reporting", path: "same_az", bytes: 50 * GB, priceRegion: null }),
        // September: less.
        rollupRow({ hour: Date.UTC(2026, 8, 3), team: "data", service: "reporting", path: "nat_processing", bytes: 2 * GB, peerClass: "aws", peerName: "S3", via: "NAT gateway nat-1 (eu-west-3a)", viaKind: "nat_gateway" }),
      ],
    });
  });

  it("prices the month: tiers on the month's volume, NAT at the edited rate, free paths free", async () => {
    const report = await alice.cost.report({ from: OCT, to: NOV, filters: {} });
    const cell = (team: string, path: string) => report.teamByPath.find((c) => c.team === team && c.path === path)?.dollars ?? 0;
    // 300 GB, 100 free: 200 GB × $0.09 = $18, shared 2:1 by bytes.
    expect(cell("storefront", "internet_egress")).toBeCloseTo(12, 9);
    expect(cell("data", "internet_egress")).toBeCloseTo(6, 9);
    expect(cell("data", "nat_processing")).toBeCloseTo(10 * 0.05, 9);
    expect(cell("data", "same_az")).toBe(0);
    expect(report.totals.dollars).toBeCloseTo(18.5, 9);
    expect(report.totals.previousDollars).toBeCloseTo(2 * 0.05, 9);
    expect(report.previousPeriod).toEqual({ from: Date.UTC(2026, 8, 1), to: OCT });
    expect(report.byTeam.map((t) => t.key)).toEqual(["storefront", "data"]);
    expect(report.movers[0]).toMatchObject({ dimension: "service", key: "web", change: 12 });
    expect(report.daily).toHaveLength(31);
    expect(report.daily[0]?.byPath.internet_egress).toBeCloseTo(12, 9);
    expect(report.savings.find((s) => s.kind === "gateway_endpoint")).toMatchObject({ target: "S3", vpcs: [{ vpcName: "prod-core", services: [{ service: "reporting" }] }] });
    expect(report.warnings.join(" ")).toMatch(/not rolled up yet/);
  });

  it("filters by team, and says which regions it priced with another region's figures", async () => {
    await database.db.costRollup.create({ data: rollupRow({ hour: OCT + 3_600_000, team: "data", service: "mumbai-batch", path: "inter_region", bytes: 5 * GB, region: "ap-south-1" }) });
    const report = await alice.cost.report({ from: OCT, to: NOV, filters: { team: "data" } });
    expect(report.byTeam.map((t) => t.key)).toEqual(["data"]);
    expect(report.teamByPath.find((c) => c.path === "inter_region")?.dollars).toBeCloseTo(5 * 0.02, 9);
    expect(report.fallbackRegions).toEqual(["ap-south-1"]);
    expect(report.warnings.join(" ")).toMatch(/No prices for ap-south-1/);
  });

  it("refuses a period that is not whole hours", async () => {
    await expect(alice.cost.report({ from: OCT + 1, to: NOV, filters: {} })).rejects.toThrow(/whole hours/);
  });
});

describe("saved report links", () => {
  it("save a period and filters under a short link that opens them again", async () => {
    const saved = await alice.cost.saveLink({ title: "October review", params: { month: "2026-10", team: "data", service: "" } });
    expect(saved.slug).toMatch(/^[a-z0-9]{8}$/);
    const opened = await bob.cost.savedLink({ slug: saved.slug });
    expect(opened).toMatchObject({ title: "October review", params: { month: "2026-10", team: "data" }, createdBy: "alice" });
    await expect(bob.cost.savedLink({ slug: "nosuchlink" })).rejects.toThrow(/No saved cost report/);
    await expect(alice.cost.saveLink({ title: " ", params: {} })).rejects.toThrow(/title/);
    await expect(alice.cost.saveLink({ title: "x", params: { evil: "1" } })).rejects.toThrow(/not a report parameter/);
  });
});
