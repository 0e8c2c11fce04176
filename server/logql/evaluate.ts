/**
 * Evaluating a parsed LogQL expression against an EntrySource with Loki v2.7's semantics:
 * log queries (merge across streams by time, direction, limit, `interval`, one output stream per
 * label set) and metric queries (step evaluators for range and vector aggregations, binary
 * operations with vector matching, `label_replace`, `vector()`, literals), with Loki's series
 * limit and error texts. No I/O besides the source.
 */

import type { BinOpExpr, Expr, Grouping, LabelReplaceExpr, LogSelectorExpr, RangeAggregationExpr, SampleExpr, VectorAggregationExpr } from "./ast";
import { compareStrings, formatLabels, LabelsBuilder, labelsResultFromRecord, makeLabelsResult, NO_GROUPING, NO_HINTS, type LabelsResult } from "./labels";
import { EntryMerger, StreamCursor } from "./merge";
import { foldLiterals, goPow, LogQLUnsupportedError } from "./parser";
import { compilePipeline, runPipeline, type EntryContext } from "./pipeline";
import { compileRe2WithNames, expandGoTemplate } from "./re2";
import { QueryError, rangeAggregationEvaluator, type EvalContext, type EvalTimes, type Sample, type StepBoundary, type StepEvaluator, type StepVector } from "./range-vector";
import type { EntrySource } from "./source";

export { QueryError } from "./range-vector";

/** Query parameters after parsing and defaulting (as Loki's LiteralParams). */
export interface QueryParams {
  startNs: bigint;
  endNs: bigint;
  /** Evaluation step in ns; 0 for instant queries. */
  stepNs: number;
  /** Log queries: minimum spacing between returned entries (ns); 0 for all. */
  intervalNs: number;
  limit: number;
  direction: "forward" | "backward";
  /** Instant query (`/query`): one evaluation at `endNs`. */
  instant: boolean;
  /** Metric range queries: how step k treats entries exactly at its time (see StepBoundary); inclusive when absent. */
  stepBoundary?: (k: number) => StepBoundary;
  /** Instant metric queries: per range aggregation, distances (ns) before the window end whose entries are not counted. */
  instantExclusions?: Map<RangeAggregationExpr, number[]>;
}

export interface EvaluateOptions {
  source: EntrySource;
  tenant: string;
  /** Loki's max_query_series (default 500). */
  maxSeries: number;
  signal?: AbortSignal;
  /** Instant log queries look back this far (Loki's max_look_back_period, default 30s). */
  instantLookbackNs?: number;
}

export interface StreamEntry {
  ts: bigint;
  line: string;
}

export interface StreamResult {
  labels: LabelsResult;
  entries: StreamEntry[];
}

export interface SeriesResult {
  labels: LabelsResult;
  /** [ms, value] */
  points: Array<[number, number]>;
}

export type QueryResult =
  | { resultType: "streams"; streams: StreamResult[] }
  | { resultType: "matrix"; series: SeriesResult[] }
  | { resultType: "vector"; samples: Array<{ labels: LabelsResult; ts: number; value: number }> }
  | { resultType: "scalar"; ts: number; value: number };

export interface EvaluationStats {
  lines: number;
  bytes: number;
}

/** Prometheus' labels.Compare. */
export function compareLabels(a: LabelsResult, b: LabelsResult): number {
  const n = Math.min(a.names.length, b.names.length);
  for (let i = 0; i < n; i++) {
    const an = a.names[i] as string;
    const bn = b.names[i] as string;
    if (an !== bn) return an < bn ? -1 : 1;
    const av = a.values[i] as string;
    const bv = b.values[i] as string;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.names.length - b.names.length;
}

export async function evaluate(expr: Expr, params: QueryParams, options: EvaluateOptions, stats: EvaluationStats = { lines: 0, bytes: 0 }): Promise<QueryResult> {
  if (expr.kind === "logSelector") return evaluateLogs(expr, params, options, stats);
  return evaluateSample(expr, params, options, stats);
}

// ---------------------------------------------------------------------------------------------
// Log queries

const LAST_ENTRY_MIN_NS = -100_000_000_000n;

async function evaluateLogs(expr: LogSelectorExpr, params: QueryParams, options: EvaluateOptions, stats: EvaluationStats): Promise<QueryResult> {
  const pipeline = compilePipeline(expr.stages);
  let from = params.startNs;
  const to = params.endNs;
  if (params.instant) from = params.startNs - BigInt(options.instantLookbackNs ?? 30_000_000_000);
  const forward = params.direction === "forward";
  const streams = await options.source.streams(
    { tenant: options.tenant, matchers: expr.matchers, from, to, direction: params.direction, lineFilters: pipeline.lineFilterHints },
    options.signal,
  );
  if (Number(to - from) > 2 ** 53) throw new LogQLUnsupportedError("a query spanning more than 104 days");
  const ordered = streams.map((stream) => ({ stream, labels: labelsResultFromRecord(stream.labels) })).sort((a, b) => compareStrings(formatLabels(a.labels), formatLabels(b.labels)));
  const cache = new Map<string, LabelsResult>();
  const cursors = ordered.map(
    ({ stream, labels }, rank) => new StreamCursor<LabelsBuilder>(stream, rank, new LabelsBuilder(labels, NO_HINTS, NO_GROUPING, cache), from, options.signal),
  );
  const merger = new EntryMerger(cursors, forward);
  const outputs = new Map<string, StreamResult>();
  const stages = pipeline.stages;
  let current: StreamCursor<LabelsBuilder> | null = null;
  let currentIndex = 0;
  const entry: EntryContext = { timestampNs: () => (current ? (current.big[currentIndex] as bigint) : 0n) };
  const interval = BigInt(params.intervalNs);
  let lastEntry = LAST_ENTRY_MIN_NS;
  let firstOutput = true;
  let count = 0;
  const limit = params.limit;
  try {
    await merger.pump(forward ? Infinity : -Infinity, (c, i) => {
      const rawLine = c.lines[i] as string;
      stats.lines++;
      stats.bytes += rawLine.length;
      const lb = c.state;
      let line: string | null = rawLine;
      if (stages.length > 0) {
        lb.reset();
        current = c;
        currentIndex = i;
        line = runPipeline(stages, rawLine, lb, entry);
        if (line === null) return true;
      }
      const ts = c.big[i] as bigint;
      if (interval > 0n && !firstOutput) {
        if (forward ? ts < lastEntry + interval : ts > lastEntry - interval) return true;
      }
      const labels = stages.length > 0 ? lb.result() : lb.baseResult;
      let out = outputs.get(labels.key);
      if (out === undefined) {
        out = { labels, entries: [] };
        outputs.set(labels.key, out);
      }
      // Loki's heap iterator drops an entry equal (same stream, timestamp and line) to the one before it.
      const prev = out.entries[out.entries.length - 1];
      if (prev !== undefined && prev.ts === ts && prev.line === line) return true;
      out.entries.push({ ts, line });
      lastEntry = ts;
      firstOutput = false;
      count++;
      return count < limit;
    });
  } finally {
    await merger.close();
  }
  const result = [...outputs.values()].sort((a, b) => compareStrings(formatLabels(a.labels), formatLabels(b.labels)));
  return { resultType: "streams", streams: result };
}

// ---------------------------------------------------------------------------------------------
// Metric queries

async function evaluateSample(expr: SampleExpr, params: QueryParams, options: EvaluateOptions, stats: EvaluationStats): Promise<QueryResult> {
  const times: EvalTimes = {
    startNs: params.startNs,
    endNs: params.endNs,
    stepNs: params.instant ? 0 : params.stepNs,
    boundary: params.instant ? () => "exclusive" : (params.stepBoundary ?? (() => "inclusive")),
  };
  const startMs = Number(params.startNs / 1_000_000n);
  if (expr.kind === "literal") {
    if (params.instant) return { resultType: "scalar", ts: startMs, value: expr.value };
    return { resultType: "matrix", series: [{ labels: makeLabelsResult([], []), points: scalarPoints(params, expr.value) }] };
  }
  if (expr.kind === "vector") {
    if (params.instant) return { resultType: "vector", samples: [{ labels: makeLabelsResult([], []), ts: startMs, value: expr.value }] };
    return { resultType: "matrix", series: [{ labels: makeLabelsResult([], []), points: scalarPoints(params, expr.value) }] };
  }
  const ctx: EvalContext = { source: options.source, tenant: options.tenant, signal: options.signal, stats, exclusions: params.instant ? params.instantExclusions : undefined };
  const evaluator = stepEvaluator(expr, times, ctx);
  const seriesLimit = () => new QueryError(`maximum of series (${options.maxSeries}) reached for a single query`, 400);
  try {
    let step = await evaluator.next();
    if (step !== null && step.samples.length > options.maxSeries) throw seriesLimit();
    if (params.instant) {
      const samples = step === null ? [] : step.samples.map((s) => ({ labels: s.labels, ts: step?.ts ?? 0, value: s.value }));
      if (!(expr.kind === "vectorAggregation" && (expr.op === "sort" || expr.op === "sort_desc"))) samples.sort((a, b) => compareLabels(a.labels, b.labels));
      return { resultType: "vector", samples };
    }
    const index = new Map<string, SeriesResult>();
    while (step !== null) {
      let samples = step.samples;
      if (step.inclusive !== undefined) {
        // Loki's frontend merges the two answers of an overlap step keeping the first per series.
        const seen = new Set(samples.map((s) => s.labels.key));
        samples = [...samples, ...step.inclusive.filter((s) => !seen.has(s.labels.key))];
      }
      for (const s of samples) {
        let series = index.get(s.labels.key);
        if (series === undefined) {
          series = { labels: s.labels, points: [] };
          index.set(s.labels.key, series);
        }
        series.points.push([step.ts, s.value]);
      }
      if (index.size > options.maxSeries) throw seriesLimit();
      step = await evaluator.next();
    }
    const series = [...index.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    return { resultType: "matrix", series };
  } finally {
    await evaluator.close();
  }
}

/** Loki's PopulateMatrixFromScalar: one point per step from start while not after end. */
function scalarPoints(params: QueryParams, value: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  const step = BigInt(params.stepNs === 0 ? 1 : params.stepNs);
  for (let ts = params.startNs; ts <= params.endNs; ts += step) points.push([Number(ts / 1_000_000n), value]);
  return points;
}

/** Whether `sum` over this range aggregation pushes its grouping into the extraction (Loki's canInjectVectorGrouping). */
function canInjectGrouping(vector: VectorAggregationExpr): boolean {
  const inner = vector.inner;
  if (vector.op !== "sum" || inner.kind !== "rangeAggregation" || inner.grouping !== null) return false;
  return ["bytes_over_time", "bytes_rate", "sum_over_time", "rate", "count_over_time"].includes(inner.op);
}

export function stepEvaluator(expr: SampleExpr, times: EvalTimes, ctx: EvalContext): StepEvaluator {
  switch (expr.kind) {
    case "rangeAggregation":
      return rangeAggregationEvaluator(expr, null, times, ctx);
    case "vectorAggregation": {
      const inner =
        canInjectGrouping(expr) && expr.inner.kind === "rangeAggregation"
          ? rangeAggregationEvaluator(expr.inner, expr.grouping, times, ctx)
          : stepEvaluator(expr.inner, times, ctx);
      return vectorAggregationEvaluator(expr, inner);
    }
    case "binOp":
      return binOpEvaluator(expr, times, ctx);
    case "labelReplace":
      return labelReplaceEvaluator(expr, stepEvaluator(expr.inner, times, ctx));
    case "vector":
      return vectorExprEvaluator(expr.value, times);
    case "literal":
      throw new LogQLUnsupportedError("a number literal as the argument of an aggregation");
  }
}

function vectorExprEvaluator(value: number, times: EvalTimes): StepEvaluator {
  let stepMs = Math.trunc(times.stepNs / 1e6);
  if (stepMs === 0) stepMs = 1;
  const endMs = Number(times.endNs / 1_000_000n);
  let current = Number(times.startNs / 1_000_000n) - stepMs;
  const labels = makeLabelsResult([], []);
  return {
    async next() {
      current += stepMs;
      if (current > endMs) return null;
      return { ts: current, samples: [{ labels, value }] };
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------
// Vector aggregations

/** Go's container/heap over samples with Loki's orders (NaN sorts first). */
class SampleHeap {
  items: Sample[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}

  private lessAt(i: number, j: number): boolean {
    const a = (this.items[i] as Sample).value;
    if (Number.isNaN(a)) return true;
    return this.less(a, (this.items[j] as Sample).value);
  }

  private swap(i: number, j: number): void {
    const t = this.items[i] as Sample;
    this.items[i] = this.items[j] as Sample;
    this.items[j] = t;
  }

  private up(j: number): void {
    for (;;) {
      const i = Math.floor((j - 1) / 2);
      if (i === j || j <= 0 || !this.lessAt(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number, n: number): void {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.lessAt(j2, j1)) j = j2;
      if (!this.lessAt(j, i)) break;
      this.swap(i, j);
      i = j;
    }
  }

  push(s: Sample): void {
    this.items.push(s);
    this.up(this.items.length - 1);
  }

  pop(): void {
    const n = this.items.length - 1;
    this.swap(0, n);
    this.down(0, n);
    this.items.pop();
  }

  get top(): Sample {
    return this.items[0] as Sample;
  }
}

interface Group {
  labels: LabelsResult;
  value: number;
  mean: number;
  count: number;
  heap: SampleHeap | null;
}

function groupLabelsFor(grouping: Grouping): (labels: LabelsResult) => LabelsResult {
  const groups = [...grouping.labels].sort();
  const cache = new Map<string, LabelsResult>();
  return (labels) => {
    const cached = cache.get(labels.key);
    if (cached) return cached;
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < labels.names.length; i++) {
      const name = labels.names[i] as string;
      const inGroups = groups.includes(name);
      if (grouping.without ? !inGroups && name !== "__name__" : inGroups) {
        names.push(name);
        values.push(labels.values[i] as string);
      }
    }
    const result = makeLabelsResult(names, values);
    cache.set(labels.key, result);
    return result;
  };
}

function vectorAggregationEvaluator(expr: VectorAggregationExpr, inner: StepEvaluator): StepEvaluator {
  const groupOf = groupLabelsFor(expr.grouping);
  const op = expr.op;
  const k = expr.param;
  const aggregateStep = (vec: Sample[]): Sample[] => {
      if (op === "sort" || op === "sort_desc") {
        const sorted = [...vec].sort((a, b) => {
          if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
          if (Number.isNaN(b.value)) return -1;
          return op === "sort" ? a.value - b.value : b.value - a.value;
        });
        return sorted;
      }
      const result = new Map<string, Group>();
      for (const s of vec) {
        const labels = groupOf(s.labels);
        const group = result.get(labels.key);
        if (group === undefined) {
          const g: Group = { labels, value: s.value, mean: s.value, count: 1, heap: null };
          if (op === "stdvar" || op === "stddev") g.value = 0;
          else if (op === "topk") {
            g.heap = new SampleHeap((a, b) => a < b);
            g.heap.push(s);
          } else if (op === "bottomk") {
            g.heap = new SampleHeap((a, b) => a > b);
            g.heap.push(s);
          }
          result.set(labels.key, g);
          continue;
        }
        switch (op) {
          case "sum":
            group.value += s.value;
            break;
          case "avg":
            group.count++;
            group.mean += (s.value - group.mean) / group.count;
            break;
          case "max":
            if (group.value < s.value || Number.isNaN(group.value)) group.value = s.value;
            break;
          case "min":
            if (group.value > s.value || Number.isNaN(group.value)) group.value = s.value;
            break;
          case "count":
            group.count++;
            break;
          case "stddev":
          case "stdvar": {
            group.count++;
            const delta = s.value - group.mean;
            group.mean += delta / group.count;
            group.value += delta * (s.value - group.mean);
            break;
          }
          case "topk": {
            const heap = group.heap as SampleHeap;
            if (heap.items.length < k || heap.top.value < s.value || Number.isNaN(heap.top.value)) {
              if (heap.items.length === k) heap.pop();
              heap.push(s);
            }
            break;
          }
          case "bottomk": {
            const heap = group.heap as SampleHeap;
            if (heap.items.length < k || heap.top.value > s.value || Number.isNaN(heap.top.value)) {
              if (heap.items.length === k) heap.pop();
              heap.push(s);
            }
            break;
          }
        }
      }
      const out: Sample[] = [];
      for (const g of result.values()) {
        switch (op) {
          case "avg":
            out.push({ labels: g.labels, value: g.mean });
            break;
          case "count":
            out.push({ labels: g.labels, value: g.count });
            break;
          case "stddev":
            out.push({ labels: g.labels, value: Math.sqrt(g.value / g.count) });
            break;
          case "stdvar":
            out.push({ labels: g.labels, value: g.value / g.count });
            break;
          case "topk":
          case "bottomk":
            for (const s of (g.heap as SampleHeap).items) out.push({ labels: s.labels, value: s.value });
            break;
          default:
            out.push({ labels: g.labels, value: g.value });
        }
      }
      return out;
  };
  return mapSteps(inner, aggregateStep);
}

/** Applies a per-step transformation to the answer and, at overlap steps, to the inclusive answer. */
function mapSteps(inner: StepEvaluator, transform: (samples: Sample[]) => Sample[]): StepEvaluator {
  return {
    async next(): Promise<StepVector | null> {
      const step = await inner.next();
      if (step === null) return null;
      const samples = transform(step.samples);
      if (step.inclusive === undefined) return { ts: step.ts, samples };
      return { ts: step.ts, samples, inclusive: transform(step.inclusive) };
    },
    close: () => inner.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Binary operations

function isComparison(op: string): boolean {
  return op === "==" || op === "!=" || op === ">" || op === ">=" || op === "<" || op === "<=";
}

/** Loki's MergeBinOp: null when the pair is filtered out; `filter` drops false comparisons. */
function mergeBinOp(op: string, left: Sample, right: Sample, filter: boolean, vectorComparison: boolean): Sample | null {
  const l = left.value;
  const r = right.value;
  let value: number;
  if (isComparison(op)) {
    let truth: boolean;
    switch (op) {
      case "==":
        truth = l === r;
        break;
      case "!=":
        truth = l !== r;
        break;
      case ">":
        truth = l > r;
        break;
      case ">=":
        truth = l >= r;
        break;
      case "<":
        truth = l < r;
        break;
      default:
        truth = l <= r;
    }
    if (!truth && filter) return null;
    value = truth ? 1 : 0;
    // A filtering comparison keeps the left-hand value.
    if (vectorComparison && filter) return { labels: left.labels, value: left.value };
    return { labels: left.labels, value };
  }
  switch (op) {
    case "+":
      value = l + r;
      break;
    case "-":
      value = l - r;
      break;
    case "*":
      value = l * r;
      break;
    case "/":
      value = r === 0 ? NaN : l / r;
      break;
    case "%":
      value = r === 0 ? NaN : l % r;
      break;
    case "^":
      value = goPow(l, r);
      break;
    default:
      value = foldLiterals(op as never, l, r);
  }
  return { labels: left.labels, value };
}

function binOpEvaluator(expr: BinOpExpr, times: EvalTimes, ctx: EvalContext): StepEvaluator {
  const { op, returnBool } = expr;
  if (expr.left.kind === "literal" || expr.right.kind === "literal") {
    const literalLeft = expr.left.kind === "literal";
    const literal = (literalLeft ? expr.left : expr.right) as { value: number };
    const other = stepEvaluator(literalLeft ? expr.right : expr.left, times, ctx);
    return mapSteps(other, (samples) => {
      const out: Sample[] = [];
      for (const s of samples) {
        const lit: Sample = { labels: s.labels, value: literal.value };
        const merged = literalLeft ? mergeBinOp(op, lit, s, !returnBool, isComparison(op)) : mergeBinOp(op, s, lit, !returnBool, isComparison(op));
        if (merged) out.push(merged);
      }
      return out;
    });
  }
  const lhs = stepEvaluator(expr.left, times, ctx);
  const rhs = stepEvaluator(expr.right, times, ctx);
  const matching = expr.matching;
  const sigCache = new Map<string, string>();
  const signature = (labels: LabelsResult): string => {
    let sig = sigCache.get(labels.key);
    if (sig !== undefined) return sig;
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < labels.names.length; i++) {
      const name = labels.names[i] as string;
      const listed = matching.labels.includes(name);
      if (matching.on ? listed : !listed) {
        names.push(name);
        values.push(labels.values[i] as string);
      }
    }
    sig = makeLabelsResult(names, values).key;
    sigCache.set(labels.key, sig);
    return sig;
  };
  return {
    async next() {
      const [r, l] = await Promise.all([rhs.next(), lhs.next()]);
      if (r === null || l === null) return null;
      const combine = (left: Sample[], right: Sample[]): Sample[] => {
        const lsigs = left.map((s) => signature(s.labels));
        const rsigs = right.map((s) => signature(s.labels));
        switch (op) {
          case "and":
            return vectorAnd(left, right, lsigs, rsigs);
          case "or":
            return vectorOr(left, right, lsigs, rsigs);
          case "unless":
            return vectorUnless(left, right, lsigs, rsigs);
          default:
            return vectorBinop(expr, left, right, lsigs, rsigs);
        }
      };
      const samples = combine(l.samples, r.samples);
      if (l.inclusive === undefined && r.inclusive === undefined) return { ts: l.ts, samples };
      return { ts: l.ts, samples, inclusive: combine(l.inclusive ?? l.samples, r.inclusive ?? r.samples) };
    },
    async close() {
      await Promise.all([lhs.close(), rhs.close()]);
    },
  };
}

function vectorAnd(lhs: Sample[], rhs: Sample[], lsigs: string[], rsigs: string[]): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const right = new Set(rsigs);
  return lhs.filter((_, i) => right.has(lsigs[i] as string));
}

function vectorOr(lhs: Sample[], rhs: Sample[], lsigs: string[], rsigs: string[]): Sample[] {
  if (lhs.length === 0) return rhs;
  if (rhs.length === 0) return lhs;
  const left = new Set(lsigs);
  return [...lhs, ...rhs.filter((_, i) => !left.has(rsigs[i] as string))];
}

function vectorUnless(lhs: Sample[], rhs: Sample[], lsigs: string[], rsigs: string[]): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return lhs;
  const right = new Set(rsigs);
  return lhs.filter((_, i) => !right.has(lsigs[i] as string));
}

/** Loki's resultMetric: the left side's labels, reduced for one-to-one matching, plus group_x's included labels from the "one" side. */
function resultMetric(lhs: LabelsResult, rhs: LabelsResult, expr: BinOpExpr): LabelsResult {
  const m = expr.matching;
  const record: Record<string, string> = {};
  for (let i = 0; i < lhs.names.length; i++) record[lhs.names[i] as string] = lhs.values[i] as string;
  if (m.card === "one-to-one") {
    if (m.on) {
      for (const name of Object.keys(record)) if (!m.labels.includes(name)) delete record[name];
    } else {
      for (const name of m.labels) delete record[name];
    }
  }
  for (const name of m.include) {
    const at = rhs.names.indexOf(name);
    const v = at === -1 ? "" : (rhs.values[at] as string);
    if (v !== "") record[name] = v;
    else delete record[name];
  }
  return labelsResultFromRecord(record);
}

function vectorBinop(expr: BinOpExpr, lhsIn: Sample[], rhsIn: Sample[], lsigsIn: string[], rsigsIn: string[]): Sample[] {
  const m = expr.matching;
  let lhs = lhsIn;
  let rhs = rhsIn;
  let lsigs = lsigsIn;
  let rsigs = rsigsIn;
  if (m.card === "one-to-many") {
    [lhs, rhs] = [rhs, lhs];
    [lsigs, rsigs] = [rsigs, lsigs];
  }
  const rightSigs = new Map<string, Sample>();
  for (let i = 0; i < rhs.length; i++) {
    const sig = rsigs[i] as string;
    if (rightSigs.has(sig)) {
      const side = m.card === "one-to-many" ? "left" : "right";
      throw new QueryError(`found duplicate series on the ${side} hand-side;many-to-many matching not allowed: matching labels must be unique on one side`, 400);
    }
    rightSigs.set(sig, rhs[i] as Sample);
  }
  const matched = new Map<string, Set<string> | null>();
  const results: Sample[] = [];
  for (let i = 0; i < lhs.length; i++) {
    let ls = lhs[i] as Sample;
    const sig = lsigs[i] as string;
    let rs = rightSigs.get(sig);
    if (rs === undefined) continue;
    const metric = resultMetric(ls.labels, rs.labels, expr);
    if (m.card === "one-to-one") {
      if (matched.has(sig)) throw new QueryError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)", 400);
      matched.set(sig, null);
    } else {
      let inserted = matched.get(sig);
      if (inserted === undefined || inserted === null) {
        inserted = new Set();
        matched.set(sig, inserted);
      } else if (inserted.has(metric.key)) {
        throw new QueryError("multiple matches for labels: grouping labels must ensure unique matches", 400);
      }
      inserted.add(metric.key);
    }
    const filter = !expr.returnBool;
    if (m.card === "one-to-many") [ls, rs] = [rs, ls];
    const merged = mergeBinOp(expr.op, ls, rs, filter, isComparison(expr.op));
    if (merged) results.push({ labels: metric, value: merged.value });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// label_replace

function labelReplaceEvaluator(expr: LabelReplaceExpr, inner: StepEvaluator): StepEvaluator {
  const compiled = compileRe2WithNames(`^(?:${expr.regex})$`);
  const re = compiled.re;
  const names = compiled.names;
  const cache = new Map<string, LabelsResult>();
  return mapSteps(inner, (stepSamples) =>
    stepSamples.map((s) => {
        const cached = cache.get(s.labels.key);
        if (cached) return { labels: cached, value: s.value };
        const at = s.labels.names.indexOf(expr.src);
        const src = at === -1 ? "" : (s.labels.values[at] as string);
        const match = re.exec(src);
        let labels = s.labels;
        if (match !== null) {
          const replaced = expandGoTemplate(expr.replacement, match, names);
          const record: Record<string, string> = {};
          for (let i = 0; i < s.labels.names.length; i++) record[s.labels.names[i] as string] = s.labels.values[i] as string;
          delete record[expr.dst];
          if (replaced.length > 0) record[expr.dst] = replaced;
          labels = labelsResultFromRecord(record);
        }
        cache.set(s.labels.key, labels);
        return { labels, value: s.value };
    }),
  );
}
