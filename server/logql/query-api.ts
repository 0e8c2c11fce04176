/**
 * The semantics of Loki's `/loki/api/v1/query_range` and `/loki/api/v1/query` as plain functions,
 * so that an HTTP layer only moves bytes: raw query-string parameters in (times as ns, seconds or
 * RFC3339; steps as seconds or durations; Loki's defaults), Loki's JSON body or plain-text error
 * out, with Loki v2.7's validations, limits (entries per query, series, query length, timeout)
 * and error texts.
 */

import { isSampleExpr, type Expr, type SampleExpr } from "./ast";
import { evaluate, QueryError, type EvaluationStats, type QueryParams, type QueryResult } from "./evaluate";
import { labelsToRecord } from "./labels";
import { QueryAbortedError } from "./merge";
import { LogQLParseError, LogQLUnsupportedError, parseLogQL } from "./parser";
import { instantSplitExclusions, splitPlan } from "./frontend";
import type { EntrySource } from "./source";
import { formatGoDuration, formatGoFloat, goQuote, parseGoFloat, parsePromDuration } from "./units";

export interface QueryLimits {
  /** Loki's max_entries_limit_per_query. */
  maxEntriesPerQuery: number;
  /** Loki's max_query_series. */
  maxQuerySeries: number;
  /** Loki's max_query_length (ns); 0 disables. */
  maxQueryLengthNs: number;
  /** Loki's query_timeout (ms). */
  queryTimeoutMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxEntriesPerQuery: 5000,
  maxQuerySeries: 500,
  maxQueryLengthNs: 721 * 3600 * 1e9,
  queryTimeoutMs: 60_000,
};

export interface QueryOptions {
  /** X-Scope-OrgID (`fake` when auth is disabled). */
  tenant: string;
  limits?: Partial<QueryLimits>;
  signal?: AbortSignal;
  /** The current time in ns (defaults for missing times); tests pin it. */
  now?: () => bigint;
}

export type RawQueryParams = URLSearchParams | Readonly<Record<string, string | undefined>>;

export type LokiValue = [number, string];

export interface LokiQueryBody {
  status: "success";
  data: {
    resultType: "streams" | "matrix" | "vector" | "scalar";
    result: unknown;
    stats: Record<string, unknown>;
  };
}

export type ErrorStatus = 400 | 499 | 500 | 504;

export type QueryResponse = { status: 200; body: LokiQueryBody } | { status: ErrorStatus; text: string };

const ERR_DEADLINE = "Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed.";
const ERR_CANCELED = "The request was cancelled by the client.";

class BadRequest extends Error {}

function param(params: RawQueryParams, name: string): string {
  if (params instanceof URLSearchParams) return params.get(name) ?? "";
  return params[name] ?? "";
}

function nowNs(options: QueryOptions): bigint {
  return options.now ? options.now() : BigInt(Date.now()) * 1_000_000n;
}

/** Go's strconv.ParseInt(s, 10, 64) with its error text. */
function parseGoInt(text: string, fn = "ParseInt"): bigint | string {
  if (!/^[+-]?[0-9]+$/.test(text)) return `strconv.${fn}: parsing ${goQuote(text)}: invalid syntax`;
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return `strconv.${fn}: parsing ${goQuote(text)}: value out of range`;
  return value;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function parseRfc3339(text: string): bigint | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = "", zone = "Z"] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  let ns = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, "0") || "0");
  if (zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const offsetMin = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * offsetMin * 60_000_000_000n;
  }
  return ns;
}

/** Loki's parseTimestamp: float seconds (ms precision), integer seconds (≤ 10 digits) or ns, or RFC3339. */
export function parseLokiTime(value: string, fallback: bigint): bigint {
  if (value === "") return fallback;
  if (value.includes(".")) {
    const t = parseGoFloat(value);
    if (typeof t === "number" && Number.isFinite(t)) {
      const seconds = Math.trunc(t);
      const frac = Math.round((t - seconds) * 1000) / 1000;
      return BigInt(seconds) * 1_000_000_000n + BigInt(Math.trunc(frac * 1e9));
    }
  }
  const nanos = parseGoInt(value);
  if (typeof nanos === "string") {
    const ts = parseRfc3339(value);
    if (ts !== null) return ts;
    throw new BadRequest(nanos);
  }
  return value.length <= 10 ? nanos * 1_000_000_000n : nanos;
}

/** Loki's parseSecondsOrDuration: float seconds or a Prometheus duration; returns ns. */
export function parseSecondsOrDuration(value: string): number {
  const f = parseGoFloat(value);
  if (typeof f === "number") {
    const ns = f * 1e9;
    if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18 || Number.isNaN(ns)) throw new BadRequest(`cannot parse ${goQuote(value)} to a valid duration. It overflows int64`);
    return Math.trunc(ns);
  }
  const d = parsePromDuration(value);
  if (typeof d === "number") return d;
  throw new BadRequest(`cannot parse ${goQuote(value)} to a valid duration`);
}

function parseLimit(params: RawQueryParams): number {
  const text = param(params, "limit");
  if (text === "") return 100;
  const value = parseGoInt(text, "Atoi");
  if (typeof value === "string") throw new BadRequest(value);
  if (value <= 0n) throw new BadRequest("limit must be a positive value");
  return Number(value);
}

function parseDirection(params: RawQueryParams): "forward" | "backward" {
  const text = param(params, "direction");
  if (text === "") return "backward";
  const upper = text.toUpperCase();
  if (upper === "FORWARD") return "forward";
  if (upper === "BACKWARD") return "backward";
  throw new BadRequest(`invalid direction '${text}'`);
}

function limitsOf(options: QueryOptions): QueryLimits {
  return { ...DEFAULT_QUERY_LIMITS, ...options.limits };
}

/** Loki's time range check (`the query time range exceeds the limit …`); lengths in ns. */
function checkQueryLength(lengthNs: number, limits: QueryLimits): void {
  if (limits.maxQueryLengthNs > 0 && lengthNs > limits.maxQueryLengthNs) {
    throw new BadRequest(`the query time range exceeds the limit (query length: ${formatGoDuration(lengthNs)}, limit: ${formatGoDuration(limits.maxQueryLengthNs)})`);
  }
}

function checkEntriesLimit(limit: number, limits: QueryLimits): void {
  if (limits.maxEntriesPerQuery > 0 && limit > limits.maxEntriesPerQuery) {
    throw new BadRequest(`max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${limits.maxEntriesPerQuery})`);
  }
}

/** The longest store read a metric query makes: its range plus the longest range/offset window. */
function longestRangeNs(expr: SampleExpr): number {
  switch (expr.kind) {
    case "rangeAggregation":
      return expr.range.rangeNs;
    case "vectorAggregation":
    case "labelReplace":
      return longestRangeNs(expr.inner);
    case "binOp":
      return Math.max(longestRangeNs(expr.left), longestRangeNs(expr.right));
    default:
      return 0;
  }
}

/** `GET /loki/api/v1/query_range` */
export async function executeRangeQuery(params: RawQueryParams, source: EntrySource, options: QueryOptions): Promise<QueryResponse> {
  const limits = limitsOf(options);
  try {
    const query = param(params, "query");
    const now = nowNs(options);
    const start = parseLokiTime(param(params, "start"), now - 3_600_000_000_000n);
    const end = parseLokiTime(param(params, "end"), now);
    if (end < start) throw new BadRequest("end timestamp must not be before or equal to start time");
    const limit = parseLimit(params);
    const direction = parseDirection(params);
    const stepText = param(params, "step");
    let stepNs = stepText === "" ? Math.max(Math.floor(Number(end - start) / 1e9 / 250), 1) * 1e9 : parseSecondsOrDuration(stepText);
    if (stepNs <= 0) throw new BadRequest("zero or negative query resolution step widths are not accepted. Try a positive integer");
    if (Math.trunc(Number(end - start) / stepNs) > 11000) {
      throw new BadRequest("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    const intervalText = param(params, "interval");
    const intervalNs = intervalText === "" ? 0 : parseSecondsOrDuration(intervalText);
    if (intervalNs < 0) throw new BadRequest("interval must be >= 0");
    // Loki's query frontend carries the step in milliseconds.
    stepNs = Math.trunc(stepNs / 1e6) * 1e6;
    if (stepNs <= 0) throw new BadRequest("zero or negative query resolution step widths are not accepted. Try a positive integer");
    const expr = parseLogQL(query);
    if (!isSampleExpr(expr)) checkEntriesLimit(limit, limits);
    const startMs = start / 1_000_000n;
    const endMs = end / 1_000_000n;
    checkQueryLength(Number(endMs - startMs) * 1e6, limits);
    if (!isSampleExpr(expr)) return await run(expr, { startNs: start, endNs: end, stepNs, intervalNs, limit, direction, instant: false }, source, options, limits);
    checkQueryLength(Number(end - start) + longestRangeNs(expr), limits);
    const plan = splitPlan(start, end, stepNs, longestRangeNs(expr));
    return await run(expr, { startNs: plan.startNs, endNs: plan.endNs, stepNs, intervalNs, limit, direction, instant: false, stepBoundary: plan.boundary }, source, options, limits);
  } catch (error) {
    return errorResponse(error);
  }
}

/** `GET /loki/api/v1/query` */
export async function executeInstantQuery(params: RawQueryParams, source: EntrySource, options: QueryOptions): Promise<QueryResponse> {
  const limits = limitsOf(options);
  try {
    const query = param(params, "query");
    const limit = parseLimit(params);
    const time = parseLokiTime(param(params, "time"), nowNs(options));
    const direction = parseDirection(params);
    const expr = parseLogQL(query);
    if (!isSampleExpr(expr)) checkEntriesLimit(limit, limits);
    else checkQueryLength(longestRangeNs(expr), limits);
    const exclusions = isSampleExpr(expr) ? instantSplitExclusions(expr) : undefined;
    return await run(expr, { startNs: time, endNs: time, stepNs: 0, intervalNs: 0, limit, direction, instant: true, instantExclusions: exclusions }, source, options, limits);
  } catch (error) {
    return errorResponse(error);
  }
}

async function run(expr: Expr, params: QueryParams, source: EntrySource, options: QueryOptions, limits: QueryLimits): Promise<QueryResponse> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(new QueryAbortedError("canceled"));
  if (options.signal) {
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
  }
  const timer = setTimeout(() => controller.abort(new QueryAbortedError("timeout")), limits.queryTimeoutMs);
  const started = performance.now();
  const stats: EvaluationStats = { lines: 0, bytes: 0 };
  try {
    const result = await evaluate(expr, params, { source, tenant: options.tenant, maxSeries: limits.maxQuerySeries, signal: controller.signal }, stats);
    if (controller.signal.aborted) throw controller.signal.reason;
    const execSeconds = (performance.now() - started) / 1000;
    return { status: 200, body: formatBody(result, stats, execSeconds) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function errorResponse(error: unknown): QueryResponse {
  if (error instanceof BadRequest) return { status: 400, text: error.message };
  if (error instanceof LogQLParseError) return { status: 400, text: error.message };
  if (error instanceof LogQLUnsupportedError) return { status: 400, text: error.message };
  if (error instanceof QueryError) return { status: error.status as ErrorStatus, text: error.message };
  if (error instanceof QueryAbortedError) return error.reason === "timeout" ? { status: 504, text: ERR_DEADLINE } : { status: 499, text: ERR_CANCELED };
  throw error;
}

function totalEntries(result: QueryResult): number {
  switch (result.resultType) {
    case "streams":
      return result.streams.reduce((n, s) => n + s.entries.length, 0);
    case "matrix":
      return result.series.reduce((n, s) => n + s.points.length, 0);
    case "vector":
      return result.samples.length;
    default:
      return 0;
  }
}

function statsObject(stats: EvaluationStats, execSeconds: number, returned: number): Record<string, unknown> {
  const perSecond = (n: number) => (execSeconds > 0 ? Math.round(n / execSeconds) : 0);
  const emptyStore = {
    totalChunksRef: 0,
    totalChunksDownloaded: 0,
    chunksDownloadTime: 0,
    chunk: {
      headChunkBytes: 0,
      headChunkLines: 0,
      decompressedBytes: stats.bytes,
      decompressedLines: stats.lines,
      compressedBytes: 0,
      totalDuplicates: 0,
    },
  };
  return {
    summary: {
      bytesProcessedPerSecond: perSecond(stats.bytes),
      linesProcessedPerSecond: perSecond(stats.lines),
      totalBytesProcessed: stats.bytes,
      totalLinesProcessed: stats.lines,
      execTime: execSeconds,
      queueTime: 0,
      subqueries: 1,
      totalEntriesReturned: returned,
    },
    querier: { store: emptyStore },
    ingester: { totalReached: 0, totalChunksMatched: 0, totalBatches: 0, totalLinesSent: 0, store: { ...emptyStore, chunk: { ...emptyStore.chunk, decompressedBytes: 0, decompressedLines: 0 } } },
  };
}

/** Loki's JSON answer for a query result (values as Go formats floats, times as seconds). */
export function formatBody(result: QueryResult, stats: EvaluationStats, execSeconds: number): LokiQueryBody {
  let data: unknown;
  switch (result.resultType) {
    case "streams":
      data = result.streams.map((s) => ({ stream: labelsToRecord(s.labels), values: s.entries.map((e) => [e.ts.toString(), e.line]) }));
      break;
    case "matrix":
      data = result.series.map((s) => ({ metric: labelsToRecord(s.labels), values: s.points.map(([ts, v]) => [ts / 1000, formatGoFloat(v)]) }));
      break;
    case "vector":
      data = result.samples.map((s) => ({ metric: labelsToRecord(s.labels), value: [s.ts / 1000, formatGoFloat(s.value)] }));
      break;
    case "scalar":
      data = [result.ts / 1000, formatGoFloat(result.value)];
      break;
  }
  return {
    status: "success",
    data: { resultType: result.resultType, result: data, stats: statsObject(stats, execSeconds, totalEntries(result)) },
  };
}
