/**
 * The cost review report: dollars for a period (a month or any range of whole hours) from the
 * hourly rollups and the price table, broken down by team, service, account, VPC, path and
 * destination, compared with the period before it, with the days of the period, the top movers
 * and the savings opportunities (savings.ts).
 *
 * Pricing happens here, at report time, so a price change applies to every report at once:
 * - per-GB paths: GB (2^30 bytes) × the rate of the hop's price region (cross-AZ × 2: AWS charges
 *   each direction, $0.01 out and $0.01 in);
 * - internet egress: per calendar month (UTC) and region, the organisation's whole month of
 *   internet egress is priced on the region's tiers with the free allowance shared between regions
 *   (prices.ts); every byte of that month and region then costs the month's average rate, so a
 *   team's share is its bytes × that rate;
 * - fixed charges: NAT gateway hours, interface endpoint hours (per endpoint interface = per AZ),
 *   Transit Gateway attachment hours, from the inventory's interfaces and their lifetimes (from
 *   first seen to deleted; nothing before the first inventory import, and the report says so).
 */
import type { Database } from "../db/client";
import { Prisma } from "../db/generated/client";
import { getEnrichmentLookup } from "../enrichment/loader";
import { AppError } from "../errors";
import { COST_PATHS, type CostPath, partyOf, viaLabel } from "./classify";
import { BYTES_PER_GB, type PriceBook, PriceBook as Book, internetEgressMonth } from "./prices";
import { loadPriceTable } from "./price-service";
import { type SavingOpportunity, findSavings } from "./savings";

export const HOUR_MS = 3_600_000;

export interface CostFilters {
  team?: string;
  service?: string;
  accountId?: string;
  path?: string;
}

export interface ReportPeriod {
  /** Unix ms, whole hours. */
  from: number;
  to: number;
}

/** One priced group of rollup rows (or a fixed charge). */
export interface CostLine {
  month: number;
  day?: number;
  priceRegion: string | null;
  path: CostPath;
  accountId: string;
  region: string;
  vpcId: string;
  vpcName: string | null;
  availabilityZone: string | null;
  service: string;
  team: string;
  peerClass: string;
  peerName: string;
  peerRegion: string | null;
  direction: string;
  via: string | null;
  viaKind: string | null;
  inferred: boolean;
  bytes: number;
  packets: number;
  flows: number;
  /** Hours of a fixed charge (0 for traffic). */
  hours: number;
  dollars: number;
}

export interface BreakdownEntry {
  key: string;
  label: string;
  /** For services: their team. */
  detail?: string;
  dollars: number;
  bytes: number;
  previousDollars: number | null;
}

export interface Mover {
  dimension: "service" | "team";
  key: string;
  label: string;
  dollars: number;
  previousDollars: number;
  change: number;
}

export interface CostReport {
  period: ReportPeriod;
  /** What the period is compared with: the period before it, cut to the same length while the period is still running. */
  previousPeriod: ReportPeriod;
  /** The period has not ended yet. */
  running: boolean;
  filters: CostFilters;
  totals: { dollars: number; bytes: number; billedBytes: number; previousDollars: number; fixedDollars: number };
  byTeam: BreakdownEntry[];
  byService: BreakdownEntry[];
  byAccount: BreakdownEntry[];
  byVpc: BreakdownEntry[];
  byPath: BreakdownEntry[];
  byDestination: BreakdownEntry[];
  /** Dollars per team and path (what the cost review table shows). */
  teamByPath: { team: string; path: string; dollars: number; bytes: number }[];
  daily: { day: string; total: number; byPath: Record<string, number> }[];
  movers: Mover[];
  savings: SavingOpportunity[];
  coverage: { hours: number; rolledUp: number; provisional: number; missing: number; lastComputedAt: string | null };
  /** Regions priced with another region's figures. */
  fallbackRegions: string[];
  warnings: string[];
}

/** The period before `period`: the previous calendar month for a calendar month, else the same length just before. */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  const from = new Date(period.from);
  const isMonth =
    from.getUTCDate() === 1 && from.getUTCHours() === 0 && period.to === Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1);
  if (isMonth) return { from: Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - 1, 1), to: period.from };
  return { from: period.from - (period.to - period.from), to: period.from };
}

/** The calendar month (UTC) `YYYY-MM` as a period. */
export function monthPeriod(month: string): ReportPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) throw new AppError("BAD_REQUEST", `"${month}" is not a month; write it as YYYY-MM, e.g. 2026-10.`);
  const year = Number(match[1]);
  const m = Number(match[2]) - 1;
  if (m < 0 || m > 11) throw new AppError("BAD_REQUEST", `"${month}" is not a month; months run from 01 to 12.`);
  return { from: Date.UTC(year, m, 1), to: Date.UTC(year, m + 1, 1) };
}

function checkPeriod(period: ReportPeriod): void {
  if (!(period.from < period.to)) throw new AppError("BAD_REQUEST", "The period must end after it starts.");
  if (period.from % HOUR_MS !== 0 || period.to % HOUR_MS !== 0) throw new AppError("BAD_REQUEST", "A period starts and ends on whole hours (UTC).");
  if (period.to - period.from > 400 * 24 * HOUR_MS) throw new AppError("BAD_REQUEST", "A report covers at most 400 days; choose a shorter period.");
}

const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

function filterSql(filters: CostFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filters.team) parts.push(Prisma.sql`AND "team" = ${filters.team}`);
  if (filters.service) parts.push(Prisma.sql`AND "service" = ${filters.service}`);
  if (filters.accountId) parts.push(Prisma.sql`AND "account_id" = ${filters.accountId}`);
  if (filters.path) parts.push(Prisma.sql`AND "path" = ${filters.path}`);
  return parts.length === 0 ? Prisma.empty : Prisma.join(parts, " ");
}

interface RawLine {
  month: Date;
  day: Date | null;
  price_region: string | null;
  path: string;
  account_id: string;
  region: string;
  vpc_id: string;
  vpc_name: string | null;
  availability_zone: string | null;
  service: string;
  team: string;
  peer_class: string;
  peer_name: string;
  peer_region: string | null;
  direction: string;
  via: string | null;
  via_kind: string | null;
  inferred: boolean;
  bytes: number;
  packets: number;
  flows: number;
}

/** Per-byte rates of internet egress for each month and region the period touches (the whole months, all teams). */
async function internetRates(db: Database, book: PriceBook, period: ReportPeriod): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ month: Date; price_region: string | null; bytes: number }[]>`
    SELECT date_trunc('month', "hour", 'UTC') AS month, "price_region", sum("bytes")::float8 AS bytes
    FROM "cost_rollups"
    WHERE "path" = 'internet_egress' AND "hour" >= ${new Date(monthStart(period.from))} AND "hour" < ${new Date(nextMonth(period.to - 1))}
    GROUP BY 1, 2`;
  const byMonth = new Map<number, Map<string, number>>();
  for (const r of rows) {
    const m = byMonth.get(r.month.getTime()) ?? new Map<string, number>();
    const region = r.price_region ?? "unknown";
    m.set(region, (m.get(region) ?? 0) + r.bytes);
    byMonth.set(r.month.getTime(), m);
  }
  const rates = new Map<string, number>();
  for (const [month, volumes] of byMonth) for (const m of internetEgressMonth(book, volumes)) rates.set(`${month}/${m.region}`, m.dollarsPerByte);
  return rates;
}

/** The dollars of `bytes` on `path` in `priceRegion` during `month`. */
export function lineDollars(book: PriceBook, internet: ReadonlyMap<string, number>, line: { path: string; priceRegion: string | null; month: number; bytes: number }): number {
  const region = line.priceRegion;
  if (region === null) return 0;
  const gb = line.bytes / BYTES_PER_GB;
  switch (line.path) {
    case "internet_egress":
      return line.bytes * (internet.get(`${line.month}/${region}`) ?? 0);
    case "nat_processing":
      return gb * book.rate("nat_gateway_gb", region);
    case "cross_az":
      return gb * 2 * book.rate("cross_az_gb", region);
    case "inter_region":
      return gb * book.rate("inter_region_gb", region);
    case "interface_endpoint":
      return gb * book.rate("interface_endpoint_gb", region);
    case "transit_gateway":
      return gb * book.rate("transit_gateway_gb", region);
    case "regional_public":
      return gb * book.rate("regional_public_gb", region);
    case "gateway_endpoint":
      return gb * book.rate("gateway_endpoint_gb", region);
    default:
      return 0;
  }
}

async function trafficLines(db: Database, book: PriceBook, period: ReportPeriod, filters: CostFilters, byDay: boolean): Promise<CostLine[]> {
  const internet = await internetRates(db, book, period);
  const dayColumn = byDay ? Prisma.sql`date_trunc('day', "hour", 'UTC')` : Prisma.sql`NULL::timestamptz`;
  const raw = await db.$queryRaw<RawLine[]>`
    SELECT date_trunc('month', "hour", 'UTC') AS month, ${dayColumn} AS day, "price_region", "path", "account_id", "region", "vpc_id", "vpc_name",
      "availability_zone", "service", "team", "peer_class", "peer_name", "peer_region", "direction", "via", "via_kind", "inferred",
      sum("bytes")::float8 AS bytes, sum("packets")::float8 AS packets, sum("flows")::float8 AS flows
    FROM "cost_rollups"
    WHERE "hour" >= ${new Date(period.from)} AND "hour" < ${new Date(period.to)} ${filterSql(filters)}
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18`;
  return raw.map((r) => {
    const line = {
      month: r.month.getTime(),
      day: r.day ? r.day.getTime() : undefined,
      priceRegion: r.price_region,
      path: r.path as CostPath,
      accountId: r.account_id,
      region: r.region,
      vpcId: r.vpc_id,
      vpcName: r.vpc_name,
      availabilityZone: r.availability_zone,
      service: r.service,
      team: r.team,
      peerClass: r.peer_class,
      peerName: r.peer_name,
      peerRegion: r.peer_region,
      direction: r.direction,
      via: r.via,
      viaKind: r.via_kind,
      inferred: r.inferred,
      bytes: r.bytes,
      packets: r.packets,
      flows: r.flows,
      hours: 0,
      dollars: 0,
    };
    line.dollars = lineDollars(book, internet, line);
    return line;
  });
}

const FIXED: Record<string, { path: CostPath; item: "nat_gateway_hour" | "interface_endpoint_hour" | "transit_gateway_hour" }> = {
  nat_gateway: { path: "nat_gateway_hours", item: "nat_gateway_hour" },
  vpc_endpoint: { path: "interface_endpoint_hours", item: "interface_endpoint_hour" },
  transit_gateway: { path: "transit_gateway_hours", item: "transit_gateway_hour" },
};

/** NAT gateway, interface endpoint and Transit Gateway attachment hours in the period (per day when asked). */
async function fixedLines(db: Database, book: PriceBook, period: ReportPeriod, filters: CostFilters, byDay: boolean, now: number): Promise<CostLine[]> {
  if (filters.path && !Object.values(FIXED).some((f) => f.path === filters.path)) return [];
  const interfaces = await db.networkInterface.findMany({
    where: {
      interfaceType: { in: Object.keys(FIXED) },
      firstSeen: { lt: new Date(period.to) },
      OR: [{ deletedAt: null }, { deletedAt: { gt: new Date(period.from) } }],
      ...(filters.accountId ? { accountId: filters.accountId } : {}),
    },
    select: { id: true, interfaceType: true, description: true, firstSeen: true, deletedAt: true },
  });
  if (interfaces.length === 0) return [];
  const lookup = await getEnrichmentLookup(db);
  const lines: CostLine[] = [];
  const attachmentsSeen = new Set<string>();
  for (const iface of interfaces) {
    const fixed = FIXED[iface.interfaceType];
    const entry = lookup.interface(iface.id);
    if (!fixed || !entry) continue;
    if (iface.interfaceType === "transit_gateway") {
      // One charge per attachment, whatever the number of its interfaces (one per AZ).
      const attachment = /tgw-attach-[0-9a-f]+/.exec(iface.description)?.[0] ?? iface.id;
      if (attachmentsSeen.has(attachment)) continue;
      attachmentsSeen.add(attachment);
    }
    const party = partyOf(entry.endpoint);
    if (filters.team && party.team !== filters.team) continue;
    if (filters.service && party.service !== filters.service) continue;
    // Charged from when the inventory first saw the interface: before that there is no evidence
    // it existed (the report warns when its period starts before the first inventory import).
    const existedFrom = iface.firstSeen.getTime();
    // Hours to come are not charged yet.
    const existedTo = Math.min(iface.deletedAt?.getTime() ?? Infinity, now);
    const rate = book.rate(fixed.item, party.region);
    const pieces: { from: number; to: number }[] = [];
    if (byDay) {
      for (let d = Math.floor(period.from / 86_400_000) * 86_400_000; d < period.to; d += 86_400_000) pieces.push({ from: Math.max(d, period.from), to: Math.min(d + 86_400_000, period.to) });
    } else {
      // Per month, so that lines carry their month as traffic lines do.
      for (let m = monthStart(period.from); m < period.to; m = nextMonth(m)) pieces.push({ from: Math.max(m, period.from), to: Math.min(nextMonth(m), period.to) });
    }
    for (const piece of pieces) {
      const hours = Math.max(0, Math.min(existedTo, piece.to) - Math.max(existedFrom, piece.from)) / HOUR_MS;
      if (hours <= 0) continue;
      lines.push({
        month: monthStart(piece.from),
        day: byDay ? Math.floor(piece.from / 86_400_000) * 86_400_000 : undefined,
        priceRegion: party.region,
        path: fixed.path,
        accountId: party.accountId,
        region: party.region,
        vpcId: party.vpcId,
        vpcName: party.vpcName,
        availabilityZone: party.availabilityZone,
        service: party.service,
        team: party.team,
        peerClass: "service",
        peerName: party.service,
        peerRegion: party.region,
        direction: "out",
        via: viaLabel(entry.endpoint),
        viaKind: iface.interfaceType,
        inferred: false,
        bytes: 0,
        packets: 0,
        flows: 0,
        hours,
        dollars: hours * rate,
      });
    }
  }
  return lines;
}

/** Every priced line of a period (traffic and fixed charges). */
export async function costLines(db: Database, book: PriceBook, period: ReportPeriod, filters: CostFilters, options: { byDay?: boolean; now?: number } = {}): Promise<CostLine[]> {
  checkPeriod(period);
  const byDay = options.byDay ?? false;
  const [traffic, fixed] = await Promise.all([trafficLines(db, book, period, filters, byDay), fixedLines(db, book, period, filters, byDay, options.now ?? Date.now())]);
  return [...traffic, ...fixed];
}

function breakdown(lines: readonly CostLine[], previous: readonly CostLine[] | null, keyOf: (l: CostLine) => string, labelOf: (l: CostLine) => string, detailOf?: (l: CostLine) => string): BreakdownEntry[] {
  const map = new Map<string, BreakdownEntry>();
  for (const line of lines) {
    const key = keyOf(line);
    const entry = map.get(key) ?? { key, label: labelOf(line), detail: detailOf?.(line), dollars: 0, bytes: 0, previousDollars: previous ? 0 : null };
    entry.dollars += line.dollars;
    entry.bytes += line.bytes;
    map.set(key, entry);
  }
  if (previous) {
    for (const line of previous) {
      const key = keyOf(line);
      const entry = map.get(key) ?? { key, label: labelOf(line), detail: detailOf?.(line), dollars: 0, bytes: 0, previousDollars: 0 };
      entry.previousDollars = (entry.previousDollars ?? 0) + line.dollars;
      map.set(key, entry);
    }
  }
  return [...map.values()].sort((a, b) => b.dollars - a.dollars || b.bytes - a.bytes || a.label.localeCompare(b.label));
}

function movers(current: readonly CostLine[], previous: readonly CostLine[]): Mover[] {
  const result: Mover[] = [];
  for (const dimension of ["service", "team"] as const) {
    const entries = breakdown(current, previous, (l) => l[dimension], (l) => l[dimension]);
    for (const e of entries) {
      const change = e.dollars - (e.previousDollars ?? 0);
      if (Math.abs(change) >= 0.005) result.push({ dimension, key: e.key, label: e.label, dollars: e.dollars, previousDollars: e.previousDollars ?? 0, change });
    }
  }
  return result.sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, 10);
}

/** Coverage of the period's hours up to now (hours still to come are not missing). */
async function coverage(db: Database, period: ReportPeriod, now: number): Promise<CostReport["coverage"]> {
  const to = Math.max(period.from, Math.min(period.to, Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS));
  const rows = await db.costRollupCoverage.findMany({ where: { hour: { gte: new Date(period.from), lt: new Date(to) } }, select: { final: true, computedAt: true } });
  const hours = (to - period.from) / HOUR_MS;
  const provisional = rows.filter((r) => !r.final).length;
  const last = rows.reduce<Date | null>((a, r) => (a === null || r.computedAt > a ? r.computedAt : a), null);
  return { hours, rolledUp: rows.length, provisional, missing: hours - rows.length, lastComputedAt: last ? last.toISOString() : null };
}

export interface ReportDeps {
  db: Database;
}

/** The report for a period and filters. */
export async function costReport({ db }: ReportDeps, input: { period: ReportPeriod; filters: CostFilters; now?: number }): Promise<CostReport> {
  const { period, filters } = input;
  checkPeriod(period);
  const now = input.now ?? Date.now();
  // A period still running is compared with the same length of the period before it.
  const elapsedTo = Math.min(period.to, Math.ceil(now / HOUR_MS) * HOUR_MS);
  const fullPrevious = previousPeriod(period);
  const partial = elapsedTo < period.to && elapsedTo > period.from;
  const previous = partial ? { from: fullPrevious.from, to: Math.min(fullPrevious.to, fullPrevious.from + (elapsedTo - period.from)) } : fullPrevious;
  const book = new Book(await loadPriceTable({ db }));
  const [lines, previousLines, days, cover] = await Promise.all([
    costLines(db, book, period, filters, { now }),
    costLines(db, book, previous, filters, { now }),
    costLines(db, book, period, filters, { byDay: true, now }),
    coverage(db, period, now),
  ]);
  const accountNames = new Map((await db.awsAccount.findMany({ select: { id: true, name: true } })).map((a) => [a.id, a.name]));
  const sum = (list: readonly CostLine[]) => list.reduce((a, l) => a + l.dollars, 0);
  const dailyMap = new Map<number, { total: number; byPath: Record<string, number> }>();
  for (let d = Math.floor(period.from / 86_400_000) * 86_400_000; d < period.to; d += 86_400_000) dailyMap.set(d, { total: 0, byPath: {} });
  for (const line of days) {
    const entry = dailyMap.get(line.day ?? 0);
    if (!entry || line.dollars === 0) continue;
    entry.total += line.dollars;
    entry.byPath[line.path] = (entry.byPath[line.path] ?? 0) + line.dollars;
  }
  const teamByPath = breakdown(lines, null, (l) => `${l.team}\u0001${l.path}`, (l) => l.team).map((e) => {
    const [team, path] = e.key.split("\u0001") as [string, string];
    return { team, path, dollars: e.dollars, bytes: e.bytes };
  });
  const warnings: string[] = [];
  if (cover.missing > 0) {
    warnings.push(
      `${cover.missing} of the period's ${cover.hours} hours are not rolled up yet: their traffic is missing from this report. ` +
        "The portal rolls hours up as they pass; for older data run `npx flowlens rollup --from … --to …`.",
    );
  }
  if (cover.provisional > 0) {
    warnings.push(`${cover.provisional === 1 ? "1 hour is" : `${cover.provisional} hours are`} provisional: their flow logs may still be arriving, and ${cover.provisional === 1 ? "it is" : "they are"} recomputed until final.`);
  }
  const firstImport = (await db.inventoryImport.aggregate({ _min: { observedAt: true } }))._min.observedAt;
  if (firstImport && firstImport.getTime() > period.from) {
    warnings.push(
      `The inventory was first imported ${firstImport.toISOString().slice(0, 16).replace("T", " ")} UTC: NAT gateway, endpoint and Transit Gateway hours before that are not counted. ` +
        "To price them, import an older inventory snapshot with `npx flowlens inventory import --observed-at <when it was taken> …`.",
    );
  }
  const unclassified = lines.filter((l) => l.path === "unclassified").reduce((a, l) => a + l.bytes, 0);
  if (unclassified > 0) warnings.push(`${formatBytes(unclassified)} of traffic could not be priced (interfaces or addresses the inventory does not know): import the inventory for them.`);
  if (book.fallbackRegions.size > 0) {
    warnings.push(`No prices for ${[...book.fallbackRegions].sort().join(", ")}: priced with us-east-1's figures. Add the region's figures on the prices page.`);
  }
  const billed = new Set(Object.entries(COST_PATHS).filter(([, v]) => v.billed).map(([k]) => k));
  return {
    period,
    previousPeriod: previous,
    running: partial,
    filters,
    totals: {
      dollars: sum(lines),
      bytes: lines.reduce((a, l) => a + l.bytes, 0),
      billedBytes: lines.filter((l) => billed.has(l.path) && l.dollars > 0).reduce((a, l) => a + l.bytes, 0),
      previousDollars: sum(previousLines),
      fixedDollars: sum(lines.filter((l) => l.hours > 0)),
    },
    byTeam: breakdown(lines, previousLines, (l) => l.team, (l) => l.team),
    byService: breakdown(lines, previousLines, (l) => l.service, (l) => l.service, (l) => l.team),
    byAccount: breakdown(lines, previousLines, (l) => l.accountId, (l) => accountNames.get(l.accountId) ?? l.accountId, (l) => l.accountId),
    byVpc: breakdown(lines, previousLines, (l) => l.vpcId, (l) => l.vpcName ?? l.vpcId, (l) => l.region),
    byPath: breakdown(lines, previousLines, (l) => l.path, (l) => COST_PATHS[l.path]?.label ?? l.path),
    byDestination: breakdown(lines, previousLines, (l) => `${l.peerClass}\u0001${l.peerName}`, (l) => l.peerName, (l) => l.peerClass),
    teamByPath,
    daily: [...dailyMap].map(([day, v]) => ({ day: new Date(day).toISOString().slice(0, 10), ...v })),
    movers: movers(lines, previousLines),
    savings: findSavings(book, lines, period),
    coverage: cover,
    fallbackRegions: [...book.fallbackRegions].sort(),
    warnings,
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
