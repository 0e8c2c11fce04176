/**
 * The price table in PostgreSQL: read it as a PriceTable, change figures with validation, and keep
 * the history of who changed what. Every change is one transaction: the rows and their history
 * entries are written together or not at all.
 */
import type { Database } from "../db/client";
import { Prisma } from "../db/generated/client";
import { AppError } from "../errors";
import { PRICE_ITEMS, type PriceItem, type PriceRow, type PriceTable, priceRowProblems, priceTableProblems } from "./prices";

export interface PriceDeps {
  db: Database;
}

export interface StoredPrice extends PriceRow {
  id: string;
  updatedAt: string;
  updatedBy: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Every figure, by region, item and tier. */
export async function listPrices({ db }: PriceDeps): Promise<StoredPrice[]> {
  const rows = await db.costPrice.findMany({ orderBy: [{ region: "asc" }, { item: "asc" }, { tierStartGb: "asc" }] });
  return rows.map((r) => ({
    id: r.id,
    region: r.region,
    item: r.item as PriceItem,
    tierStartGb: r.tierStartGb,
    rate: Number(r.rate),
    source: r.source,
    asOf: day(r.asOf),
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
  }));
}

/** The table as the pricing code reads it. */
export async function loadPriceTable(deps: PriceDeps): Promise<PriceTable> {
  return { rows: (await listPrices(deps)).filter((r) => r.item in PRICE_ITEMS) };
}

export interface PriceChangeInput {
  /** Rows to add or change, identified by region, item and tier start. */
  upsert: Pick<PriceRow, "region" | "item" | "tierStartGb" | "rate" | "source" | "asOf">[];
  /** Rows to remove (e.g. a region's figures, or a tier). */
  remove: Pick<PriceRow, "region" | "item" | "tierStartGb">[];
  note: string;
  actor: string;
}

export interface PriceProblem {
  /** Index in `upsert` (or -1 for the table as a whole). */
  row: number;
  message: string;
}

/**
 * Applies a change to the price table. Every row is checked first (rates, units, sources, dates,
 * the table's shape after the change); with any problem nothing is written and the problems are
 * returned in the error's details.
 */
export async function changePrices({ db }: PriceDeps, input: PriceChangeInput): Promise<{ changed: number }> {
  const problems: PriceProblem[] = [];
  input.upsert.forEach((row, index) => {
    for (const message of priceRowProblems(row)) problems.push({ row: index, message });
  });
  if (input.upsert.length === 0 && input.remove.length === 0) problems.push({ row: -1, message: "Nothing to change." });
  const key = (r: Pick<PriceRow, "region" | "item" | "tierStartGb">) => `${r.region}/${r.item}/${r.tierStartGb}`;
  return db.$transaction(
    async (tx) => {
      // One change at a time: the checks below read the table as it is.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('flowlens.cost_prices'))`;
      const current = await tx.costPrice.findMany();
      const byKey = new Map(current.map((r) => [key({ region: r.region, item: r.item as PriceItem, tierStartGb: r.tierStartGb }), r]));
      for (const r of input.remove) if (!byKey.has(key(r))) problems.push({ row: -1, message: `${r.region} ${r.item} from ${r.tierStartGb} GB does not exist.` });
      // The table as it would be after the change.
      const after = new Map<string, PriceRow>();
      for (const r of current) after.set(key({ region: r.region, item: r.item as PriceItem, tierStartGb: r.tierStartGb }), { region: r.region, item: r.item as PriceItem, tierStartGb: r.tierStartGb, rate: Number(r.rate), source: r.source, asOf: day(r.asOf) });
      for (const r of input.remove) after.delete(key(r));
      for (const r of input.upsert) after.set(key(r), { ...r });
      for (const message of priceTableProblems({ rows: [...after.values()] })) problems.push({ row: -1, message });
      if (problems.length > 0) {
        throw new AppError("BAD_REQUEST", `The prices were not saved: ${problems.map((p) => (p.row >= 0 ? `row ${p.row + 1}: ` : "") + p.message).join(" ")}`, {
          details: { problems },
        });
      }
      let changed = 0;
      const now = new Date();
      for (const r of input.upsert) {
        const existing = byKey.get(key(r));
        const asOf = new Date(`${r.asOf}T00:00:00Z`);
        const rate = new Prisma.Decimal(r.rate.toFixed(6));
        if (existing && existing.rate.equals(rate) && existing.source === r.source && day(existing.asOf) === r.asOf) continue;
        if (existing) {
          await tx.costPrice.update({ where: { id: existing.id }, data: { rate, source: r.source, asOf, updatedAt: now, updatedBy: input.actor } });
        } else {
          await tx.costPrice.create({ data: { region: r.region, item: r.item, tierStartGb: r.tierStartGb, rate, source: r.source, asOf, updatedAt: now, updatedBy: input.actor } });
        }
        await tx.costPriceChange.create({
          data: {
            region: r.region,
            item: r.item,
            tierStartGb: r.tierStartGb,
            oldRate: existing?.rate ?? null,
            newRate: rate,
            oldSource: existing?.source ?? null,
            newSource: r.source,
            oldAsOf: existing?.asOf ?? null,
            newAsOf: asOf,
            note: input.note,
            changedBy: input.actor,
            changedAt: now,
          },
        });
        changed++;
      }
      for (const r of input.remove) {
        const existing = byKey.get(key(r)) as (typeof current)[number];
        await tx.costPrice.delete({ where: { id: existing.id } });
        await tx.costPriceChange.create({
          data: {
            region: r.region,
            item: r.item,
            tierStartGb: r.tierStartGb,
            oldRate: existing.rate,
            newRate: null,
            oldSource: existing.source,
            newSource: null,
            oldAsOf: existing.asOf,
            newAsOf: null,
            note: input.note,
            changedBy: input.actor,
            changedAt: now,
          },
        });
        changed++;
      }
      return { changed };
    },
    { timeout: 30_000 },
  );
}

export interface PriceChangeEntry {
  id: string;
  region: string;
  item: string;
  tierStartGb: number;
  oldRate: number | null;
  newRate: number | null;
  oldSource: string | null;
  newSource: string | null;
  oldAsOf: string | null;
  newAsOf: string | null;
  note: string;
  changedBy: string;
  changedAt: string;
}

/** The most recent changes first. */
export async function priceHistory({ db }: PriceDeps, input: { limit?: number } = {}): Promise<PriceChangeEntry[]> {
  const rows = await db.costPriceChange.findMany({ orderBy: { changedAt: "desc" }, take: Math.min(input.limit ?? 100, 500) });
  return rows.map((r) => ({
    id: r.id,
    region: r.region,
    item: r.item,
    tierStartGb: r.tierStartGb,
    oldRate: r.oldRate === null ? null : Number(r.oldRate),
    newRate: r.newRate === null ? null : Number(r.newRate),
    oldSource: r.oldSource,
    newSource: r.newSource,
    oldAsOf: r.oldAsOf ? day(r.oldAsOf) : null,
    newAsOf: r.newAsOf ? day(r.newAsOf) : null,
    note: r.note,
    changedBy: r.changedBy,
    changedAt: r.changedAt.toISOString(),
  }));
}
