/**
 * Data-transfer prices as data: the items AWS bills for moving bytes, their default list prices
 * per region (with where each figure comes from and as of when), and the arithmetic that turns
 * bytes into dollars, including internet egress tiers. Pure code: PostgreSQL rows are read and
 * written by price-service.ts; this module only sees plain `PriceTable`s.
 *
 * Units: AWS bills data transfer per GB of 2^30 bytes (BYTES_PER_GB). Rates are US dollars.
 */

export const BYTES_PER_GB = 1024 ** 3;

/** Every price item flowlens knows. `region: "global"` items apply to all regions together. */
export const PRICE_ITEMS = {
  internet_egress_gb: { unit: "GB", label: "Internet egress (data transfer out), per GB, by monthly tier", tiered: true },
  internet_free_gb: { unit: "GB per month", label: "Internet egress free each month (all services and regions together)", tiered: false },
  nat_gateway_gb: { unit: "GB", label: "NAT gateway, data processed (both directions)", tiered: false },
  nat_gateway_hour: { unit: "hour", label: "NAT gateway, per gateway-hour", tiered: false },
  cross_az_gb: { unit: "GB", label: "Cross-AZ (private IP), per GB in each direction", tiered: false },
  regional_public_gb: { unit: "GB", label: "Same region over public or Elastic IPs, per GB in each direction", tiered: false },
  inter_region_gb: { unit: "GB", label: "Inter-region, per GB sent from this region", tiered: false },
  interface_endpoint_gb: { unit: "GB", label: "Interface VPC endpoint (PrivateLink), data processed", tiered: false },
  interface_endpoint_hour: { unit: "hour", label: "Interface VPC endpoint, per endpoint per AZ per hour", tiered: false },
  transit_gateway_gb: { unit: "GB", label: "Transit Gateway, data processed", tiered: false },
  transit_gateway_hour: { unit: "hour", label: "Transit Gateway, per attachment-hour", tiered: false },
  gateway_endpoint_gb: { unit: "GB", label: "Gateway VPC endpoint (S3, DynamoDB)", tiered: false },
} as const;

export type PriceItem = keyof typeof PRICE_ITEMS;
export const PRICE_ITEM_NAMES = Object.keys(PRICE_ITEMS) as PriceItem[];

/** The region of items that apply to all regions together (the monthly free allowance). */
export const GLOBAL_REGION = "global";

/** One figure of the price table. Tiered items have one row per tier, `tierStartGb` its lower bound. */
export interface PriceRow {
  region: string;
  item: PriceItem;
  /** Lower bound of the tier in GB of monthly volume (0 for untiered items). */
  tierStartGb: number;
  /** US dollars per unit. */
  rate: number;
  /** Where the figure comes from (a URL). */
  source: string;
  /** The date the figure is from (YYYY-MM-DD). */
  asOf: string;
}

export interface PriceTable {
  rows: PriceRow[];
}

/** The region whose figures price a region that has none (reported in every report that uses it). */
export const FALLBACK_PRICE_REGION = "us-east-1";

const EC2_PRICING = "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer";
const VPC_PRICING = "https://aws.amazon.com/vpc/pricing/";
const PRIVATELINK_PRICING = "https://aws.amazon.com/privatelink/pricing/";
const TGW_PRICING = "https://aws.amazon.com/transit-gateway/pricing/";
const FREE_TIER_NEWS = "https://aws.amazon.com/blogs/aws/aws-free-tier-data-transfer-expansion-100-gb-from-regions-and-1-tb-from-amazon-cloudfront-per-month/";
const AS_OF = "2025-01-01";

/** 10 TB, 50 TB, 150 TB: where AWS's internet egress tiers change (AWS counts 1 TB as 1024 GB). */
export const INTERNET_TIER_STARTS_GB = [0, 10 * 1024, 50 * 1024, 150 * 1024] as const;

function regionDefaults(
  region: string,
  figures: { nat: [number, number]; endpoint: [number, number]; tgw: [number, number]; interRegion: number; tiers: readonly [number, number, number, number] },
): PriceRow[] {
  const row = (item: PriceItem, rate: number, source: string, tierStartGb = 0): PriceRow => ({ region, item, tierStartGb, rate, source, asOf: AS_OF });
  return [
    ...figures.tiers.map((rate, i) => row("internet_egress_gb", rate, EC2_PRICING, INTERNET_TIER_STARTS_GB[i])),
    row("nat_gateway_gb", figures.nat[0], VPC_PRICING),
    row("nat_gateway_hour", figures.nat[1], VPC_PRICING),
    row("cross_az_gb", 0.01, EC2_PRICING),
    row("regional_public_gb", 0.01, EC2_PRICING),
    row("inter_region_gb", figures.interRegion, EC2_PRICING),
    row("interface_endpoint_gb", figures.endpoint[0], PRIVATELINK_PRICING),
    row("interface_endpoint_hour", figures.endpoint[1], PRIVATELINK_PRICING),
    row("transit_gateway_gb", figures.tgw[0], TGW_PRICING),
    row("transit_gateway_hour", figures.tgw[1], TGW_PRICING),
    row("gateway_endpoint_gb", 0, VPC_PRICING),
  ];
}

/**
 * The list prices flowlens starts with (seeded by the `cost_review` migration; editable on
 * /cost/prices). US East (N. Virginia), Europe (Ireland) and Europe (Paris); other regions are
 * priced with FALLBACK_PRICE_REGION until someone enters theirs.
 */
export const DEFAULT_PRICES: readonly PriceRow[] = [
  { region: GLOBAL_REGION, item: "internet_free_gb", tierStartGb: 0, rate: 100, source: FREE_TIER_NEWS, asOf: AS_OF },
  ...regionDefaults("us-east-1", { nat: [0.045, 0.045], endpoint: [0.01, 0.01], tgw: [0.02, 0.05], interRegion: 0.02, tiers: [0.09, 0.085, 0.07, 0.05] }),
  ...regionDefaults("eu-west-1", { nat: [0.048, 0.048], endpoint: [0.01, 0.011], tgw: [0.02, 0.05], interRegion: 0.02, tiers: [0.09, 0.085, 0.07, 0.05] }),
  ...regionDefaults("eu-west-3", { nat: [0.048, 0.048], endpoint: [0.01, 0.012], tgw: [0.02, 0.05], interRegion: 0.02, tiers: [0.09, 0.085, 0.07, 0.05] }),
];

/** What is wrong with a price row, in words (empty when it is fine). */
export function priceRowProblems(row: Pick<PriceRow, "region" | "item" | "tierStartGb" | "rate" | "source" | "asOf">): string[] {
  const problems: string[] = [];
  const spec = (PRICE_ITEMS as Record<string, (typeof PRICE_ITEMS)[PriceItem] | undefined>)[row.item];
  if (!spec) problems.push(`"${row.item}" is not a price item; use one of ${PRICE_ITEM_NAMES.join(", ")}.`);
  if (row.item === "internet_free_gb" ? row.region !== GLOBAL_REGION : !/^[a-z]{2}(-[a-z]+)+-\d$/.test(row.region)) {
    problems.push(
      row.item === "internet_free_gb"
        ? `The monthly free allowance applies to all regions together: its region must be "${GLOBAL_REGION}".`
        : `"${row.region}" is not an AWS region code such as us-east-1 or eu-west-3.`,
    );
  }
  if (!Number.isFinite(row.rate) || row.rate < 0) problems.push("The rate must be a number of dollars, zero or more.");
  else if (row.item !== "internet_free_gb" && row.rate > 10) problems.push(`$${row.rate} per ${spec?.unit ?? "unit"} is implausible for AWS data transfer; check the figure (rates are in dollars, e.g. 0.09).`);
  else if (Math.abs(Math.round(row.rate * 1e6) - row.rate * 1e6) > 1e-6) problems.push("Give the rate with at most 6 decimals.");
  if (!Number.isFinite(row.tierStartGb) || row.tierStartGb < 0) problems.push("A tier starts at 0 GB or more.");
  if (spec && !spec.tiered && row.tierStartGb !== 0) problems.push(`${spec.label} has no tiers: its tier start must be 0.`);
  try {
    const url = new URL(row.source);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http");
  } catch {
    problems.push("Say where the figure comes from: an http(s) URL, e.g. the AWS pricing page.");
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(row.asOf) || Number.isNaN(Date.parse(`${row.asOf}T00:00:00Z`))) problems.push("The date of the figure is a day, YYYY-MM-DD.");
  return problems;
}

/** Problems of a whole table: every region needs the first internet tier at 0 GB, no duplicate rows. */
export function priceTableProblems(table: PriceTable): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    const key = `${row.region}/${row.item}/${row.tierStartGb}`;
    if (seen.has(key)) problems.push(`${row.region} ${row.item} from ${row.tierStartGb} GB is listed twice.`);
    seen.add(key);
  }
  const regions = new Set(table.rows.filter((r) => r.region !== GLOBAL_REGION).map((r) => r.region));
  for (const region of regions) {
    const tiers = table.rows.filter((r) => r.region === region && r.item === "internet_egress_gb");
    if (tiers.length > 0 && !tiers.some((t) => t.tierStartGb === 0)) problems.push(`${region}: the internet egress tiers must start at 0 GB.`);
  }
  return problems;
}

/** Looks up figures, falling back to FALLBACK_PRICE_REGION for regions without their own. */
export class PriceBook {
  private readonly byKey = new Map<string, PriceRow>();
  private readonly tiersByRegion = new Map<string, PriceRow[]>();
  /** Regions asked for that had no figure of their own (they were priced with the fallback). */
  readonly fallbackRegions = new Set<string>();

  constructor(readonly table: PriceTable) {
    for (const row of table.rows) {
      if (row.item === "internet_egress_gb") {
        const list = this.tiersByRegion.get(row.region) ?? [];
        list.push(row);
        this.tiersByRegion.set(row.region, list);
      } else {
        this.byKey.set(`${row.region}/${row.item}`, row);
      }
    }
    for (const list of this.tiersByRegion.values()) list.sort((a, b) => a.tierStartGb - b.tierStartGb);
  }

  /** Dollars per unit of an untiered item in a region (the fallback region's figure when it has none; 0 when nobody has one). */
  rate(item: Exclude<PriceItem, "internet_egress_gb">, region: string): number {
    const own = this.byKey.get(`${region}/${item}`);
    if (own) return own.rate;
    if (region !== GLOBAL_REGION) this.fallbackRegions.add(region);
    return this.byKey.get(`${FALLBACK_PRICE_REGION}/${item}`)?.rate ?? 0;
  }

  /** The internet egress tiers of a region, lowest first. */
  internetTiers(region: string): PriceRow[] {
    const own = this.tiersByRegion.get(region);
    if (own && own.length > 0) return own;
    this.fallbackRegions.add(region);
    return this.tiersByRegion.get(FALLBACK_PRICE_REGION) ?? [];
  }

  /** GB of internet egress free each month, all regions together. */
  freeInternetGb(): number {
    return this.byKey.get(`${GLOBAL_REGION}/internet_free_gb`)?.rate ?? 0;
  }
}

/** Dollars for `gb` GB on a tier ladder, the first `freeGb` GB of the ladder being free. */
export function tieredCost(tiers: readonly Pick<PriceRow, "tierStartGb" | "rate">[], gb: number, freeGb = 0): number {
  let cost = 0;
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as Pick<PriceRow, "tierStartGb" | "rate">;
    const next = tiers[i + 1];
    const from = Math.max(tier.tierStartGb, freeGb);
    const to = Math.min(next ? next.tierStartGb : Infinity, gb);
    if (to > from) cost += (to - from) * tier.rate;
  }
  return cost;
}

export interface InternetEgressMonth {
  region: string;
  bytes: number;
  /** The part of the month's free allowance given to this region. */
  freeBytes: number;
  cost: number;
  /** cost / bytes: what one byte of this region's internet egress costs this month. */
  dollarsPerByte: number;
}

/**
 * Internet egress of one calendar month, all accounts together (consolidated billing): each
 * region's volume is priced on its own tier ladder; the free allowance (all regions together) is
 * shared between regions in proportion to their volume and takes the bottom of each ladder.
 */
export function internetEgressMonth(book: PriceBook, bytesByRegion: ReadonlyMap<string, number>): InternetEgressMonth[] {
  const total = [...bytesByRegion.values()].reduce((a, b) => a + b, 0);
  const freeBytesTotal = Math.min(total, book.freeInternetGb() * BYTES_PER_GB);
  const months: InternetEgressMonth[] = [];
  for (const [region, bytes] of [...bytesByRegion].sort((a, b) => a[0].localeCompare(b[0]))) {
    const freeBytes = total === 0 ? 0 : (freeBytesTotal * bytes) / total;
    const cost = tieredCost(book.internetTiers(region), bytes / BYTES_PER_GB, freeBytes / BYTES_PER_GB);
    months.push({ region, bytes, freeBytes, cost, dollarsPerByte: bytes === 0 ? 0 : cost / bytes });
  }
  return months;
}
