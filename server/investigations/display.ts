/**
 * Showing a panel: from its stored snapshot (the evidence as it was, even after Loki's retention
 * deleted the data) or re-run live over the same absolute range, shaped exactly as Explore shapes
 * it: flow rows enriched, charts named with top N and Other, metric queries as their own series.
 */
import { z } from "zod";
import { AppError } from "../errors";
import type { FlowMeasure } from "../explore/builder";
import { FLOW_LOG_LABEL, GROUP_LABEL } from "../explore/builder";
import { type FlowRow, flowRows, mergeStreams } from "../explore/rows";
import { type ChartDimension, CHART_DIMENSIONS, type ExploreDeps, type FlowContext, dimensionNamer, flowContext } from "../explore/service";
import { type ChartSeries, chartTotal, nameSeries, onGrid, stepGrid, sumByLabels, topWithOther, withOtherFromTotal } from "../explore/series";
import type { LokiQueryData, LokiStream } from "../loki/types";
import { type PanelSnapshot, type PanelView, panelViewSchema, takeSnapshot } from "./snapshot";

export interface PanelChart {
  timestamps: number[];
  stepMs: number;
  series: ChartSeries[];
  total: number;
  measure: FlowMeasure | null;
  dimension: string | null;
}

export type PanelDisplay =
  | { kind: "flows"; rows: FlowRow[]; limit: number; truncated: boolean; takenAt: string | null; source: "snapshot" | "live" }
  | { kind: "chart"; chart: PanelChart; takenAt: string | null; source: "snapshot" | "live" }
  | { kind: "empty"; reason: string; source: "snapshot" | "live" };

const storedSnapshotSchema = z.object({
  kind: z.enum(["log", "metric"]),
  results: z.array(z.object({ query: z.string(), data: z.custom<LokiQueryData>((v) => typeof v === "object" && v !== null && "resultType" in v) })),
  limit: z.number().optional(),
  stepMs: z.number().optional(),
  startMs: z.number().optional(),
  endMs: z.number().optional(),
});

/** Labels of metric answers that the portal can name, and how. */
const NAMED_LABELS: Readonly<Record<string, ChartDimension>> = {
  srcaddr: "source",
  dstaddr: "destination",
  dstport: "dstPort",
  interface_id: "service",
  __aws_s3_vpc_flow_owner: "account",
  __aws_s3_vpc_flow: "vpc",
  protocol: "protocol",
  action: "action",
};

function asDimension(value: string | undefined): ChartDimension | undefined {
  return (CHART_DIMENSIONS as readonly string[]).includes(value ?? "") ? (value as ChartDimension) : undefined;
}

/** The rows of a log snapshot: every answer merged, newest first, the panel's limit kept. */
function flowsOf(ctx: FlowContext, snapshot: PanelSnapshot): { rows: FlowRow[]; truncated: boolean; limit: number } {
  const limit = snapshot.limit ?? 1000;
  const streams: LokiStream[][] = snapshot.results.map((r) => (r.data.resultType === "streams" ? r.data.result : []));
  const entries = mergeStreams(streams);
  const truncated = streams.some((s) => s.reduce((n, stream) => n + stream.values.length, 0) >= limit) || entries.length > limit;
  return { rows: flowRows(entries.slice(0, limit), ctx.registry, ctx.lookup), truncated, limit };
}

/** A chart from a metric snapshot: named like Explore's when it came from the builder, else one series per label set. */
async function chartOf(ctx: FlowContext, snapshot: PanelSnapshot, view: PanelView): Promise<PanelChart> {
  const stepMs = snapshot.stepMs ?? 60_000;
  const timestamps = stepGrid(snapshot.startMs ?? 0, snapshot.endMs ?? 0, stepMs);
  const roles = view.roles ?? [];
  const parts = snapshot.results.map((r, i) => ({ role: roles[i] ?? "series", values: r.data.resultType === "matrix" ? onGrid(r.data.result, timestamps) : [] }));
  const series = sumByLabels(parts.filter((p) => p.role === "series").map((p) => p.values), [GROUP_LABEL]);
  const dimension = asDimension(view.dimension);
  const top = view.top ?? 10;
  if (view.display === "chart" && dimension) {
    const named = nameSeries(series, await dimensionNamer(ctx, dimension, series));
    const totalParts = parts.filter((p) => p.role === "total").map((p) => p.values);
    let shaped: ChartSeries[];
    if (totalParts.length > 0) {
      const total = sumByLabels(totalParts, [GROUP_LABEL])[0]?.values ?? new Array<number>(timestamps.length).fill(0);
      shaped = withOtherFromTotal(named, total);
    } else shaped = topWithOther(named, top);
    return { timestamps, stepMs, series: shaped, total: chartTotal(shaped), measure: view.measure ?? null, dimension };
  }
  // A metric query's own series stay apart (they need not add up); a single well-known label gets
  // its name (`ledger · 10.0.0.5`, `5432 (postgresql)`, the account's or VPC's name).
  const names = new Map<string, (labels: Record<string, string>) => { key: string; label: string }>();
  for (const [label, dim] of Object.entries(NAMED_LABELS)) names.set(label, await dimensionNamer(ctx, dim, series));
  const shown = nameSeries(series, (labels) => {
    const entries = Object.entries(labels);
    const text = entries.map(([k, v]) => `${k}="${v}"`).join(", ");
    const only = entries.length === 1 ? entries[0] : undefined;
    const namer = only ? names.get(only[0]) : undefined;
    if (only && namer) {
      const named = namer(labels).label;
      const label = only[0] === "interface_id" || only[0] === FLOW_LOG_LABEL ? `${named} · ${only[1]}` : named;
      return { key: text, label };
    }
    return { key: text || "{}", label: `{${text}}` };
  })
    .sort((a, b) => b.total - a.total)
    .slice(0, top);
  return { timestamps, stepMs, series: shown, total: chartTotal(shown), measure: view.measure ?? null, dimension: null };
}

export interface DisplayablePanel {
  query: string;
  from: Date;
  to: Date;
  view: unknown;
  snapshot: unknown;
  snapshotAt: Date | null;
}

/** A panel as stored (`snapshot`) or re-run now over its own absolute range (`live`, nothing is written). */
export async function displayPanel(deps: ExploreDeps, panel: DisplayablePanel, source: "snapshot" | "live"): Promise<PanelDisplay> {
  const view = panelViewSchema.safeParse(panel.view ?? {});
  const panelView: PanelView = view.success ? view.data : {};
  let snapshot: PanelSnapshot;
  let takenAt: string | null;
  if (source === "live") {
    snapshot = await takeSnapshot(deps.gate, { query: panel.query, from: panel.from, to: panel.to, view: panel.view });
    takenAt = new Date().toISOString();
  } else {
    const stored = storedSnapshotSchema.safeParse(panel.snapshot);
    if (!stored.success) return { kind: "empty", reason: "This panel has no stored snapshot: re-run it live.", source };
    snapshot = stored.data;
    takenAt = panel.snapshotAt?.toISOString() ?? null;
  }
  const ctx = await flowContext(deps, { fromMs: panel.from.getTime(), toMs: panel.to.getTime() });
  if (snapshot.kind === "log") return { kind: "flows", ...flowsOf(ctx, snapshot), takenAt, source };
  if (snapshot.results.some((r) => r.data.resultType !== "matrix")) {
    throw new AppError("UPSTREAM_ERROR", "The panel's snapshot holds a Loki answer that is not a time series; re-run it live.");
  }
  return { kind: "chart", chart: await chartOf(ctx, snapshot, panelView), takenAt, source };
}
