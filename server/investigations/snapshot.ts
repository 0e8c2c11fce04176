/**
 * A panel's evidence: its queries run through the query gate over the panel's absolute range,
 * kept as Loki answered them, with what is needed to show them again (line limit, chart grid).
 *
 * A panel built in Explore may hold several queries (one per flow log format, or a chart's series
 * and its total); a panel typed as LogQL holds one. They are all of one kind: log or metric.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { flowFilterSchema } from "../explore/filter";
import { dimensionSchema } from "../explore/schemas";
import { requireLogQL } from "../explore/logql-check";
import { chartGrid, runLogQueries } from "../explore/service";
import type { QueryGate } from "../loki/gate";
import { type LokiQueryData, msToNs } from "../loki/types";

/** How a panel is shown, and the queries beyond `query` (kept in the panel's `view`). */
export const panelViewSchema = z.object({
  /** flows: a flow table; chart: a chart named like Explore's (dimension, top N, Other); series: a metric query's own series. */
  display: z.enum(["flows", "chart", "series"]).optional(),
  /** Every query of the panel, when there is more than one (`query` is the first). */
  queries: z.array(z.string().min(1).max(20_000)).max(64).optional(),
  /** For charts: what each query is (series to draw, or the total that Other is computed from). */
  roles: z.array(z.enum(["series", "total"])).max(64).optional(),
  /** The Explore filter the panel was built from (to open it again in Explore). */
  filter: flowFilterSchema.optional(),
  dimension: dimensionSchema.optional(),
  measure: z.enum(["flows", "bytes", "packets"]).optional(),
  top: z.number().int().min(1).max(50).optional(),
  /** Log panels: the line limit. */
  limit: z.number().int().min(1).max(5000).optional(),
});
export type PanelView = z.infer<typeof panelViewSchema>;

export interface PanelSnapshot {
  /** One answer per query, in the panel's order. */
  results: { query: string; data: LokiQueryData }[];
  kind: "log" | "metric";
  /** Log panels: the line limit used per query; an answer with that many lines may have more. */
  limit?: number;
  /** Metric panels: the grid the queries were evaluated on. */
  stepMs?: number;
  startMs?: number;
  endMs?: number;
}

export const DEFAULT_SNAPSHOT_LIMIT = 1000;

/** Every query of a panel. */
export function panelQueries(panel: { query: string; view?: unknown }): string[] {
  const view = panelViewSchema.safeParse(panel.view ?? {});
  const queries = view.success && view.data.queries && view.data.queries.length > 0 ? view.data.queries : [panel.query];
  return queries;
}

/** Checks every query of a panel with the LogQL parser (Loki's errors and positions) and that they are of one kind. */
export function panelKind(queries: readonly string[]): "log" | "metric" {
  const kinds = new Set(queries.map((q) => requireLogQL(q)));
  if (kinds.size > 1) throw new AppError("BAD_REQUEST", "A panel's queries must all be log queries or all metric queries.");
  return kinds.values().next().value as "log" | "metric";
}

export async function takeSnapshot(gate: QueryGate, panel: { query: string; from: Date; to: Date; view?: unknown }): Promise<PanelSnapshot> {
  const queries = panelQueries(panel);
  const kind = panelKind(queries);
  const view = panelViewSchema.safeParse(panel.view ?? {});
  if (kind === "log") {
    const limit = view.success && view.data.limit ? view.data.limit : DEFAULT_SNAPSHOT_LIMIT;
    const { streams } = await runLogQueries(gate, queries, { startNs: msToNs(panel.from.getTime()), endNs: msToNs(panel.to.getTime()) }, limit);
    return { kind, limit, results: queries.map((query, i) => ({ query, data: { resultType: "streams", result: streams[i] ?? [] } })) };
  }
  const grid = chartGrid({ fromMs: panel.from.getTime(), toMs: panel.to.getTime() });
  const results = await Promise.all(
    queries.map(async (query) => ({ query, data: await gate.queryRange({ query, start: msToNs(grid.startMs), end: msToNs(grid.endMs), stepMs: grid.stepMs }) })),
  );
  return { kind, results, stepMs: grid.stepMs, startMs: grid.startMs, endMs: grid.endMs };
}

/** Whether a stored query is a log query (the LogQL parser decides; an unparsable one is neither). */
export function isLogQuery(query: string): boolean {
  try {
    return requireLogQL(query) === "log";
  } catch {
    return false;
  }
}
