/** Explore: flow lines, charts, metric LogQL, LogQL checks, the builder's LogQL both ways, one flow in full. */
import { z } from "zod";
import { env } from "../../env";
import { flowFilterSchema } from "../../explore/filter";
import { checkLogQL } from "../../explore/logql-check";
import {
  chartResultSchema,
  dimensionSchema,
  flowDetailSchema,
  flowPageSchema,
  flowSourceInput,
  measureSchema,
  timeRangeInput,
} from "../../explore/schemas";
import {
  explainFlowFilter,
  filterOfLogQL,
  flowDetailOf,
  flowVocabulary,
  queryFlowChart,
  queryFlowLines,
  queryMetric,
} from "../../explore/service";
import { publicProcedure, router } from "../trpc";

const filterValues = z.object({ in: z.array(z.string()), out: z.array(z.string()) });

export const flowsRouter = router({
  settings: publicProcedure
    .output(z.object({ grafanaUrl: z.string().nullable(), grafanaDatasource: z.string(), backend: z.enum(["loki", "embedded"]) }))
    .query(({ ctx }) => {
      const settings = env();
      return { grafanaUrl: settings.GRAFANA_URL ?? null, grafanaDatasource: settings.GRAFANA_LOKI_DATASOURCE, backend: ctx.gate.backend.kind };
    }),

  vocabulary: publicProcedure
    .output(
      z.object({
        accounts: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
        vpcs: z.array(z.object({ id: z.string(), name: z.string().nullable(), accountId: z.string() })),
        subnets: z.array(z.object({ id: z.string(), name: z.string().nullable(), vpcId: z.string(), availabilityZone: z.string() })),
        services: z.array(z.object({ name: z.string(), team: z.string().nullable(), interfaces: z.number() })),
        teams: z.array(z.string()),
        flowLogs: z.array(z.object({ id: z.string(), format: z.string(), source: z.string() })),
      }),
    )
    .query(({ ctx }) => flowVocabulary(ctx)),

  check: publicProcedure
    .input(z.object({ query: z.string().max(20_000) }))
    .output(
      z.discriminatedUnion("ok", [
        z.object({ ok: z.literal(true), kind: z.enum(["log", "metric"]) }),
        z.object({ ok: z.literal(false), message: z.string(), from: z.number(), to: z.number(), line: z.number(), column: z.number() }),
      ]),
    )
    .query(({ input }) => checkLogQL(input.query)),

  plan: publicProcedure
    .input(z.object({ filter: flowFilterSchema, range: timeRangeInput }))
    .output(
      z.object({
        queries: z.array(z.string()),
        merge: z.enum(["single", "logs", "sum"]),
        notes: z.array(z.string()),
        groups: z.array(z.object({ format: z.string(), flowLogIds: z.array(z.string()), isDefault: z.boolean(), skipped: z.string().optional() })),
      }),
    )
    .query(({ ctx, input }) => explainFlowFilter(ctx, input)),

  fromLogQL: publicProcedure
    .input(z.object({ query: z.string().max(20_000) }))
    .output(
      z.discriminatedUnion("ok", [
        z.object({ ok: z.literal(true), filter: z.record(z.string(), filterValues), format: z.string().nullable() }),
        z.object({ ok: z.literal(false), reason: z.string() }),
      ]),
    )
    .query(async ({ ctx, input }) => {
      const parsed = await filterOfLogQL(ctx, input.query);
      return parsed.ok ? { ok: true as const, filter: parsed.filter, format: parsed.format?.header ?? null } : parsed;
    }),

  lines: publicProcedure
    .input(
      z.object({
        source: flowSourceInput,
        range: timeRangeInput,
        limit: z.number().int().min(1).max(5000).default(1000),
        cursor: z.object({ endNs: z.string().regex(/^\d+$/), seen: z.array(z.string()).max(5000) }).optional(),
      }),
    )
    .output(flowPageSchema)
    .query(({ ctx, input }) => queryFlowLines(ctx, input)),

  chart: publicProcedure
    .input(z.object({ filter: flowFilterSchema, range: timeRangeInput, measure: measureSchema, dimension: dimensionSchema, top: z.number().int().min(1).max(30).default(8) }))
    .output(chartResultSchema)
    .query(({ ctx, input }) => queryFlowChart(ctx, input)),

  metric: publicProcedure
    .input(z.object({ query: z.string().min(1).max(20_000), range: timeRangeInput, top: z.number().int().min(1).max(50).default(20) }))
    .output(chartResultSchema.extend({ hiddenSeries: z.number() }))
    .query(({ ctx, input }) => queryMetric(ctx, input)),

  detail: publicProcedure
    .input(z.object({ tsNs: z.string().regex(/^\d+$/), labels: z.record(z.string(), z.string()), line: z.string().max(100_000) }))
    .output(flowDetailSchema)
    .query(({ ctx, input }) => flowDetailOf(ctx, input)),
});
