/** Investigations: list, open, create from a view, edit (with history and version), panels, pins, exports of rules. */
import { z } from "zod";
import { AppError } from "../../errors";
import { flowRowSchema } from "../../explore/schemas";
import { type PanelDisplay, displayPanel } from "../../investigations/display";
import { investigationFacets, presentInvestigation } from "../../investigations/present";
import { recordNameFor, ruleGroupYaml, ruleQueryOfPanel } from "../../investigations/ruler";
import {
  type InvestigationDeps,
  addPanel,
  createInvestigation,
  duplicateInvestigation,
  getInvestigation,
  listInvestigations,
  pinFlow,
  refreshPanelSnapshot,
  removePanel,
  setArchived,
  unpinFlow,
  updateInvestigation,
} from "../../investigations/service";
import { panelQueries, panelViewSchema } from "../../investigations/snapshot";
import { type Context, publicProcedure, router } from "../trpc";

const slug = z.string().regex(/^[a-z0-9]{4,40}$/, "not an investigation link");
const version = z.number().int().positive();
const status = z.enum(["open", "resolved"]);

const panelInput = z
  .object({
    title: z.string().trim().max(200),
    query: z.string().min(1).max(20_000),
    fromMs: z.number().int().nonnegative(),
    toMs: z.number().int().positive(),
    view: panelViewSchema.optional(),
  })
  .transform(({ fromMs, toMs, ...panel }) => ({ ...panel, from: new Date(fromMs), to: new Date(toMs) }));

const panelOutput = z.object({
  id: z.string(),
  position: z.number(),
  title: z.string(),
  query: z.string(),
  queries: z.array(z.string()),
  kind: z.enum(["log", "metric", "invalid"]),
  fromMs: z.number(),
  toMs: z.number(),
  view: panelViewSchema,
  snapshotAt: z.string().nullable(),
});

const investigationOutput = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  notes: z.string(),
  status,
  tags: z.array(z.string()),
  owner: z.string(),
  archived: z.boolean(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  panels: z.array(panelOutput),
  pinned: z.array(z.object({ id: z.string(), note: z.string(), pinnedBy: z.string(), pinnedAt: z.string(), row: flowRowSchema })),
  events: z.array(z.object({ id: z.string(), actor: z.string(), action: z.string(), changes: z.record(z.string(), z.unknown()), at: z.string() })),
});

const chartOutput = z.object({
  timestamps: z.array(z.number()),
  stepMs: z.number(),
  series: z.array(z.object({ key: z.string(), label: z.string(), values: z.array(z.number()), total: z.number(), role: z.literal("other").optional() })),
  total: z.number(),
  measure: z.enum(["flows", "bytes", "packets"]).nullable(),
  dimension: z.string().nullable(),
});

const panelDisplayOutput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("flows"), rows: z.array(flowRowSchema), limit: z.number(), truncated: z.boolean(), takenAt: z.string().nullable(), source: z.enum(["snapshot", "live"]) }),
  z.object({ kind: z.literal("chart"), chart: chartOutput, takenAt: z.string().nullable(), source: z.enum(["snapshot", "live"]) }),
  z.object({ kind: z.literal("empty"), reason: z.string(), source: z.enum(["snapshot", "live"]) }),
]);

const deps = (ctx: Context): InvestigationDeps => ({ db: ctx.db, gate: ctx.gate, actor: ctx.user.name });
const present = async (ctx: Context, slugValue: string) => presentInvestigation(ctx.db, await getInvestigation(ctx.db, slugValue));

export const investigationsRouter = router({
  list: publicProcedure
    .input(
      z.object({
        search: z.string().max(200).optional(),
        status: status.optional(),
        tag: z.string().max(100).optional(),
        owner: z.string().max(200).optional(),
        archived: z.boolean().optional(),
        /** At most this many, newest change first (default 100). */
        limit: z.number().int().min(1).max(500).optional(),
      }),
    )
    .output(
      z.array(
        z.object({
          slug: z.string(),
          title: z.string(),
          status,
          tags: z.array(z.string()),
          owner: z.string(),
          archived: z.boolean(),
          version: z.number(),
          createdAt: z.string(),
          updatedAt: z.string(),
          panelCount: z.number(),
          pinnedCount: z.number(),
        }),
      ),
    )
    .query(async ({ ctx, input }) =>
      (await listInvestigations(ctx.db, input)).map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), updatedAt: i.updatedAt.toISOString() })),
    ),

  facets: publicProcedure.output(z.object({ tags: z.array(z.string()), owners: z.array(z.string()) })).query(({ ctx }) => investigationFacets(ctx.db)),

  get: publicProcedure.input(z.object({ slug })).output(investigationOutput).query(({ ctx, input }) => present(ctx, input.slug)),

  create: publicProcedure
    .input(z.object({ title: z.string().max(200), notes: z.string().max(100_000).optional(), tags: z.array(z.string().max(50)).max(30).optional(), panels: z.array(panelInput).min(1).max(20) }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await createInvestigation(deps(ctx), input))),

  update: publicProcedure
    .input(
      z.object({
        slug,
        version,
        title: z.string().max(200).optional(),
        notes: z.string().max(100_000).optional(),
        status: status.optional(),
        tags: z.array(z.string().max(50)).max(30).optional(),
      }),
    )
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => {
      const { slug: s, version: v, ...patch } = input;
      return presentInvestigation(ctx.db, await updateInvestigation(deps(ctx), s, v, patch));
    }),

  addPanel: publicProcedure
    .input(z.object({ slug, version, panel: panelInput }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await addPanel(deps(ctx), input.slug, input.version, input.panel))),

  removePanel: publicProcedure
    .input(z.object({ slug, version, panelId: z.string().uuid() }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await removePanel(deps(ctx), input.slug, input.version, input.panelId))),

  refreshPanel: publicProcedure
    .input(z.object({ slug, version, panelId: z.string().uuid() }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await refreshPanelSnapshot(deps(ctx), input.slug, input.version, input.panelId))),

  pin: publicProcedure
    .input(
      z.object({
        slug,
        version,
        flow: z.object({ tsNs: z.string().regex(/^\d+$/), labels: z.record(z.string(), z.string()), line: z.string().min(1).max(100_000), note: z.string().max(2000).optional() }),
      }),
    )
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) =>
      presentInvestigation(ctx.db, await pinFlow(deps(ctx), input.slug, input.version, { ...input.flow, timestampNs: BigInt(input.flow.tsNs) })),
    ),

  unpin: publicProcedure
    .input(z.object({ slug, version, pinnedFlowId: z.string().uuid() }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await unpinFlow(deps(ctx), input.slug, input.version, input.pinnedFlowId))),

  duplicate: publicProcedure
    .input(z.object({ slug }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await duplicateInvestigation(deps(ctx), input.slug))),

  archive: publicProcedure
    .input(z.object({ slug, version, archived: z.boolean() }))
    .output(investigationOutput)
    .mutation(async ({ ctx, input }) => presentInvestigation(ctx.db, await setArchived(deps(ctx), input.slug, input.version, input.archived))),

  panel: publicProcedure
    .input(z.object({ slug, panelId: z.string().uuid(), source: z.enum(["snapshot", "live"]) }))
    .output(panelDisplayOutput)
    .query(async ({ ctx, input }): Promise<PanelDisplay> => {
      const investigation = await getInvestigation(ctx.db, input.slug);
      const panel = investigation.panels.find((p) => p.id === input.panelId);
      if (!panel) throw new AppError("NOT_FOUND", "That panel is not part of this investigation (any more).");
      return displayPanel(ctx, panel, input.source);
    }),

  rules: publicProcedure
    .input(
      z.object({
        slug,
        panelId: z.string().uuid(),
        record: z.string().max(200).optional(),
        interval: z.string().max(20).optional(),
        link: z.string().url().max(2000).optional(),
        alert: z
          .object({
            name: z.string().max(200),
            operator: z.enum([">", ">=", "<", "<=", "==", "!="]),
            threshold: z.number(),
            for: z.string().max(20),
            severity: z.string().max(40).optional(),
          })
          .optional(),
      }),
    )
    .output(z.object({ yaml: z.string(), record: z.string() }))
    .query(async ({ ctx, input }) => {
      const investigation = await getInvestigation(ctx.db, input.slug);
      const panel = investigation.panels.find((p) => p.id === input.panelId);
      if (!panel) throw new AppError("NOT_FOUND", "That panel is not part of this investigation (any more).");
      const view = panelViewSchema.safeParse(panel.view);
      const query = ruleQueryOfPanel(panelQueries(panel), view.success ? view.data.roles : undefined);
      const record = input.record?.trim() || recordNameFor(panel.title);
      return {
        record,
        yaml: ruleGroupYaml({ group: investigation.title, query, record, interval: input.interval, alert: input.alert, link: input.link }),
      };
    }),
});
