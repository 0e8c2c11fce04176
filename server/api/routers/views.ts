/** The rejected-traffic and egress views, one procedure per panel (they load side by side). */
import { z } from "zod";
import { flowFilterSchema } from "../../explore/filter";
import { chartResultSchema, dimensionSchema, panelQueriesSchema, timeRangeInput, topListSchema } from "../../explore/schemas";
import { egressBreakdown, egressOverTime, rejectedInternal, rejectedOverTime, rejectedScans, rejectedSummary } from "../../explore/views";
import { publicProcedure, router } from "../trpc";

const viewInput = z.object({ filter: flowFilterSchema, range: timeRangeInput, top: z.number().int().min(1).max(30).default(8) });

export const viewsRouter = router({
  rejectedOverTime: publicProcedure
    .input(viewInput.extend({ by: z.enum(["vpc", "account", "service", "dstPort", "source"]) }))
    .output(chartResultSchema.extend({ explore: flowFilterSchema }))
    .query(({ ctx, input }) => rejectedOverTime(ctx, input)),

  rejectedSummary: publicProcedure
    .input(viewInput)
    .output(z.object({ total: z.number(), topSources: topListSchema, targetedPorts: topListSchema, targetedServices: topListSchema, queries: panelQueriesSchema, notes: z.array(z.string()), explore: flowFilterSchema }))
    .query(({ ctx, input }) => rejectedSummary(ctx, input)),

  rejectedInternal: publicProcedure
    .input(viewInput)
    .output(
      z.object({
        rows: z.array(
          z.object({
            source: z.string(),
            sourceTeam: z.string().nullable(),
            sourceService: z.string().nullable(),
            destination: z.string(),
            destinationTeam: z.string().nullable(),
            destinationService: z.string().nullable(),
            port: z.string(),
            count: z.number(),
            combinations: z.number(),
          }),
        ),
        total: z.number(),
        exact: z.boolean(),
        queries: z.array(z.string()),
        notes: z.array(z.string()),
        explore: flowFilterSchema,
      }),
    )
    .query(({ ctx, input }) => rejectedInternal(ctx, input)),

  rejectedScans: publicProcedure
    .input(viewInput)
    .output(z.object({ sources: topListSchema, ports: topListSchema, total: z.number(), distinctSources: z.number().nullable(), queries: z.array(z.string()), notes: z.array(z.string()), explore: flowFilterSchema }))
    .query(({ ctx, input }) => rejectedScans(ctx, input)),

  egressOverTime: publicProcedure
    .input(viewInput.extend({ by: dimensionSchema }))
    .output(chartResultSchema.extend({ definition: z.string(), explore: flowFilterSchema }))
    .query(({ ctx, input }) => egressOverTime(ctx, input)),

  egressBreakdown: publicProcedure
    .input(viewInput)
    .output(
      z.object({
        total: z.number(),
        definition: z.string(),
        byService: topListSchema,
        byTeam: topListSchema,
        topDestinations: topListSchema,
        byDestinationName: topListSchema,
        sankey: z.object({
          nodes: z.array(z.object({ name: z.string(), side: z.enum(["source", "destination"]) })),
          links: z.array(z.object({ source: z.number(), target: z.number(), value: z.number() })),
        }),
        queries: panelQueriesSchema,
        notes: z.array(z.string()),
        explore: flowFilterSchema,
      }),
    )
    .query(({ ctx, input }) => egressBreakdown(ctx, input)),
});
