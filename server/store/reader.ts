/**
 * The read path: the LogQL engine's EntrySource (server/logql/source.ts) over PostgreSQL, and
 * the index look-ups behind /labels, /series, /index/stats and /index/volume.
 *
 * A query reads through one ReadSession: one pooled connection in a REPEATABLE READ READ ONLY
 * transaction, so that every stream it reads comes from the same snapshot even while pushes,
 * the compactor or retention change the tables. Streams are read lazily, a few chunks per
 * round trip with the next round trip already under way, so memory stays bounded by the
 * chunks in flight (plus the chunk cache's budget), however long the range.
 */
import type pg from "pg";
import type { EntryBatch, EntrySource, LabelMatcher, LineFilterHint, SourceStream, StreamQuery } from "../logql/source";
import { type ChunkEntries, decodeChunk, linesContaining, lowerBound } from "./chunk";
import type { ChunkCache } from "./chunk-cache";
import { type RegexCompiler, compileMatchers, containmentOf, matchesAll } from "./labels";
import { dayOf, dayStart } from "./partitions";

/** What the look-ups need of a connection. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface StreamRef {
  id: string;
  labels: Record<string, string>;
}

/** The most entries handed to the engine in one batch. */
const BATCH_ENTRIES = 2048;
/**
 * Bytes of lines (uncompressed) fetched per round trip: the first round trip of a stream takes
 * one chunk (a log query with a small limit may need no more), each next one twice as much, up
 * to the maximum.
 */
const FIRST_FETCH_BYTES = 256 * 1024;
const MAX_FETCH_BYTES = 8 * 1024 * 1024;

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) out[key] = labels[key] as string;
  return out;
}

/**
 * Streams of `tenant` matching every matcher of at least one of `matcherSets` and having
 * entries in [from, to]. The GIN label index narrows by the equality matchers; every matcher
 * is then applied exactly as Loki does (missing label = "", anchored RE2).
 */
export async function findStreams(
  db: Queryable,
  tenant: string,
  matcherSets: readonly (readonly LabelMatcher[])[],
  from: bigint,
  to: bigint,
  compile: RegexCompiler,
): Promise<StreamRef[]> {
  const found = new Map<string, StreamRef>();
  for (const matchers of matcherSets) {
    const containment = containmentOf(matchers);
    if (containment === null) continue;
    const compiled = compileMatchers(matchers, compile);
    const { rows } = await db.query<{ id: string; labels: Record<string, string> }>(
      `SELECT s."id", s."labels" FROM "logstore"."streams" s
        WHERE s."tenant" = $1 AND s."labels" @> $2::jsonb AND s."max_ts" >= $5
          AND EXISTS (SELECT 1 FROM "logstore"."chunks" c
                       WHERE c."stream_id" = s."id" AND c."min_ts" >= $3 AND c."min_ts" <= $4 AND c."max_ts" >= $5)`,
      [tenant, JSON.stringify(containment), dayStart(dayOf(from)).toString(), to.toString(), from.toString()],
    );
    for (const row of rows) {
      if (found.has(row.id)) continue;
      const labels = sortedLabels(row.labels);
      if (matchesAll(labels, compiled)) found.set(row.id, { id: row.id, labels });
    }
  }
  return [...found.values()];
}

export interface StreamChunkStats {
  chunks: number;
  entries: number;
  bytes: number;
}

/**
 * Per stream: the chunks overlapping [from, to], with entries and bytes scaled by the part of
 * each chunk's time span inside the range (Loki's `GetFactorOfTime`, as its index does).
 */
export async function chunkStats(db: Queryable, streamIds: readonly string[], from: bigint, to: bigint): Promise<Map<string, StreamChunkStats>> {
  const out = new Map<string, StreamChunkStats>();
  if (streamIds.length === 0) return out;
  const { rows } = await db.query<{ stream_id: string; chunks: string; entries: string; bytes: string }>(
    `SELECT "stream_id", count(*) AS chunks,
            sum(CASE WHEN "max_ts" = "min_ts" THEN "entries"
                     ELSE floor("entries" * ((LEAST("max_ts", $4) - GREATEST("min_ts", $3))::float8 / ("max_ts" - "min_ts"))) END) AS entries,
            sum(CASE WHEN "max_ts" = "min_ts" THEN "bytes"
                     ELSE floor("bytes" * ((LEAST("max_ts", $4) - GREATEST("min_ts", $3))::float8 / ("max_ts" - "min_ts"))) END) AS bytes
       FROM "logstore"."chunks"
      WHERE "stream_id" = ANY($1::bigint[]) AND "min_ts" >= $2 AND "min_ts" <= $4 AND "max_ts" >= $3
      GROUP BY "stream_id"`,
    [streamIds, dayStart(dayOf(from)).toString(), from.toString(), to.toString()],
  );
  for (const row of rows) {
    out.set(row.stream_id, { chunks: Number(row.chunks), entries: Number(row.entries), bytes: Number(row.bytes) });
  }
  return out;
}

interface ChunkMeta {
  id: string;
  minTs: bigint;
  maxTs: bigint;
  bytes: number;
}

/** Chunks whose time spans overlap (transitively), in time order; groups do not overlap each other. */
export function overlapGroups<T extends { id: string; minTs: bigint; maxTs: bigint }>(metas: readonly T[]): T[][] {
  const sorted = [...metas].sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : Number(BigInt(a.id) - BigInt(b.id))));
  const groups: T[][] = [];
  let current: T[] = [];
  let currentMax = 0n;
  for (const meta of sorted) {
    if (current.length > 0 && meta.minTs <= currentMax) {
      current.push(meta);
      if (meta.maxTs > currentMax) currentMax = meta.maxTs;
    } else {
      if (current.length > 0) groups.push(current);
      current = [meta];
      currentMax = meta.maxTs;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Entries of overlapping chunks in one time order: by timestamp, then by chunk id (the order
 * they were pushed), then by position in the chunk.
 */
export function mergeChunks(chunks: readonly { id: string; entries: ChunkEntries }[]): ChunkEntries {
  if (chunks.length === 1) return (chunks[0] as { entries: ChunkEntries }).entries;
  const ordered = [...chunks].sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const refs: { ts: bigint; c: number; i: number }[] = [];
  ordered.forEach((chunk, c) => {
    const n = chunk.entries.timestamps.length;
    for (let i = 0; i < n; i++) refs.push({ ts: chunk.entries.timestamps[i] as bigint, c, i });
  });
  refs.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.c - b.c || a.i - b.i));
  const timestamps = new BigInt64Array(refs.length);
  const ends = new Uint32Array(refs.length);
  const parts: string[] = [];
  let end = 0;
  refs.forEach((ref, k) => {
    const chunk = (ordered[ref.c] as { entries: ChunkEntries }).entries;
    const line = chunk.text.slice(ref.i === 0 ? 0 : chunk.ends[ref.i - 1], chunk.ends[ref.i]);
    timestamps[k] = ref.ts;
    end += line.length;
    ends[k] = end;
    parts.push(line);
  });
  return { timestamps, text: parts.join(""), ends };
}

/** Indices of the entries in [begin, end) that pass every hint, or undefined when all do. */
function hintedIndices(chunk: ChunkEntries, begin: number, end: number, hints: readonly LineFilterHint[]): number[] | undefined {
  let indices: number[] | undefined;
  for (const hint of hints) {
    if (hint.value === "") {
      if (hint.op === "!=") return [];
      continue;
    }
    const keep = hint.op === "|=";
    if (!indices) {
      indices = linesContaining(chunk, begin, end, hint.value, keep);
    } else {
      indices = indices.filter((i) => {
        const line = chunk.text.slice(i === 0 ? 0 : chunk.ends[i - 1], chunk.ends[i]);
        return line.includes(hint.value) === keep;
      });
    }
    if (indices.length === 0) return indices;
  }
  return indices;
}

/** Cuts a chunk's entries in [from, to) (filtered by the hints) into batches in the query's direction. */
export function* batchesOf(chunk: ChunkEntries, query: Pick<StreamQuery, "from" | "to" | "direction" | "lineFilters">): Generator<EntryBatch> {
  const begin = lowerBound(chunk.timestamps, query.from);
  const end = lowerBound(chunk.timestamps, query.to);
  if (begin >= end) return;
  for (const hint of query.lineFilters) {
    if (hint.op === "|=" && hint.value !== "" && !chunk.text.includes(hint.value)) return;
  }
  const indices = hintedIndices(chunk, begin, end, query.lineFilters);
  const count = indices ? indices.length : end - begin;
  const at = indices ? (k: number) => indices[k] as number : (k: number) => begin + k;
  const { text, ends, timestamps } = chunk;
  const backward = query.direction === "backward";
  for (let done = 0; done < count; done += BATCH_ENTRIES) {
    const size = Math.min(BATCH_ENTRIES, count - done);
    const lines: string[] = new Array(size);
    if (!indices && !backward) {
      // a contiguous run: the timestamps are a view, no copy
      const first = begin + done;
      for (let k = 0; k < size; k++) {
        const i = first + k;
        lines[k] = text.slice(i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number);
      }
      yield { timestamps: timestamps.subarray(first, first + size), lines };
      continue;
    }
    const ts = new BigInt64Array(size);
    for (let k = 0; k < size; k++) {
      // backward: newest first, i.e. the forward order reversed
      const i = at(backward ? count - 1 - done - k : done + k);
      ts[k] = timestamps[i] as bigint;
      lines[k] = text.slice(i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number);
    }
    yield { timestamps: ts, lines };
  }
}

export interface ReadContext {
  pool: pg.Pool;
  cache: ChunkCache;
  compileRegex: RegexCompiler;
  /** Per-statement timeout inside a session, ms. */
  statementTimeoutMs: number;
}

/**
 * One query's view of the store. Implements the engine's EntrySource; `close()` ends the
 * snapshot and returns the connection (the HTTP layer calls it when the query is done).
 */
export class ReadSession implements EntrySource {
  private client: Promise<pg.PoolClient> | undefined;
  private closed = false;
  /** Statements of this session run one after another on its connection, in the order asked. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly context: ReadContext) {}

  /** The session's connection (in its snapshot transaction, opened on first use), one statement at a time. */
  async db(): Promise<Queryable> {
    if (this.closed) throw new Error("the read session is closed");
    this.client ??= (async () => {
      const client = await this.context.pool.connect();
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(this.context.statementTimeoutMs))}`);
      } catch (error) {
        client.release(true);
        throw error;
      }
      return client;
    })();
    const client = await this.client;
    return {
      query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
        const result = this.last.then(() => client.query<R>(text, values));
        this.last = result.catch(() => {});
        return result;
      },
    };
  }

  async streams(query: StreamQuery, signal?: AbortSignal): Promise<SourceStream[]> {
    signal?.throwIfAborted();
    const db = await this.db();
    if (query.from >= query.to) return [];
    const refs = await findStreams(db, query.tenant, [query.matchers], query.from, query.to - 1n, this.context.compileRegex);
    return refs.map((ref) => ({ labels: ref.labels, batches: () => this.read(ref.id, query, signal) }));
  }

  private async *read(streamId: string, query: StreamQuery, signal?: AbortSignal): AsyncGenerator<EntryBatch> {
    const db = await this.db();
    const { rows } = await db.query<{ id: string; min_ts: string; max_ts: string; bytes: string }>(
      `SELECT "id", "min_ts", "max_ts", "bytes" FROM "logstore"."chunks"
        WHERE "stream_id" = $1 AND "min_ts" >= $2 AND "min_ts" < $3 AND "max_ts" >= $4`,
      [streamId, dayStart(dayOf(query.from)).toString(), query.to.toString(), query.from.toString()],
    );
    const groups = overlapGroups(
      rows.map((row) => ({ id: row.id, minTs: BigInt(row.min_ts), maxTs: BigInt(row.max_ts), bytes: Number(row.bytes) })),
    );
    if (query.direction === "backward") groups.reverse();

    // round trips: consecutive groups, growing from FIRST_FETCH_BYTES of lines to MAX_FETCH_BYTES
    const trips: ChunkMeta[][][] = [];
    let trip: ChunkMeta[][] = [];
    let tripBytes = 0;
    let budget = FIRST_FETCH_BYTES;
    for (const group of groups) {
      const bytes = group.reduce((sum, meta) => sum + meta.bytes, 0);
      if (trip.length > 0 && tripBytes + bytes > budget) {
        trips.push(trip);
        trip = [];
        tripBytes = 0;
        budget = Math.min(budget * 2, MAX_FETCH_BYTES);
      }
      trip.push(group);
      tripBytes += bytes;
    }
    if (trip.length > 0) trips.push(trip);

    const fetchTrip = (index: number): Promise<Map<string, ChunkEntries>> | undefined => {
      const groupsOfTrip = trips[index];
      if (!groupsOfTrip) return undefined;
      const promise = this.fetchChunks(db, streamId, groupsOfTrip.flat());
      promise.catch(() => {}); // awaited below; a trip abandoned by the consumer must not go unhandled
      return promise;
    };
    let next = fetchTrip(0);
    for (let t = 0; t < trips.length; t++) {
      signal?.throwIfAborted();
      const chunks = await (next as Promise<Map<string, ChunkEntries>>);
      next = fetchTrip(t + 1);
      for (const group of trips[t] as ChunkMeta[][]) {
        const merged = mergeChunks(group.map((meta) => ({ id: meta.id, entries: chunks.get(meta.id) as ChunkEntries })));
        yield* batchesOf(merged, query);
      }
    }
  }

  private async fetchChunks(db: Queryable, streamId: string, metas: readonly ChunkMeta[]): Promise<Map<string, ChunkEntries>> {
    const out = new Map<string, ChunkEntries>();
    const missing: ChunkMeta[] = [];
    for (const meta of metas) {
      const cached = this.context.cache.get(meta.id);
      if (cached) out.set(meta.id, cached);
      else missing.push(meta);
    }
    if (missing.length === 0) return out;
    let lo = missing[0]?.minTs as bigint;
    let hi = lo;
    for (const meta of missing) {
      if (meta.minTs < lo) lo = meta.minTs;
      if (meta.minTs > hi) hi = meta.minTs;
    }
    // base64 rather than bytea's hex text: a third less to carry and decode
    const { rows } = await db.query<{ id: string; data: string }>(
      `SELECT "id", encode("data", 'base64') AS "data" FROM "logstore"."chunks"
        WHERE "stream_id" = $1 AND "min_ts" >= $2 AND "min_ts" <= $3 AND "id" = ANY($4::bigint[])`,
      [streamId, lo.toString(), hi.toString(), missing.map((meta) => meta.id)],
    );
    for (const row of rows) {
      const entries = decodeChunk(Buffer.from(row.data, "base64"));
      this.context.cache.set(row.id, entries);
      out.set(row.id, entries);
    }
    for (const meta of missing) {
      if (!out.has(meta.id)) throw new Error(`chunk ${meta.id} of stream ${streamId} vanished within a snapshot`);
    }
    return out;
  }

  /** Ends the snapshot and returns the connection to the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.client) return;
    let client: pg.PoolClient;
    try {
      client = await this.client;
    } catch {
      return;
    }
    try {
      await this.last;
      await client.query("COMMIT");
      client.release();
    } catch {
      client.release(true);
    }
  }
}
