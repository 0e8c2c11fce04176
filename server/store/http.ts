/**
 * The store's HTTP API, as a fetch-style handler `(Request) => Promise<Response>`: the same
 * routes, parameters, answers and error texts as Grafana Loki's (pkg/loghttp, pkg/querier).
 * Served by node:http (`flowlens store`), by the portal's `/loki/api/v1/*` route, and called in
 * process by the query gate; all three run this one function.
 *
 * LogQL itself (query_range, query) is the engine's (server/logql/): the handler gives it a
 * read session of the store as its EntrySource and the limits, and writes what it answers.
 * Anything a client sends that is wrong gets Loki's 4xx with a plain-text reason; a 500 only
 * for a bug of ours, logged.
 */
import { gunzipSync } from "node:zlib";
import { isAppError } from "../errors";
import { parseStreamSelector } from "../logql/parser";
import { type QueryLimits, executeInstantQuery, executeRangeQuery } from "../logql/query-api";
import type { LabelMatcher } from "../logql/source";
import { decodePushRequest, formatLabels } from "../loki/push";
import type { StoreLimits } from "./limits";
import { NS_PER_MS } from "./partitions";
import { ParamError, boundsOf, formOf, tenantOf } from "./params";
import type { LogStore } from "./store";
import { PushValidationError } from "./validate";

/** The engine's limits from the store's. */
export function queryLimitsOf(limits: StoreLimits): QueryLimits {
  return {
    maxEntriesPerQuery: limits.maxEntriesLimitPerQuery,
    maxQuerySeries: limits.maxQuerySeries,
    maxQueryLengthNs: limits.maxQueryLengthMs * 1e6,
    queryTimeoutMs: limits.queryTimeoutMs,
  };
}

export type FetchHandler = (request: Request) => Promise<Response>;

/** Loki's `server.grpc_max_recv_msg_size` for pushes: 100 MB, compressed and decompressed. */
export const MAX_PUSH_BYTES = 100 * 1024 * 1024;
const VOLUME_MAX_SERIES = 1000;

const ERR_DEADLINE =
  "Request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed.";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json; charset=UTF-8" } });

/** Go's Duration.String() for Loki's "query too long" message. */
function goDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const negative = ns < 0n;
  let rest = negative ? -ns : ns;
  const hours = rest / 3_600_000_000_000n;
  rest -= hours * 3_600_000_000_000n;
  const minutes = rest / 60_000_000_000n;
  rest -= minutes * 60_000_000_000n;
  const secondsWhole = rest / 1_000_000_000n;
  const frac = rest % 1_000_000_000n;
  const seconds = frac === 0n ? `${secondsWhole}` : `${secondsWhole}.${frac.toString().padStart(9, "0").replace(/0+$/, "")}`;
  const out = hours > 0n ? `${hours}h${minutes}m${seconds}s` : minutes > 0n ? `${minutes}m${seconds}s` : `${seconds}s`;
  return negative ? `-${out}` : out;
}

function checkQueryLength(start: bigint, end: bigint, limits: StoreLimits): void {
  const max = BigInt(limits.maxQueryLengthMs) * NS_PER_MS;
  if (max > 0n && end - start > max) {
    throw new HttpError(400, `the query time range exceeds the limit (query length: ${goDuration(end - start)}, limit: ${goDuration(max)})`);
  }
}

/** The snappy block's declared length (its leading varint), to refuse bombs before decoding. */
function snappyLength(body: Uint8Array): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < Math.min(body.length, 5); i++) {
    const byte = body[i] as number;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
  }
  return 0;
}

function routeOf(path: string): string {
  if (path === "/ready") return "ready";
  if (path === "/metrics") return "metrics";
  if (/^\/loki\/api\/v1\/label\/[^/]+\/values$/.test(path)) return "loki_api_v1_label_name_values";
  const match = /^\/loki\/api\/v1\/([a-z_/]+)$/.exec(path);
  return match ? `loki_api_v1_${(match[1] as string).replace(/\//g, "_")}` : "other";
}

export function createStoreHandler(options: { store: LogStore; log?: (line: string) => void }): FetchHandler {
  const { store } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const limits = store.settings.limits;
  const queryLimits = queryLimitsOf(limits);

  // Loki's parse errors and the "only label matchers" refusal, as 400 with their text
  const selectors = (texts: readonly string[]): LabelMatcher[][] =>
    texts.map((t) => {
      try {
        return parseStreamSelector(t);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
    });

  const push = async (request: Request): Promise<Response> => {
    const tenant = tenantOf(request);
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_PUSH_BYTES) throw new HttpError(413, `push request of ${declared} bytes is larger than the limit of ${MAX_PUSH_BYTES} bytes`);
    let body: Uint8Array = new Uint8Array(await request.arrayBuffer());
    if (body.length > MAX_PUSH_BYTES) throw new HttpError(413, `push request of ${body.length} bytes is larger than the limit of ${MAX_PUSH_BYTES} bytes`);
    let encoding = request.headers.get("content-encoding");
    if ((encoding ?? "").trim().toLowerCase() === "gzip") {
      try {
        body = gunzipSync(body, { maxOutputLength: MAX_PUSH_BYTES });
      } catch (error) {
        if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
          throw new HttpError(413, `push request is larger than the limit of ${MAX_PUSH_BYTES} bytes once decompressed`);
        }
        throw new HttpError(400, `Content-Encoding is gzip but the body is not: ${(error as Error).message}`);
      }
      encoding = null;
    }
    const contentType = request.headers.get("content-type");
    const isJson = (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/json";
    if (!isJson && snappyLength(body) > MAX_PUSH_BYTES) {
      throw new HttpError(413, `push request is larger than the limit of ${MAX_PUSH_BYTES} bytes once decompressed`);
    }
    const streams = decodePushRequest(body, contentType, encoding);
    const plan = store.plan(streams);
    await store.write(tenant, plan);
    return new Response(null, { status: 204 });
  };

  const query = async (request: Request, url: URL, kind: "range" | "instant"): Promise<Response> => {
    const tenant = tenantOf(request);
    const form = await formOf(request, url);
    const session = store.openSession();
    try {
      const run = kind === "range" ? executeRangeQuery : executeInstantQuery;
      const result = await run(form, session, { tenant, limits: queryLimits, signal: request.signal, now: store.now });
      if ("body" in result) return json(result.body);
      return text(result.status, result.text.endsWith("\n") ? result.text : `${result.text}\n`);
    } finally {
      await session.close();
    }
  };

  const labels = async (request: Request, url: URL, name: string | undefined): Promise<Response> => {
    const tenant = tenantOf(request);
    const form = await formOf(request, url);
    const { start, end } = boundsOf(form, store.now());
    checkQueryLength(start, end, limits);
    const q = form.get("query") ?? "";
    const matcherSets = q === "" ? [[]] : selectors([q]);
    const streams = end < start ? [] : await store.streamsMatching(tenant, matcherSets, start, end);
    const values = new Set<string>();
    for (const stream of streams) {
      if (name === undefined) for (const key of Object.keys(stream.labels)) values.add(key);
      else if (stream.labels[name] !== undefined) values.add(stream.labels[name] as string);
    }
    const data = [...values].sort();
    // Loki omits `data` when there is nothing (`json:"data,omitempty"`)
    return json(data.length > 0 ? { status: "success", data } : { status: "success" });
  };

  const series = async (request: Request, url: URL): Promise<Response> => {
    const tenant = tenantOf(request);
    const form = await formOf(request, url);
    const { start, end } = boundsOf(form, store.now());
    checkQueryLength(start, end, limits);
    let groups = [...new Set([...form.getAll("match"), ...form.getAll("match[]")])].sort();
    if (groups.length === 1 && (groups[0] as string).replace(/ /g, "") === "{}") groups = [];
    const matcherSets = groups.length === 0 ? [[]] : selectors(groups);
    const streams = end < start ? [] : await store.streamsMatching(tenant, matcherSets, start, end);
    const data = streams.map((s) => s.labels).sort((a, b) => (formatLabels(a) < formatLabels(b) ? -1 : 1));
    return json({ status: "success", data });
  };

  const indexStats = async (request: Request, url: URL): Promise<Response> => {
    const tenant = tenantOf(request);
    const form = await formOf(request, url);
    const { start, end } = boundsOf(form, store.now());
    if (end < start) throw new HttpError(400, "end timestamp must not be before or equal to start time");
    checkQueryLength(start, end, limits);
    const matcherSets = selectors([form.get("query") ?? ""]);
    const found = await store.streamStats(tenant, matcherSets, start, end);
    const out = { streams: 0, chunks: 0, bytes: 0, entries: 0 };
    for (const { stats } of found) {
      if (stats.entries <= 0) continue;
      out.streams++;
      out.chunks += stats.chunks;
      out.bytes += stats.bytes;
      out.entries += stats.entries;
    }
    return json(out);
  };

  const volume = async (request: Request, url: URL): Promise<Response> => {
    const tenant = tenantOf(request);
    const form = await formOf(request, url);
    const limitText = form.get("limit") ?? "";
    let limit = 100;
    if (limitText !== "") {
      if (!/^[+-]?\d+$/.test(limitText)) throw new HttpError(400, `strconv.Atoi: parsing ${JSON.stringify(limitText)}: invalid syntax`);
      limit = Number(limitText);
      if (limit === 0) limit = 100;
      if (limit < 0) throw new HttpError(400, "limit must be a positive value");
    }
    const aggregateBy = form.get("aggregateBy") || "series";
    if (aggregateBy !== "series" && aggregateBy !== "labels") throw new HttpError(400, "invalid aggregation option");
    const targetLabels = (form.get("targetLabels") ?? "").split(",").filter((t) => t !== "");
    const { start, end } = boundsOf(form, store.now());
    if (end < start) throw new HttpError(400, "end timestamp must not be before or equal to start time");
    checkQueryLength(start, end, limits);
    const q = form.get("query") ?? "";
    const matchAll = q.replace(/\s/g, "") === "{}";
    let matchers: LabelMatcher[] = matchAll ? [] : (selectors([q])[0] as LabelMatcher[]);
    // Loki's PrepareLabelsAndMatchers: aggregate by the target labels, else by the matchers' names
    const aggregateNames = new Set(targetLabels.length > 0 ? targetLabels : matchers.map((m) => m.name));
    const includeAll = targetLabels.length === 0 && matchAll;
    if (targetLabels.length > 0) {
      for (const target of targetLabels) {
        if (!matchers.some((m) => m.name === target)) matchers = [...matchers, { name: target, op: "=~", value: ".+" }];
      }
    }
    const found = await store.streamStats(tenant, [matchers], start, end);
    const volumes = new Map<string, number>();
    for (const { stream, stats } of found) {
      if (stats.entries <= 0) continue;
      if (aggregateBy === "series") {
        const picked: Record<string, string> = {};
        for (const [k, v] of Object.entries(stream.labels)) if (includeAll || aggregateNames.has(k)) picked[k] = v;
        const key = JSON.stringify(picked);
        volumes.set(key, (volumes.get(key) ?? 0) + stats.bytes);
      } else {
        for (const k of Object.keys(stream.labels)) {
          if (targetLabels.length > 0 && !aggregateNames.has(k)) continue;
          const key = JSON.stringify({ [k]: "" });
          volumes.set(key, (volumes.get(key) ?? 0) + stats.bytes);
        }
      }
      if (volumes.size > VOLUME_MAX_SERIES) throw new HttpError(400, `the query hit the max number of series limit (limit: ${VOLUME_MAX_SERIES} series)`);
    }
    const seconds = Number(end / NS_PER_MS) / 1000;
    const result = [...volumes]
      .map(([key, value]) => ({ metric: JSON.parse(key) as Record<string, string>, value }))
      .map((entry) => ({ ...entry, name: formatLabels(entry.metric) }))
      .sort((a, b) => (a.value === b.value ? (a.name < b.name ? -1 : 1) : b.value - a.value))
      .slice(0, limit)
      .map(({ metric, value }) => ({ metric, value: [seconds, String(value)] }));
    return json({ status: "success", data: { resultType: "vector", result } });
  };

  const ready = async (): Promise<Response> => {
    try {
      await store.ping();
      return text(200, "ready\n");
    } catch (error) {
      return text(503, `Not ready: PostgreSQL: ${(error as Error).message}\n`);
    }
  };

  const route = async (request: Request, url: URL): Promise<Response> => {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = request.method;
    const getOrPost = method === "GET" || method === "POST";
    switch (path) {
      case "/ready":
        return method === "GET" ? ready() : text(405, "");
      case "/metrics":
        return method === "GET"
          ? new Response(store.metrics.render({ cacheBytes: store.cache.bytes, cacheHits: store.cache.hits, cacheMisses: store.cache.misses }), {
              headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" },
            })
          : text(405, "");
      case "/loki/api/v1/push":
        return method === "POST" ? push(request) : text(405, "");
      case "/loki/api/v1/query_range":
        return getOrPost ? query(request, url, "range") : text(405, "");
      case "/loki/api/v1/query":
        return getOrPost ? query(request, url, "instant") : text(405, "");
      case "/loki/api/v1/labels":
        return getOrPost ? labels(request, url, undefined) : text(405, "");
      case "/loki/api/v1/series":
        return getOrPost ? series(request, url) : text(405, "");
      case "/loki/api/v1/index/stats":
        return getOrPost ? indexStats(request, url) : text(405, "");
      case "/loki/api/v1/index/volume":
        return getOrPost ? volume(request, url) : text(405, "");
    }
    const values = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
    if (values) {
      let name: string;
      try {
        name = decodeURIComponent(values[1] as string);
      } catch {
        throw new HttpError(400, `invalid label name in the path: ${values[1]}`);
      }
      return getOrPost ? labels(request, url, name) : text(405, "");
    }
    return text(404, "404 page not found\n");
  };

  return async (request: Request): Promise<Response> => {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, "bad request URL\n");
    }
    let response: Response;
    try {
      response = await route(request, url);
    } catch (error) {
      response = errorResponse(error, log, `${request.method} ${url.pathname}`);
    }
    store.metrics.requestDuration.observe(
      { method: request.method, route: routeOf(url.pathname.replace(/\/+$/, "")), status_code: String(response.status) },
      (performance.now() - started) / 1000,
    );
    return response;
  };
}

function errorResponse(error: unknown, log: (line: string) => void, what: string): Response {
  if (error instanceof HttpError) return text(error.status, `${error.message}\n`);
  if (error instanceof PushValidationError) return text(error.status, `${error.message}\n`);
  if (error instanceof ParamError) return text(400, `${error.message}\n`);
  if (isAppError(error) && error.code === "BAD_REQUEST") return text(400, `${error.message}\n`);
  if (isAppError(error) && error.code === "LIMIT_EXCEEDED") return text(400, `${error.message}\n`);
  const code = (error as { code?: string }).code;
  if (code === "57014") return text(504, `${ERR_DEADLINE}\n`);
  if (code === "ECONNREFUSED" || code === "57P01" || code === "57P03" || code === "53300") {
    return text(503, `the log store's PostgreSQL is unavailable: ${(error as Error).message}\n`);
  }
  log(`store: ${what} failed: ${(error as Error)?.stack ?? String(error)}`);
  return text(500, `internal error: ${(error as Error)?.message ?? String(error)}\n`);
}
