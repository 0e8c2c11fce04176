/**
 * A client for Grafana Loki's HTTP API. It is used by the query gate (gate.ts) for every LogQL
 * query flowlens sends and by the ingest command for pushes; no other module builds Loki URLs.
 *
 * The transport is a fetch-like function: `fetch` for a remote Loki, or the embedded store's
 * request handler (same Request/Response objects, no socket) when LOKI_URL is unset.
 */
import { z } from "zod";
import { AppError } from "../errors";
import {
  type Direction,
  type LokiIndexStats,
  type LokiQueryData,
  type TimeNs,
  indexStatsSchema,
  queryResponseSchema,
  seriesResponseSchema,
  stringListResponseSchema,
  type Labels,
} from "./types";

export type Transport = (request: Request) => Promise<Response>;

export interface LokiClientOptions {
  /** Root URL of Loki (the part before `/loki/api/v1`), e.g. http://loki:3100. */
  baseUrl: string;
  /** Sent as X-Scope-OrgID when set (Loki with auth enabled). */
  tenant?: string;
  auth?: { kind: "basic"; username: string; password: string } | { kind: "bearer"; token: string };
  timeoutMs?: number;
  transport?: Transport;
}

export interface RangeQuery {
  query: string;
  start: TimeNs;
  end: TimeNs;
  /** Evaluation step for metric queries, in milliseconds. */
  stepMs?: number;
  /** Maximum log lines; must be positive (Loki treats 0 as "no limit"). */
  limit?: number;
  direction?: Direction;
}

export interface InstantQuery {
  query: string;
  time: TimeNs;
  limit?: number;
  direction?: Direction;
}

export interface ReadyStatus {
  ok: boolean;
  latencyMs: number;
  message: string;
}

/** Turns Loki's error text into a position, e.g. "parse error at line 1, col 35: …". */
export function parseErrorPosition(message: string): { line: number; column: number } | undefined {
  const match = /parse error at line (\d+), col (\d+)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

export class LokiClient {
  readonly baseUrl: string;
  private readonly options: LokiClientOptions;

  constructor(options: LokiClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  async queryRange(q: RangeQuery): Promise<LokiQueryData> {
    const params: Record<string, string> = {
      query: q.query,
      start: q.start.toString(),
      end: q.end.toString(),
    };
    if (q.stepMs !== undefined) params.step = (q.stepMs / 1000).toString();
    if (q.limit !== undefined) params.limit = positiveLimit(q.limit).toString();
    if (q.direction) params.direction = q.direction;
    const body = await this.postForm("/loki/api/v1/query_range", params);
    return parseWith(queryResponseSchema, body, "query_range").data;
  }

  async query(q: InstantQuery): Promise<LokiQueryData> {
    const params: Record<string, string> = { query: q.query, time: q.time.toString() };
    if (q.limit !== undefined) params.limit = positiveLimit(q.limit).toString();
    if (q.direction) params.direction = q.direction;
    const body = await this.postForm("/loki/api/v1/query", params);
    return parseWith(queryResponseSchema, body, "query").data;
  }

  async labels(range: { start: TimeNs; end: TimeNs; query?: string }): Promise<string[]> {
    const body = await this.get("/loki/api/v1/labels", timeParams(range));
    return parseWith(stringListResponseSchema, body, "labels").data;
  }

  async labelValues(name: string, range: { start: TimeNs; end: TimeNs; query?: string }): Promise<string[]> {
    const body = await this.get(`/loki/api/v1/label/${encodeURIComponent(name)}/values`, timeParams(range));
    return parseWith(stringListResponseSchema, body, "label values").data;
  }

  async series(match: string[], range: { start: TimeNs; end: TimeNs }): Promise<Labels[]> {
    const params = new URLSearchParams(timeParams(range));
    for (const m of match) params.append("match[]", m);
    const body = await this.get("/loki/api/v1/series", params);
    return parseWith(seriesResponseSchema, body, "series").data;
  }

  async indexStats(query: string, range: { start: TimeNs; end: TimeNs }): Promise<LokiIndexStats> {
    const body = await this.get("/loki/api/v1/index/stats", { query, ...timeParams(range) });
    return parseWith(indexStatsSchema, body, "index stats");
  }

  /** Loki's readiness probe (`GET /ready`), with the round trip's latency. */
  async ready(): Promise<ReadyStatus> {
    const started = performance.now();
    try {
      const response = await this.send(new Request(`${this.baseUrl}/ready`, { headers: this.headers() }));
      const text = (await response.text()).trim();
      return { ok: response.ok, latencyMs: performance.now() - started, message: text || response.statusText };
    } catch (error) {
      return { ok: false, latencyMs: performance.now() - started, message: (error as Error).message };
    }
  }

  /** Sends a push request body (JSON, or snappy-compressed protobuf) to `/loki/api/v1/push`. */
  async push(body: Uint8Array | string, contentType: "application/json" | "application/x-protobuf"): Promise<void> {
    const request = new Request(`${this.baseUrl}/loki/api/v1/push`, {
      method: "POST",
      headers: { ...this.headers(), "Content-Type": contentType },
      body: typeof body === "string" ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
    });
    const response = await this.send(request);
    if (!response.ok) throw await errorFromResponse(response, "push");
    await response.arrayBuffer();
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.options.tenant) headers["X-Scope-OrgID"] = this.options.tenant;
    const auth = this.options.auth;
    if (auth?.kind === "basic") {
      headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
    } else if (auth?.kind === "bearer") {
      headers.Authorization = `Bearer ${auth.token}`;
    }
    return headers;
  }

  private async get(path: string, params: Record<string, string> | URLSearchParams): Promise<unknown> {
    const search = params instanceof URLSearchParams ? params : new URLSearchParams(params);
    return this.answer(path, new Request(`${this.baseUrl}${path}?${search.toString()}`, { headers: this.headers() }));
  }

  /**
   * Queries go as POST form bodies (Loki accepts them on /query and /query_range): a query over
   * hundreds of interfaces does not fit in the URL limits of proxies in front of Loki.
   */
  private async postForm(path: string, params: Record<string, string>): Promise<unknown> {
    const request = new Request(`${this.baseUrl}${path}`, {
      method: "POST",
      headers: { ...this.headers(), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    return this.answer(path, request);
  }

  private async answer(path: string, request: Request): Promise<unknown> {
    const response = await this.send(request);
    if (!response.ok) throw await errorFromResponse(response, path);
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new AppError("UPSTREAM_ERROR", `Loki answered ${path} with something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  private async send(request: Request): Promise<Response> {
    const transport = this.options.transport ?? fetch;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await transport(new Request(request, { signal }));
    } catch (error) {
      if (signal.aborted) {
        throw new AppError(
          "UNAVAILABLE",
          `Loki at ${this.baseUrl} did not answer within ${timeoutMs / 1000} s. Narrow the time range, or raise LOKI_TIMEOUT.`,
          { cause: error },
        );
      }
      if (error instanceof AppError) throw error;
      const reason = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new AppError(
        "UNAVAILABLE",
        `Cannot reach Loki at ${this.baseUrl}: ${reason?.code ?? reason?.message ?? (error as Error).message}. Check LOKI_URL and that Loki is running.`,
        { cause: error },
      );
    }
  }
}

function positiveLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new AppError("BAD_REQUEST", `A log query limit must be a positive whole number (got ${limit}).`);
  }
  return limit;
}

function timeParams(range: { start: TimeNs; end: TimeNs; query?: string }): Record<string, string> {
  const params: Record<string, string> = { start: range.start.toString(), end: range.end.toString() };
  if (range.query) params.query = range.query;
  return params;
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new AppError("UPSTREAM_ERROR", `Loki's answer to ${what} has an unexpected shape: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Loki answers errors as plain text (query errors) or JSON (`{"message": …}`); both are read. */
async function errorFromResponse(response: Response, what: string): Promise<AppError> {
  const text = (await response.text()).trim();
  let message = text;
  try {
    const json = JSON.parse(text) as { message?: string; error?: string };
    message = json.message ?? json.error ?? text;
  } catch {
    // plain text, as Loki sends for query errors
  }
  message ||= response.statusText || `HTTP ${response.status}`;
  const position = parseErrorPosition(message);
  const retryAfter = response.headers.get("retry-after");
  const details = { status: response.status, ...(position ? { position } : {}), ...(retryAfter ? { retryAfter } : {}) };
  if (response.status === 400 || response.status === 422) {
    const overLimit = /limit|too many|exceed|maximum/i.test(message) && !/parse error/.test(message);
    return new AppError(overLimit ? "LIMIT_EXCEEDED" : "BAD_REQUEST", message, { details });
  }
  if (response.status === 429) {
    return new AppError("LIMIT_EXCEEDED", `Loki is rate-limiting requests: ${message}`, { details });
  }
  if (response.status === 401 || response.status === 403) {
    return new AppError(
      "UPSTREAM_ERROR",
      `Loki refused ${what} (HTTP ${response.status}): ${message}. Check LOKI_USERNAME/LOKI_PASSWORD, LOKI_BEARER_TOKEN or LOKI_TENANT_ID.`,
      { details },
    );
  }
  return new AppError("UPSTREAM_ERROR", `Loki failed ${what} (HTTP ${response.status}): ${message}`, { details });
}
