import { describe, expect, it } from "vitest";
import { BYTES_PER_GB, DEFAULT_PRICES, type PriceRow, PriceBook, internetEgressMonth, priceRowProblems, priceTableProblems, tieredCost } from "./prices";

const GB = BYTES_PER_GB;
const TB = 1024 * GB;
const book = () => new PriceBook({ rows: [...DEFAULT_PRICES] });
const usEast1Tiers = () => book().internetTiers("us-east-1");

describe("internet egress tiers (us-east-1: 100 GB free, $0.09 to 10 TB, $0.085 next 40 TB, $0.07 next 100 TB, $0.05 beyond)", () => {
  const cases: { name: string; gb: number; free: number; dollars: number }[] = [
    { name: "nothing", gb: 0, free: 100, dollars: 0 },
    { name: "inside the free allowance", gb: 60, free: 100, dollars: 0 },
    { name: "exactly the free allowance", gb: 100, free: 100, dollars: 0 },
    { name: "just above the free allowance", gb: 101, free: 100, dollars: 0.09 },
    { name: "1 TB", gb: 1024, free: 100, dollars: (1024 - 100) * 0.09 },
    { name: "exactly 10 TB", gb: 10 * 1024, free: 100, dollars: (10 * 1024 - 100) * 0.09 },
    { name: "10 TB + 1 GB: the next GB is on the second tier", gb: 10 * 1024 + 1, free: 100, dollars: (10 * 1024 - 100) * 0.09 + 0.085 },
    { name: "50 TB", gb: 50 * 1024, free: 100, dollars: (10 * 1024 - 100) * 0.09 + 40 * 1024 * 0.085 },
    { name: "200 TB", gb: 200 * 1024, free: 100, dollars: (10 * 1024 - 100) * 0.09 + 40 * 1024 * 0.085 + 100 * 1024 * 0.07 + 50 * 1024 * 0.05 },
    { name: "no free allowance", gb: 101, free: 0, dollars: 101 * 0.09 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(tieredCost(usEast1Tiers(), c.gb, c.free)).toBeCloseTo(c.dollars, 9);
    });
  }
});

describe("a month of internet egress across regions", () => {
  it("gives the 100 GB free allowance once, shared by the regions in proportion to their volume", () => {
    const month = internetEgressMonth(book(), new Map([["us-east-1", 300 * GB], ["eu-west-3", 100 * GB]]));
    const us = month.find((m) => m.region === "us-east-1");
    const paris = month.find((m) => m.region === "eu-west-3");
    expect(us?.freeBytes).toBeCloseTo(75 * GB, 3);
    expect(paris?.freeBytes).toBeCloseTo(25 * GB, 3);
    expect(us?.cost).toBeCloseTo(225 * 0.09, 9);
    expect(paris?.cost).toBeCloseTo(75 * 0.09, 9);
    expect(us?.dollarsPerByte).toBeCloseTo((225 * 0.09) / (300 * GB), 20);
  });

  it("costs nothing while the whole organisation stays under the allowance", () => {
    const month = internetEgressMonth(book(), new Map([["us-east-1", 40 * GB], ["eu-west-1", 50 * GB]]));
    expect(month.every((m) => m.cost === 0 && m.freeBytes === m.bytes)).toBe(true);
  });

  it("prices a region without its own tiers with us-east-1's, and says so", () => {
    const b = book();
    const month = internetEgressMonth(b, new Map([["ap-south-1", 1 * TB]]));
    expect(month[0]?.cost).toBeCloseTo((1024 - 100) * 0.09, 9);
    expect([...b.fallbackRegions]).toEqual(["ap-south-1"]);
  });
});

describe("the price book", () => {
  it.each([
    ["nat_gateway_gb", "us-east-1", 0.045],
    ["nat_gateway_gb", "eu-west-1", 0.048],
    ["nat_gateway_hour", "eu-west-3", 0.048],
    ["cross_az_gb", "eu-west-3", 0.01],
    ["inter_region_gb", "us-east-1", 0.02],
    ["interface_endpoint_gb", "eu-west-1", 0.01],
    ["transit_gateway_gb", "us-east-1", 0.02],
    ["gateway_endpoint_gb", "eu-west-3", 0],
  ] as const)("%s in %s is $%s", (item, region, rate) => {
    expect(book().rate(item, region)).toBe(rate);
  });

  it("has every default figure with a source URL and a date", () => {
    for (const row of DEFAULT_PRICES) expect(priceRowProblems(row), `${row.region} ${row.item}`).toEqual([]);
    expect(priceTableProblems({ rows: [...DEFAULT_PRICES] })).toEqual([]);
    for (const region of ["us-east-1", "eu-west-1", "eu-west-3"]) {
      expect(DEFAULT_PRICES.filter((r) => r.region === region && r.item === "internet_egress_gb").map((r) => r.tierStartGb)).toEqual([0, 10240, 51200, 153600]);
    }
  });
});

describe("price validation", () => {
  const good: PriceRow = { region: "eu-west-3", item: "nat_gateway_gb", tierStartGb: 0, rate: 0.048, source: "https://aws.amazon.com/vpc/pricing/", asOf: "2025-01-01" };
  it.each<[string, Partial<PriceRow>, RegExp]>([
    ["a negative rate", { rate: -0.01 }, /zero or more/],
    ["a rate in cents by mistake", { rate: 45 }, /implausible/],
    ["too many decimals", { rate: 0.0450001 }, /6 decimals/],
    ["an unknown item", { item: "nat_gb" as PriceRow["item"] }, /not a price item/],
    ["a region that is no region", { region: "paris" }, /not an AWS region/],
    ["a tier on an untiered item", { tierStartGb: 100 }, /has no tiers/],
    ["no source", { source: "AWS" }, /URL/],
    ["a date that is no day", { asOf: "Jan 2025" }, /YYYY-MM-DD/],
    ["the free allowance in a region", { item: "internet_free_gb", rate: 100 }, /all regions together/],
  ])("refuses %s", (_name, change, message) => {
    expect(priceRowProblems({ ...good, ...change }).join(" ")).toMatch(message);
  });

  it("refuses tiers that do not start at 0 GB and duplicate rows", () => {
    const rows: PriceRow[] = [
      { ...good, item: "internet_egress_gb", tierStartGb: 100, rate: 0.09 },
      { ...good },
      { ...good },
    ];
    const problems = priceTableProblems({ rows }).join(" ");
    expect(problems).toMatch(/tiers must start at 0 GB/);
    expect(problems).toMatch(/listed twice/);
  });
});
