/**
 * Range aggregations (`count_over_time`, `rate`, `sum_over_time(… | unwrap x …)`, …) evaluated
 * as Loki v2.7 does: at each step t = start + k·step the window (t − range, t] (shifted by
 * `offset`), samples extracted by the pipeline and grouped by the full label set (or the
 * aggregation's grouping, or a `sum by` pushed down into the extraction), the window of each
 * series kept incrementally (points leave as the window slides), errors in samples fail the query.
 */

import type { Grouping, LabelFilterExpr, RangeAggregationExpr } from "./ast";
import {
  compareStrings,
  ERROR_LABEL,
  formatLabels,
  LabelsBuilder,
  labelsResultFromRecord,
  makeParserHints,
  type ExtractionGrouping,
  type LabelsResult,
  type ParserHints,
} from "./labels";
import { EntryMerger, StreamCursor } from "./merge";
import { LogQLUnsupportedError } from "./parser";
import { compilePipeline, compilePostFilters, runPipeline, type EntryContext, type StageFn } from "./pipeline";
import type { EntrySource, LabelMatcher } from "./source";
import { parseGoDuration, parseGoFloat, parseHumanBytes } from "./units";

export const SAMPLE_EXTRACTION_ERR = "SampleExtractionErr";

/** One sample of an instant vector. */
export interface Sample {
  labels: LabelsResult;
  value: number;
}

/**
 * The vector at one evaluation step; `ts` in milliseconds. `inclusive` is set at steps where
 * Loki's query frontend evaluates the step twice (end of one split and start of the next): it
 * holds the answer counting entries exactly at the step time, `samples` the one without them.
 */
export interface StepVector {
  ts: number;
  samples: Sample[];
  inclusive?: Sample[];
}

export interface StepEvaluator {
  next(): Promise<StepVector | null>;
  close(): Promise<void>;
}

/** A query failure Loki reports with HTTP `status` and `message` as plain text. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "QueryError";
  }
}

/** Loki's PipelineError text for a sample carrying `__error__`. */
export function pipelineErrorMessage(labels: LabelsResult): string {
  const errorType = labels.values[labels.names.indexOf(ERROR_LABEL)] ?? "";
  return (
    `pipeline error: '${errorType}' for series: '${formatLabels(labels)}'.\n` +
    `Use a label filter to intentionally skip this error. (e.g | __error__!="${errorType}").\n` +
    `To skip all potential errors you can match empty errors.(e.g __error__="")\n` +
    `The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n`
  );
}

/**
 * How the window of a step treats entries exactly at the step time t. Loki reads the store
 * over [from, through): the last step of each sub-query its query frontend splits a range query
 * into (and an instant query's only step) does not see entries at t; a step that ends one
 * sub-query and starts the next is answered by both ("overlap").
 */
export type StepBoundary = "inclusive" | "exclusive" | "overlap";

/** The evaluation window of a query (shared by all range aggregations in it). */
export interface EvalTimes {
  startNs: bigint;
  endNs: bigint;
  /** 0 for instant queries. */
  stepNs: number;
  /** The boundary kind of step k (0-based). */
  boundary: (k: number) => StepBoundary;
}

export interface EvalContext {
  source: EntrySource;
  tenant: string;
  signal: AbortSignal | undefined;
  stats: { lines: number; bytes: number };
  /** Instant queries split by range (frontend.ts): entries at these distances before a window's end are not counted. */
  exclusions?: Map<RangeAggregationExpr, number[]>;
}

class WindowSeries {
  ts: Float64Array;
  vals: Float64Array;
  head = 0;
  tail = 0;
  alive = true;

  constructor(readonly labels: LabelsResult) {
    this.ts = new Float64Array(16);
    this.vals = new Float64Array(16);
  }

  push(t: number, v: number): void {
    if (this.tail === this.ts.length) {
      const count = this.tail - this.head;
      if (this.head > 0 && count <= this.ts.length / 2) {
        this.ts.copyWithin(0, this.head, this.tail);
        this.vals.copyWithin(0, this.head, this.tail);
      } else {
        const ts = new Float64Array(this.ts.length * 2);
        const vals = new Float64Array(this.ts.length * 2);
        ts.set(this.ts.subarray(this.head, this.tail));
        vals.set(this.vals.subarray(this.head, this.tail));
        this.ts = ts;
        this.vals = vals;
      }
      this.head = 0;
      this.tail = count;
    }
    this.ts[this.tail] = t;
    this.vals[this.tail] = v;
    this.tail++;
  }

  dropUpTo(t: number): void {
    while (this.head < this.tail && (this.ts[this.head] as number) <= t) this.head++;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    }
  }

  get count(): number {
    return this.tail - this.head;
  }
}

type Aggregator = (s: WindowSeries) => number;

function sumOf(s: WindowSeries): number {
  let sum = 0;
  const v = s.vals;
  for (let i = s.head; i < s.tail; i++) sum += v[i] as number;
  return sum;
}

function aggregatorFor(expr: RangeAggregationExpr): Aggregator {
  const rangeSeconds = expr.range.rangeNs / 1e9;
  const unwrapped = expr.range.unwrap !== null;
  switch (expr.op) {
    case "count_over_time":
      return (s) => s.count;
    case "rate":
      return unwrapped ? (s) => sumOf(s) / rangeSeconds : (s) => s.count / rangeSeconds;
    case "bytes_rate":
      return (s) => sumOf(s) / rangeSeconds;
    case "bytes_over_time":
    case "sum_over_time":
      return sumOf;
    case "avg_over_time":
      return (s) => {
        let mean = 0;
        let count = 0;
        for (let i = s.head; i < s.tail; i++) {
          const v = s.vals[i] as number;
          count++;
          if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
            if (!Number.isFinite(v) && !Number.isNaN(v) && mean > 0 === v > 0) continue;
            if (Number.isFinite(v)) continue;
          }
          mean += v / count - mean / count;
        }
        return mean;
      };
    case "max_over_time":
      return (s) => {
        let max = s.vals[s.head] as number;
        for (let i = s.head; i < s.tail; i++) {
          const v = s.vals[i] as number;
          if (v > max || Number.isNaN(max)) max = v;
        }
        return max;
      };
    case "min_over_time":
      return (s) => {
        let min = s.vals[s.head] as number;
        for (let i = s.head; i < s.tail; i++) {
          const v = s.vals[i] as number;
          if (v < min || Number.isNaN(min)) min = v;
        }
        return min;
      };
    case "stdvar_over_time":
    case "stddev_over_time": {
      const sqrt = expr.op === "stddev_over_time";
      return (s) => {
        let aux = 0;
        let count = 0;
        let mean = 0;
        for (let i = s.head; i < s.tail; i++) {
          const v = s.vals[i] as number;
          count++;
          const delta = v - mean;
          mean += delta / count;
          aux += delta * (v - mean);
        }
        return sqrt ? Math.sqrt(aux / count) : aux / count;
      };
    }
    case "quantile_over_time": {
      const q = expr.param ?? 0;
      return (s) => {
        const n = s.count;
        if (n === 0) return NaN;
        if (q < 0) return -Infinity;
        if (q > 1) return Infinity;
        // Loki sorts NaN first; a typed-array sort puts NaN last: shift indexes by the NaN count.
        const values = s.vals.slice(s.head, s.tail).sort();
        let nans = 0;
        while (nans < n && Number.isNaN(values[n - 1 - nans] as number)) nans++;
        const at = (i: number) => (i < nans ? NaN : (values[i - nans] as number));
        const rank = q * (n - 1);
        const lower = Math.max(0, Math.floor(rank));
        const upper = Math.min(n - 1, lower + 1);
        const weight = rank - Math.floor(rank);
        return at(lower) * (1 - weight) + at(upper) * weight;
      };
    }
    case "first_over_time":
      return (s) => (s.count === 0 ? NaN : (s.vals[s.head] as number));
    case "last_over_time":
      return (s) => (s.count === 0 ? NaN : (s.vals[s.tail - 1] as number));
    case "absent_over_time":
      return () => 1;
    case "rate_counter":
      throw new LogQLUnsupportedError("rate_counter");
  }
}

/** Labels of `absent_over_time`'s sample: the selector's equality matchers (names matched otherwise dropped). */
function absentLabels(matchers: readonly LabelMatcher[]): LabelsResult {
  const labels: Record<string, string> = {};
  const drop = new Set<string>();
  for (const m of matchers) {
    if (m.name === "__name__") continue;
    if (m.op === "=" && !(m.name in labels)) labels[m.name] = m.value;
    else drop.add(m.name);
  }
  for (const name of drop) delete labels[name];
  return labelsResultFromRecord(labels);
}

type Conversion = (text: string) => number | { error: string };

function conversionFor(kind: "" | "bytes" | "duration" | "duration_seconds"): Conversion {
  switch (kind) {
    case "":
      return parseGoFloat;
    case "bytes":
      return parseHumanBytes;
    case "duration":
    case "duration_seconds":
      return (text) => {
        const d = parseGoDuration(text);
        return typeof d === "number" ? d / 1e9 : d;
      };
  }
}

/** Label names the stages after unwrap read. */
function postFilterNames(filters: readonly LabelFilterExpr[]): string[] {
  return compilePostFilters(filters).required;
}

interface CursorState {
  lb: LabelsBuilder;
  /** Grouped labels when no stage runs. */
  plainLabels: LabelsResult;
  lastLabels: LabelsResult | null;
  lastSeries: WindowSeries | null;
}

function byteLength(line: string): number {
  return Buffer.byteLength(line, "utf8");
}

/**
 * The step evaluator of one range aggregation. `override`: the grouping of a `sum` wrapped around
 * it (Loki pushes it into the extraction when the range aggregation has none).
 */
export function rangeAggregationEvaluator(expr: RangeAggregationExpr, override: Grouping | null, times: EvalTimes, ctx: EvalContext): StepEvaluator {
  const range = expr.range;
  const aggregate = aggregatorFor(expr);
  const pipeline = compilePipeline(range.selector.stages);
  const unwrap = range.unwrap;
  const post = unwrap ? compilePostFilters(unwrap.postFilters) : null;

  // Grouping of the extracted samples (Loki's RangeAggregationExpr.extractor).
  let groups: string[] = [];
  let without = false;
  let noLabels = false;
  const grouping = override ?? expr.grouping;
  if (grouping) {
    groups = [...grouping.labels];
    without = grouping.without;
    if (groups.length === 0) noLabels = true;
  }
  if (expr.op === "absent_over_time") noLabels = true;
  groups.sort();
  if (unwrap && (groups.length === 0 || without)) {
    without = true;
    groups = [...groups, unwrap.label].sort();
  }
  const required = [...pipeline.requiredLabels, ...(unwrap ? postFilterNames(unwrap.postFilters) : [])];
  const hints: ParserHints = makeParserHints(required, groups, without, noLabels, unwrap ? unwrap.label : "");
  const extraction: ExtractionGrouping = { groups, without, noLabels };
  const convert = unwrap ? conversionFor(unwrap.conversion) : null;
  const unwrapLabel = unwrap ? unwrap.label : "";
  const stages: readonly StageFn[] = pipeline.stages;
  const countOnly = !unwrap && (expr.op === "count_over_time" || expr.op === "rate" || expr.op === "absent_over_time");
  const noStages = stages.length === 0 && !unwrap;
  const absent = expr.op === "absent_over_time" ? absentLabels(range.selector.matchers) : null;

  const rangeNs = range.rangeNs;
  const offsetNs = range.offsetNs;
  const base = times.startNs - BigInt(offsetNs) - BigInt(rangeNs);
  const spanNs = Number(times.endNs - times.startNs);
  const step = times.stepNs === 0 ? 1 : times.stepNs;
  const lastK = Math.floor(spanNs / step);
  if (spanNs + rangeNs > 2 ** 53) throw new LogQLUnsupportedError("a query spanning more than 104 days");

  const resultCache = new Map<string, LabelsResult>();
  const series = new Map<string, WindowSeries>();
  let merger: EntryMerger<CursorState> | null = null;
  let k = 0;
  let windowStart = 0;
  let current: StreamCursor<CursorState> | null = null;
  let currentIndex = 0;
  const entry: EntryContext = { timestampNs: () => (current ? (current.big[currentIndex] as bigint) : 0n) };
  const stats = ctx.stats;

  const lookup = (labels: LabelsResult): WindowSeries => {
    let s = series.get(labels.key);
    if (s === undefined) {
      s = new WindowSeries(labels);
      series.set(labels.key, s);
    }
    return s;
  };

  const excluded = ctx.exclusions?.get(expr);
  const excludedAt = excluded === undefined ? null : new Set<number>();
  let windowEndForExclusions = -1;

  const onEntry = (c: StreamCursor<CursorState>, i: number): boolean => {
    const t = c.ts[i] as number;
    if (t <= windowStart) return true;
    if (excludedAt !== null && excludedAt.has(t)) return true;
    const st = c.state;
    const rawLine = c.lines[i] as string;
    stats.lines++;
    stats.bytes += rawLine.length;
    let labels: LabelsResult;
    let value: number;
    if (noStages) {
      labels = st.plainLabels;
      value = countOnly ? 1 : byteLength(rawLine);
    } else {
      const lb = st.lb;
      lb.reset();
      current = c;
      currentIndex = i;
      const line = stages.length === 0 ? rawLine : runPipeline(stages, rawLine, lb, entry);
      if (line === null) return true;
      if (convert !== null) {
        const text = lb.get(unwrapLabel);
        if (text === undefined || text === "") return true;
        const converted = convert(text);
        if (typeof converted === "number") value = converted;
        else {
          value = 0;
          lb.setErr(SAMPLE_EXTRACTION_ERR, converted.error);
        }
        if (post !== null && !post.fn(lb)) return true;
      } else {
        value = countOnly ? 1 : byteLength(line);
      }
      labels = lb.groupedResult();
    }
    let s = st.lastSeries;
    if (st.lastLabels !== labels || s === null || !s.alive) {
      s = lookup(labels);
      st.lastLabels = labels;
      st.lastSeries = s;
    }
    s.push(t, value);
    return true;
  };

  const open = async (): Promise<EntryMerger<CursorState>> => {
    const streams = await ctx.source.streams(
      {
        tenant: ctx.tenant,
        matchers: range.selector.matchers,
        from: base,
        to: times.endNs - BigInt(offsetNs),
        direction: "forward",
        lineFilters: pipeline.lineFilterHints,
      },
      ctx.signal,
    );
    const ordered = streams
      .map((stream) => ({ stream, labels: labelsResultFromRecord(stream.labels) }))
      .sort((a, b) => compareStrings(formatLabels(a.labels), formatLabels(b.labels)));
    const cursors = ordered.map(({ stream, labels }, rank) => {
      const lb = new LabelsBuilder(labels, hints, extraction, resultCache);
      const state: CursorState = { lb, plainLabels: lb.groupedResult(), lastLabels: null, lastSeries: null };
      return new StreamCursor<CursorState>(stream, rank, state, base, ctx.signal);
    });
    return new EntryMerger(cursors, true);
  };

  const collect = (): Sample[] => {
    const samples: Sample[] = [];
    for (const s of series.values()) {
      if (s.count === 0) continue;
      if (s.labels.names.includes(ERROR_LABEL)) throw new QueryError(pipelineErrorMessage(s.labels), 400);
      samples.push({ labels: s.labels, value: aggregate(s) });
    }
    if (absent !== null) return samples.length > 0 ? [] : [{ labels: absent, value: 1 }];
    return samples;
  };

  return {
    async next(): Promise<StepVector | null> {
      if (k > lastK) return null;
      if (merger === null) merger = await open();
      const windowEnd = rangeNs + k * step;
      windowStart = windowEnd - rangeNs;
      if (excludedAt !== null && excluded !== undefined && windowEndForExclusions !== windowEnd) {
        excludedAt.clear();
        for (const d of excluded) excludedAt.add(windowEnd - d);
        windowEndForExclusions = windowEnd;
      }
      for (const [key, s] of series) {
        s.dropUpTo(windowStart);
        if (s.count === 0) {
          s.alive = false;
          series.delete(key);
        }
      }
      const boundary = times.boundary(k);
      await merger.pump(boundary === "inclusive" ? windowEnd : windowEnd - 1, onEntry);
      const samples = collect();
      let inclusive: Sample[] | undefined;
      if (boundary === "overlap") {
        await merger.pump(windowEnd, onEntry);
        inclusive = collect();
      }
      const stepTsNs = times.startNs - BigInt(offsetNs) + BigInt(k) * BigInt(step);
      const ts = Number(stepTsNs / 1_000_000n) + Math.trunc(offsetNs / 1e6);
      k++;
      return inclusive === undefined ? { ts, samples } : { ts, samples, inclusive };
    },
    async close(): Promise<void> {
      if (merger) await merger.close();
    },
  };
}
