/**
 * Explore's services: flow lines (paged past Loki's line limit), charts split by a dimension with
 * top N and "Other", metric LogQL as time series, LogQL checks with positions, and the vocabulary
 * of the filter builder. Every query is planned by the one builder and sent through the query gate.
 */
import type { Database } from "../db/client";
import { getEnrichmentLookup } from "../enrichment/loader";
import type { EnrichmentLookup } from "../enrichment/lookup";
import { AppError } from "../errors";
import type { FlowFormatRegistry } from "../flows/registry";
import { loadFlowFormatRegistry } from "../inventory/flow-log-formats";
import type { QueryGate } from "../loki/gate";
import { formatDuration, stepForRange } from "../loki/step";
import { type LokiQueryData, type LokiStream, msToNs } from "../loki/types";
import {
  FLOW_LOG_LABEL,
  type FlowCondition,
  type FlowMeasure,
  type FlowQueryOutput,
  type FlowQueryPlan,
  type FormatGroup,
  GROUP_LABEL,
  OWNER_LABEL,
  buildFlowQueries,
  formatGroupsOf,
} from "./builder";
import { compileFilter } from "./compile";
import { type FlowFilter, normalizeFilter } from "./filter";
import { type FlowLogInfo, flowLogsInRange } from "./flow-logs";
import {
  type InventoryNames,
  accountLabel,
  addressLabel,
  addressNamer,
  flowLogVpc,
  interfaceService,
  interfaceTeam,
  inventoryNames,
  portLabel,
  protocolLabel,
} from "./naming";
import { requireLogQL } from "./logql-check";
import { resolveFilter } from "./resolve";
import { type ParsedFilter, filterFromLogQL } from "./parse";
import { type FlowDetail, type FlowRow, flowDetail, flowRows, mergeStreams, rowId } from "./rows";
import {
  type ChartData,
  type ChartSeries,
  type LabelledValues,
  chartTotal,
  nameSeries,
  onGrid,
  stepGrid,
  sumByLabels,
  topWithOther,
  withOtherFromTotal,
} from "./series";

export interface ExploreDeps {
  db: Database;
  gate: QueryGate;
}

export interface TimeRangeMs {
  fromMs: number;
  toMs: number;
}

/** What every flow query needs: the lookup, the formats, the flow logs of the range (read once, on demand). */
export interface FlowContext {
  deps: ExploreDeps;
  range: TimeRangeMs;
  lookup: EnrichmentLookup;
  registry: FlowFormatRegistry;
  groups: FormatGroup[];
  flowLogs(): Promise<FlowLogInfo[]>;
  names(): Promise<InventoryNames>;
}

export async function flowContext(deps: ExploreDeps, range: TimeRangeMs): Promise<FlowContext> {
  if (!(range.fromMs < range.toMs)) throw new AppError("BAD_REQUEST", "The time range must end after it starts.");
  const [lookup, registry] = await Promise.all([getEnrichmentLookup(deps.db), loadFlowFormatRegistry(deps.db)]);
  let flowLogs: Promise<FlowLogInfo[]> | undefined;
  let names: Promise<InventoryNames> | undefined;
  return {
    deps,
    range,
    lookup,
    registry,
    groups: formatGroupsOf(registry),
    flowLogs: () => (flowLogs ??= flowLogsInRange({ gate: deps.gate, lookup, registry }, range)),
    names: () => (names ??= inventoryNames(deps.db)),
  };
}

/** Plans the queries for a filter (inventory terms resolved for the context's range) plus extra conditions. */
export async function planFlowQueries(ctx: FlowContext, filter: FlowFilter, output: FlowQueryOutput, extra: readonly FlowCondition[] = []): Promise<FlowQueryPlan> {
  const normalized = normalizeFilter(filter);
  const resolution = await resolveFilter({ db: ctx.deps.db, lookup: ctx.lookup, flowLogs: ctx.flowLogs }, normalized, ctx.range);
  return buildFlowQueries({ conditions: [...compileFilter(normalized, resolution), ...extra], groups: ctx.groups, output });
}

// ─── Flow lines ────────────────────────────────────────────────────────────────────────────

export type FlowSource = { kind: "filter"; filter: FlowFilter } | { kind: "logql"; query: string };

export interface FlowCursor {
  /** The oldest timestamp shown so far (ns): the next page ends there. */
  endNs: string;
  /** Rows at exactly that timestamp already shown (the next page returns them again). */
  seen: string[];
}

export interface FlowPage {
  rows: FlowRow[];
  queries: string[];
  notes: string[];
  /** Where the next (older) page starts; null when there is nothing older in the range. */
  next: FlowCursor | null;
}

export const MAX_PAGE_LINES = 5000;

function countLines(data: LokiQueryData): number {
  return data.resultType === "streams" ? data.result.reduce((n, s) => n + s.values.length, 0) : 0;
}

/** Runs log queries through the gate and merges them, newest first. Exposed for investigations. */
export async function runLogQueries(gate: QueryGate, queries: readonly string[], range: { startNs: bigint; endNs: bigint }, limit: number) {
  const answers = await Promise.all(queries.map((query) => gate.queryRange({ query, start: range.startNs, end: range.endNs, limit, direction: "backward" })));
  const full = answers.some((a) => countLines(a) >= limit);
  const streams: LokiStream[][] = answers.map((a) => (a.resultType === "streams" ? a.result : []));
  return { entries: mergeStreams(streams), full, streams };
}

/**
 * One page of flow lines, newest first. Pages past Loki's line limit by moving `end` to the oldest
 * timestamp seen (plus 1 ns, so nothing at that instant is skipped) and dropping the rows at that
 * instant that were already shown.
 */
export async function queryFlowLines(deps: ExploreDeps, input: { source: FlowSource; range: TimeRangeMs; limit: number; cursor?: FlowCursor }): Promise<FlowPage> {
  const limit = Math.min(Math.max(1, Math.floor(input.limit)), MAX_PAGE_LINES);
  const ctx = await flowContext(deps, input.range);
  let queries: string[];
  let notes: string[] = [];
  if (input.source.kind === "logql") {
    requireLogQL(input.source.query, "log");
    queries = [input.source.query];
  } else {
    const plan = await planFlowQueries(ctx, input.source.filter, { kind: "logs" });
    queries = plan.queries;
    notes = plan.notes;
  }
  if (queries.length === 0) return { rows: [], queries, notes, next: null };
  const startNs = msToNs(input.range.fromMs);
  const endNs = input.cursor ? BigInt(input.cursor.endNs) + 1n : msToNs(input.range.toMs);
  const seen = new Set(input.cursor?.seen ?? []);
  // The rows already shown at the boundary instant come back again: ask for that many more.
  const { entries, full } = await runLogQueries(deps.gate, queries, { startNs, endNs }, Math.min(MAX_PAGE_LINES, limit + seen.size));
  const fresh = entries.filter((e) => !seen.has(rowId(e.tsNs.toString(), e.labels, e.line)));
  const page = fresh.slice(0, limit);
  const rows = flowRows(page, ctx.registry, ctx.lookup);
  const more = full || fresh.length > limit;
  let next: FlowCursor | null = null;
  const last = rows[rows.length - 1];
  if (more && last) {
    const atBoundary = rows.filter((r) => r.tsNs === last.tsNs).map((r) => r.id);
    const carried = input.cursor && input.cursor.endNs === last.tsNs ? input.cursor.seen : [];
    next = { endNs: last.tsNs, seen: [...new Set([...carried, ...atBoundary])] };
  } else if (more && !last && input.cursor) {
    // Only rows already shown at the boundary instant came back: step past it.
    next = { endNs: (BigInt(input.cursor.endNs) - 1n).toString(), seen: [] };
  }
  return { rows, queries, notes, next };
}

// ─── Charts ────────────────────────────────────────────────────────────────────────────────

export const CHART_DIMENSIONS = ["none", "action", "account", "vpc", "service", "team", "protocol", "dstPort", "destination", "source"] as const;
export type ChartDimension = (typeof CHART_DIMENSIONS)[number];

export const DIMENSION_LABELS: Readonly<Record<ChartDimension, string>> = {
  none: "total",
  action: "action",
  account: "account",
  vpc: "VPC",
  service: "service (interface that logged it)",
  team: "team (interface that logged it)",
  protocol: "protocol",
  dstPort: "destination port",
  destination: "destination address",
  source: "source address",
};

/** "full": every value comes back and is named in the portal; "top": Loki picks the top N values, the rest is total − shown. */
const DIMENSION_QUERY: Readonly<Record<ChartDimension, { mode: "full" | "top"; label: string | null }>> = {
  none: { mode: "full", label: null },
  action: { mode: "full", label: "action" },
  account: { mode: "full", label: OWNER_LABEL },
  vpc: { mode: "full", label: FLOW_LOG_LABEL },
  service: { mode: "full", label: "interface_id" },
  team: { mode: "full", label: "interface_id" },
  protocol: { mode: "full", label: "protocol" },
  dstPort: { mode: "top", label: "dstport" },
  destination: { mode: "top", label: "dstaddr" },
  source: { mode: "top", label: "srcaddr" },
};

export const MEASURE_LABELS: Readonly<Record<FlowMeasure, string>> = { flows: "flow records", bytes: "bytes", packets: "packets" };

export interface ChartResult extends ChartData {
  dimension: ChartDimension;
  measure: FlowMeasure;
  /** Every query run for the chart. */
  queries: string[];
  notes: string[];
  /** What an investigation panel of this chart keeps: the series queries and the total (for Other). */
  panel: { queries: string[]; roles: ("series" | "total")[] };
}

/** The chart's step and grid: points at multiples of the step, covering the range. */
export function chartGrid(range: TimeRangeMs, maxPoints = 240): { stepMs: number; startMs: number; endMs: number; timestamps: number[] } {
  const stepMs = stepForRange(range.toMs - range.fromMs, maxPoints);
  const startMs = Math.floor(range.fromMs / stepMs) * stepMs + stepMs;
  const endMs = Math.max(startMs, Math.ceil(range.toMs / stepMs) * stepMs);
  return { stepMs, startMs, endMs, timestamps: stepGrid(startMs, endMs, stepMs) };
}

/** The whole range as one LogQL duration, in seconds (instant queries over the range). */
export function rangeDuration(range: TimeRangeMs): string {
  return formatDuration(Math.max(1, Math.round((range.toMs - range.fromMs) / 1000)) * 1000);
}

function seriesLimitHelp(error: unknown, what: string): never {
  if (error instanceof AppError && error.code === "LIMIT_EXCEEDED" && /series/i.test(error.message)) {
    throw new AppError("LIMIT_EXCEEDED", `${error.message}. There are too many ${what} in this range for Loki to return each one: narrow the time range or the filter, or split by another dimension.`, {
      details: error.details,
      cause: error,
    });
  }
  throw error;
}

/** Runs a planned metric range query (several queries are summed) and puts it on the grid. */
export async function runMetricRange(gate: QueryGate, plan: FlowQueryPlan, grid: { stepMs: number; startMs: number; endMs: number; timestamps: number[] }): Promise<LabelledValues[]> {
  const answers = await Promise.all(
    plan.queries.map((query) => gate.queryRange({ query, start: msToNs(grid.startMs), end: msToNs(grid.endMs), stepMs: grid.stepMs })),
  );
  const parts = answers.map((a) => (a.resultType === "matrix" ? onGrid(a.result, grid.timestamps) : []));
  return sumByLabels(parts, [GROUP_LABEL]);
}

/** Runs a planned instant query at the end of the range (several queries are summed). */
export async function runMetricInstant(gate: QueryGate, plan: FlowQueryPlan, atMs: number): Promise<{ labels: Record<string, string>; value: number }[]> {
  const answers = await Promise.all(plan.queries.map((query) => gate.query({ query, time: msToNs(atMs) })));
  const parts = answers.map((a) => (a.resultType === "vector" ? a.result.map((s) => ({ labels: s.metric, values: [Number(s.value[1])] })) : []));
  return sumByLabels(parts, [GROUP_LABEL]).map((s) => ({ labels: s.labels, value: s.values[0] ?? 0 }));
}

/** How a dimension's label values (those in `series`) are named in charts and lists. */
export async function dimensionNamer(
  ctx: FlowContext,
  dimension: ChartDimension,
  series: readonly { labels: Record<string, string> }[],
): Promise<(labels: Record<string, string>) => { key: string; label: string }> {
  switch (dimension) {
    case "none":
      return () => ({ key: "total", label: "all flows" });
    case "action":
      return (l) => ({ key: l.action ?? "-", label: l.action ?? "no action" });
    case "account": {
      const names = await ctx.names();
      return (l) => ({ key: l[OWNER_LABEL] ?? "-", label: accountLabel(names, l[OWNER_LABEL]) });
    }
    case "vpc": {
      const [names, flowLogs] = await Promise.all([ctx.names(), ctx.flowLogs()]);
      return (l) => flowLogVpc(names, flowLogs, l[FLOW_LOG_LABEL]);
    }
    case "service":
      return (l) => interfaceService(ctx.lookup, l.interface_id);
    case "team":
      return (l) => interfaceTeam(ctx.lookup, l.interface_id);
    case "protocol":
      return (l) => protocolLabel(l.protocol);
    case "dstPort":
      return (l) => portLabel(l.dstport);
    case "destination":
    case "source": {
      const label = dimension === "destination" ? "dstaddr" : "srcaddr";
      const namer = await addressNamer(ctx.deps.db, ctx.lookup, series.map((s) => s.labels[label]).filter((a): a is string => Boolean(a)), ctx.range);
      return (l) => addressLabel(namer, l[label]);
    }
  }
}

/**
 * A chart of flows, bytes or packets over time, split by `dimension`: the top `top` values and
 * "Other". Exact: "full" dimensions come back whole and are added up by name; "top" dimensions ask
 * Loki for the top values over the whole range, then their series and the total (Other = total −
 * shown).
 */
export async function queryFlowChart(
  deps: ExploreDeps,
  input: { filter: FlowFilter; range: TimeRangeMs; measure: FlowMeasure; dimension: ChartDimension; top: number; extra?: readonly FlowCondition[]; ctx?: FlowContext },
): Promise<ChartResult> {
  const ctx = input.ctx ?? (await flowContext(deps, input.range));
  const grid = chartGrid(input.range);
  const step = formatDuration(grid.stepMs);
  const how = DIMENSION_QUERY[input.dimension];
  const base = { dimension: input.dimension, measure: input.measure, timestamps: grid.timestamps, stepMs: grid.stepMs };
  if (how.mode === "full") {
    const plan = await planFlowQueries(ctx, input.filter, { kind: "metric", measure: input.measure, by: how.label ? [how.label] : [], range: step }, input.extra);
    const values = plan.queries.length === 0 ? [] : await runMetricRange(deps.gate, plan, grid).catch((e: unknown) => seriesLimitHelp(e, DIMENSION_LABELS[input.dimension]));
    const series = topWithOther(nameSeries(values, await dimensionNamer(ctx, input.dimension, values)), input.top);
    const panel = { queries: plan.queries, roles: plan.queries.map(() => "series" as const) };
    return { ...base, series, total: chartTotal(series), queries: plan.queries, notes: plan.notes, panel };
  }
  const label = how.label as string;
  const topPlan = await planFlowQueries(ctx, input.filter, { kind: "metric", measure: input.measure, by: [label], range: rangeDuration(input.range), topk: input.top }, input.extra);
  const totalPlan = await planFlowQueries(ctx, input.filter, { kind: "metric", measure: input.measure, by: [], range: step }, input.extra);
  if (topPlan.queries.length === 0) return { ...base, series: [], total: 0, queries: [], notes: topPlan.notes, panel: { queries: [], roles: [] } };
  const [top, total] = await Promise.all([runMetricInstant(deps.gate, topPlan, input.range.toMs), runMetricRange(deps.gate, totalPlan, grid)]);
  const topValues = [...new Set(top.filter((t) => t.value > 0).map((t) => t.labels[label]).filter((v): v is string => v !== undefined && v !== ""))];
  const totalValues = total[0]?.values ?? new Array<number>(grid.timestamps.length).fill(0);
  let shown: ChartSeries[] = [];
  const queries = [...topPlan.queries, ...totalPlan.queries];
  const panel: ChartResult["panel"] = { queries: [...totalPlan.queries], roles: totalPlan.queries.map(() => "total" as const) };
  if (topValues.length > 0) {
    const restricted = restrictTo(label, topValues);
    const seriesPlan = await planFlowQueries(ctx, input.filter, { kind: "metric", measure: input.measure, by: [label], range: step }, [...(input.extra ?? []), restricted]);
    const values = await runMetricRange(deps.gate, seriesPlan, grid);
    shown = nameSeries(values, await dimensionNamer(ctx, input.dimension, values));
    queries.push(...seriesPlan.queries);
    panel.queries.unshift(...seriesPlan.queries);
    panel.roles.unshift(...seriesPlan.queries.map(() => "series" as const));
  }
  const series = withOtherFromTotal(shown, totalValues, "Other");
  return { ...base, series, total: totalValues.reduce((a, b) => a + b, 0), queries, notes: topPlan.notes, panel };
}

/** A condition keeping only these values of a record label (the top values of a dimension). */
export function restrictTo(label: string, values: readonly string[]): FlowCondition {
  if (label === "srcaddr" || label === "dstaddr") {
    // IPv6 addresses are compared as addresses (ip()), IPv4 ones as text: both exact.
    return { kind: "address", field: label, values: [...values], negate: false, origin: "view" };
  }
  return { kind: "equals", field: label.replace(/_/g, "-"), values: [...values], negate: false, origin: "view" };
}

// ─── Metric LogQL typed by hand ────────────────────────────────────────────────────────────

/** A metric query as typed, over the range: each series labelled by its label set (the first `top` by total, the rest counted, not summed). */
export async function queryMetric(deps: ExploreDeps, input: { query: string; range: TimeRangeMs; top: number }): Promise<ChartResult & { hiddenSeries: number }> {
  requireLogQL(input.query, "metric");
  const grid = chartGrid(input.range);
  const data = await deps.gate.queryRange({ query: input.query, start: msToNs(grid.startMs), end: msToNs(grid.endMs), stepMs: grid.stepMs });
  if (data.resultType !== "matrix") throw new AppError("BAD_REQUEST", `Loki answered with a ${data.resultType}, not time series.`);
  const values = onGrid(data.result, grid.timestamps);
  const series = nameSeries(values, (labels) => {
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ");
    return { key: text || "{}", label: text ? `{${text}}` : "{}" };
  }).sort((a, b) => b.total - a.total);
  // Arbitrary metric queries need not add up (rates, averages, ratios): the rest is hidden, not summed.
  const shown = series.slice(0, input.top);
  return {
    dimension: "none",
    measure: "flows",
    timestamps: grid.timestamps,
    stepMs: grid.stepMs,
    series: shown,
    total: chartTotal(shown),
    queries: [input.query],
    notes: series.length > shown.length ? [`${series.length - shown.length} more series are not drawn (the ${input.top} with the largest sums are).`] : [],
    hiddenSeries: series.length - shown.length,
    panel: { queries: [input.query], roles: ["series"] },
  };
}

// ─── What the filter builder offers ─────────────────────────────────────────────────────────

export interface FlowVocabulary {
  accounts: { id: string; name: string | null }[];
  vpcs: { id: string; name: string | null; accountId: string }[];
  subnets: { id: string; name: string | null; vpcId: string; availabilityZone: string }[];
  services: { name: string; team: string | null; interfaces: number }[];
  teams: string[];
  flowLogs: { id: string; format: string; source: string }[];
}

export async function flowVocabulary(deps: ExploreDeps): Promise<FlowVocabulary> {
  const [lookup, registry, accounts, vpcs, subnets] = await Promise.all([
    getEnrichmentLookup(deps.db),
    loadFlowFormatRegistry(deps.db),
    deps.db.awsAccount.findMany({ select: { id: true, name: true }, orderBy: { id: "asc" } }),
    deps.db.vpc.findMany({ where: { deletedAt: null }, select: { id: true, name: true, accountId: true }, orderBy: { name: "asc" } }),
    deps.db.subnet.findMany({ where: { deletedAt: null }, select: { id: true, name: true, vpcId: true, availabilityZone: true }, orderBy: { name: "asc" }, take: 2000 }),
  ]);
  const services = new Map<string, { name: string; team: string | null; interfaces: number }>();
  const teams = new Set<string>();
  for (const endpoint of lookup.interfaceEndpoints()) {
    if (endpoint.team) teams.add(endpoint.team);
    if (!endpoint.service) continue;
    const entry = services.get(endpoint.service) ?? { name: endpoint.service, team: endpoint.team, interfaces: 0 };
    entry.interfaces++;
    services.set(endpoint.service, entry);
  }
  return {
    accounts,
    vpcs,
    subnets,
    services: [...services.values()].sort((a, b) => a.name.localeCompare(b.name)),
    teams: [...teams].sort(),
    flowLogs: registry.entries().map((e) => ({ id: e.flowLogId, format: e.format.header, source: e.source })),
  };
}

// ─── The builder's LogQL, both ways, and one flow in full ───────────────────────────────────

/** The log queries the builder writes for a filter (shown before anything runs). */
export async function explainFlowFilter(deps: ExploreDeps, input: { filter: FlowFilter; range: TimeRangeMs }): Promise<FlowQueryPlan> {
  const ctx = await flowContext(deps, input.range);
  return planFlowQueries(ctx, input.filter, { kind: "logs" });
}

/** The builder's filter for a log query, when it has the builder's shape (the pattern of a registered format). */
export async function filterOfLogQL(deps: ExploreDeps, query: string): Promise<ParsedFilter> {
  const registry = await loadFlowFormatRegistry(deps.db);
  const formats = [registry.fallback, ...registry.entries().map((e) => e.format)];
  return filterFromLogQL(query, formats, formatGroupsOf(registry));
}

/** Every field of one flow, decoded, and both ends as the inventory knows them at the flow's time. */
export async function flowDetailOf(deps: ExploreDeps, input: { tsNs: string; labels: Record<string, string>; line: string }): Promise<FlowDetail> {
  const [lookup, registry] = await Promise.all([getEnrichmentLookup(deps.db), loadFlowFormatRegistry(deps.db)]);
  return flowDetail(input.tsNs, input.labels, input.line, registry, lookup);
}
