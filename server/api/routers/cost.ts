/** Cost review: the report, the price table and its history, saved report links, rollup status and recomputation. */
import { z } from "zod";
import { env } from "../../env";
import { AppError } from "../../errors";
import { PRICE_ITEMS, PRICE_ITEM_NAMES } from "../../cost/prices";
import { changePrices, listPrices, priceHistory } from "../../cost/price-service";
import { costReport } from "../../cost/report";
import { type RollupSummary, rollupRange } from "../../cost/rollup";
import { ROLLUP_LOCK_KEY, rollupScheduleOf, withAdvisoryLock } from "../../cost/scheduler";
import { getReportLink, listReportLinks, saveReportLink } from "../../cost/saved-reports";
import { publicProcedure, router } from "../trpc";

const HOUR_MS = 3_600_000;
const text = z.string().trim().max(200);

export const reportInput = z.object({
  /** Unix ms, whole hours. */
  from: z.number().int().nonnegative(),
  to: z.number().int().positive(),
  filters: z.object({ team: text.optional(), service: text.optional(), accountId: text.optional(), path: text.optional() }).default({}),
});

const breakdownEntry = z.object({ key: z.string(), label: z.string(), detail: z.string().optional(), dollars: z.number(), bytes: z.number(), previousDollars: z.number().nullable() });
const period = z.object({ from: z.number(), to: z.number() });
const savingService = z.object({ service: z.string(), team: z.string(), bytes: z.number(), dollars: z.number() });
const savingVpc = z.object({
  vpcId: z.string(),
  vpcName: z.string().nullable(),
  region: z.string(),
  detail: z.string().nullable(),
  bytes: z.number(),
  dollars: z.number(),
  newCost: z.number(),
  estimatedSavings: z.number(),
  services: z.array(savingService),
});

export const reportOutput = z.object({
  period,
  previousPeriod: period,
  running: z.boolean(),
  filters: z.object({ team: z.string().optional(), service: z.string().optional(), accountId: z.string().optional(), path: z.string().optional() }),
  totals: z.object({ dollars: z.number(), bytes: z.number(), billedBytes: z.number(), previousDollars: z.number(), fixedDollars: z.number() }),
  byTeam: z.array(breakdownEntry),
  byService: z.array(breakdownEntry),
  byAccount: z.array(breakdownEntry),
  byVpc: z.array(breakdownEntry),
  byPath: z.array(breakdownEntry),
  byDestination: z.array(breakdownEntry),
  teamByPath: z.array(z.object({ team: z.string(), path: z.string(), dollars: z.number(), bytes: z.number() })),
  daily: z.array(z.object({ day: z.string(), total: z.number(), byPath: z.record(z.string(), z.number()) })),
  movers: z.array(z.object({ dimension: z.enum(["service", "team"]), key: z.string(), label: z.string(), dollars: z.number(), previousDollars: z.number(), change: z.number() })),
  savings: z.array(
    z.object({
      kind: z.enum(["gateway_endpoint", "interface_endpoint", "nat_same_az"]),
      target: z.string(),
      title: z.string(),
      action: z.string(),
      bytes: z.number(),
      dollars: z.number(),
      estimatedSavings: z.number(),
      vpcs: z.array(savingVpc),
    }),
  ),
  coverage: z.object({ hours: z.number(), rolledUp: z.number(), provisional: z.number(), missing: z.number(), lastComputedAt: z.string().nullable() }),
  fallbackRegions: z.array(z.string()),
  warnings: z.array(z.string()),
});

const priceRow = z.object({
  region: z.string().trim().min(1).max(40),
  item: z.enum(PRICE_ITEM_NAMES as [string, ...string[]]),
  tierStartGb: z.number().int().nonnegative(),
  rate: z.number(),
  source: z.string().trim().max(500),
  asOf: z.string().trim().max(20),
});

const storedPrice = priceRow.extend({ id: z.string(), updatedAt: z.string(), updatedBy: z.string() });
const priceChange = z.object({
  id: z.string(),
  region: z.string(),
  item: z.string(),
  tierStartGb: z.number(),
  oldRate: z.number().nullable(),
  newRate: z.number().nullable(),
  oldSource: z.string().nullable(),
  newSource: z.string().nullable(),
  oldAsOf: z.string().nullable(),
  newAsOf: z.string().nullable(),
  note: z.string(),
  changedBy: z.string(),
  changedAt: z.string(),
});
const savedReport = z.object({ slug: z.string(), title: z.string(), params: z.record(z.string(), z.string()), createdBy: z.string(), createdAt: z.string() });

const rollupSummary = z.object({
  hours: z.number(),
  computed: z.number(),
  lateData: z.number(),
  unchanged: z.number(),
  flowLogs: z.array(z.string()),
  skipped: z.array(z.object({ flowLogId: z.string(), missing: z.array(z.string()) })),
  failed: z.array(z.object({ flowLogId: z.string(), error: z.string() })),
  queries: z.number(),
  maxShards: z.number(),
  refinedHours: z.number(),
  rows: z.number(),
  durationMs: z.number(),
});

export const costRouter = router({
  report: publicProcedure
    .input(reportInput)
    .output(reportOutput)
    .query(({ ctx, input }) => costReport({ db: ctx.db }, { period: { from: input.from, to: input.to }, filters: input.filters })),

  prices: publicProcedure.output(z.array(storedPrice)).query(({ ctx }) => listPrices({ db: ctx.db })),

  priceItems: publicProcedure
    .output(z.array(z.object({ item: z.string(), label: z.string(), unit: z.string(), tiered: z.boolean() })))
    .query(() => PRICE_ITEM_NAMES.map((item) => ({ item, ...PRICE_ITEMS[item] }))),

  priceHistory: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .output(z.array(priceChange))
    .query(({ ctx, input }) => priceHistory({ db: ctx.db }, input)),

  changePrices: publicProcedure
    .input(
      z.object({
        upsert: z.array(priceRow).max(500),
        remove: z.array(priceRow.pick({ region: true, item: true, tierStartGb: true })).max(500).default([]),
        note: z.string().trim().max(500).default(""),
      }),
    )
    .output(z.object({ changed: z.number() }))
    .mutation(({ ctx, input }) =>
      changePrices({ db: ctx.db }, { upsert: input.upsert as Parameters<typeof changePrices>[1]["upsert"], remove: input.remove as Parameters<typeof changePrices>[1]["remove"], note: input.note, actor: ctx.user.name }),
    ),

  saveLink: publicProcedure
    .input(z.object({ title: z.string().max(300), params: z.record(z.string(), z.string().max(300)) }))
    .output(savedReport)
    .mutation(({ ctx, input }) => saveReportLink({ db: ctx.db }, { ...input, actor: ctx.user.name })),

  savedLinks: publicProcedure.output(z.array(savedReport)).query(({ ctx }) => listReportLinks({ db: ctx.db })),

  savedLink: publicProcedure
    .input(z.object({ slug: z.string().regex(/^[a-z0-9]{4,20}$/, "a saved report link is letters and digits") }))
    .output(savedReport)
    .query(({ ctx, input }) => getReportLink({ db: ctx.db }, input.slug)),

  /** Recomputes the rollups of a period now (after an inventory or mapping-rule change), under the rollup lock. */
  recompute: publicProcedure
    .input(z.object({ from: z.number().int().nonnegative(), to: z.number().int().positive() }))
    .output(rollupSummary)
    .mutation(async ({ ctx, input }) => {
      if (input.from % HOUR_MS !== 0 || input.to % HOUR_MS !== 0 || !(input.from < input.to)) throw new AppError("BAD_REQUEST", "Recompute whole hours: from and to on hour boundaries, to after from.");
      if (input.to - input.from > 31 * 24 * HOUR_MS) throw new AppError("BAD_REQUEST", "Recompute at most 31 days from the portal; use `npx flowlens rollup --from … --to … --force` for more.");
      const settings = env();
      if (!settings.DATABASE_URL) throw new AppError("UNAVAILABLE", "DATABASE_URL is not set in the portal process.");
      const schedule = rollupScheduleOf(settings);
      const summary: RollupSummary | undefined = await withAdvisoryLock(settings.DATABASE_URL, ROLLUP_LOCK_KEY, () =>
        rollupRange({ db: ctx.db, gate: ctx.gate }, { from: input.from / 1000, to: input.to / 1000, force: true, deliveryDelaySeconds: schedule.deliveryDelaySeconds }),
      );
      if (!summary) throw new AppError("CONFLICT", "The rollups are being computed right now (the portal's schedule or `flowlens rollup`); try again in a minute.");
      return summary;
    }),
});
