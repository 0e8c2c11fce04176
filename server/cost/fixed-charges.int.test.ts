/**
 * Gateway and endpoint hours come from the inventory's evidence: charged from when an interface
 * was first seen, never before the first import, and the report says when its period starts
 * before that import.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importInventory } from "../inventory/import/apply";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { costReport } from "./report";

const testdata = path.join(import.meta.dirname, "..", "inventory", "import", "testdata");
const file = (name: string) => ({ name, text: fs.readFileSync(path.join(testdata, name), "utf8") });
const OCT = Date.UTC(2026, 9, 1);
const OCT_15 = Date.UTC(2026, 9, 15);
const NOV = Date.UTC(2026, 10, 1);
const DEC = Date.UTC(2026, 11, 1);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const result = await importInventory({
    db: database.db,
    files: [file("describe-vpcs.json"), file("describe-subnets.json"), file("describe-network-interfaces.json")],
    observedAt: new Date(OCT_15),
    dryRun: false,
    importedBy: "test",
  });
  expect(result.problems).toEqual([]);
});
afterAll(async () => {
  await database?.drop();
});

const natDollars = (report: Awaited<ReturnType<typeof costReport>>) => report.byPath.find((p) => p.key === "nat_gateway_hours")?.dollars ?? 0;

describe("fixed charges", () => {
  it("count NAT gateway hours from when the inventory first saw the gateway, and warn about the time before", async () => {
    const october = await costReport({ db: database.db }, { period: { from: OCT, to: NOV }, filters: {}, now: DEC });
    const november = await costReport({ db: database.db }, { period: { from: NOV, to: DEC }, filters: {}, now: DEC });
    expect(natDollars(november)).toBeGreaterThan(0);
    // 17 of October's days (from the 15th) against November's 30.
    expect(natDollars(october) / natDollars(november)).toBeCloseTo(17 / 30, 9);
    expect(october.warnings.join(" ")).toMatch(/first imported 2026-10-15 00:00 UTC: NAT gateway, endpoint and Transit Gateway hours before that are not counted/);
    expect(november.warnings.join(" ")).not.toMatch(/first imported/);
  });

  it("charge nothing for a period before the first import", async () => {
    const september = await costReport({ db: database.db }, { period: { from: Date.UTC(2026, 8, 1), to: OCT }, filters: {}, now: DEC });
    expect(natDollars(september)).toBe(0);
  });
});
