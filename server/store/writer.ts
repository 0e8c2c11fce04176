/**
 * The write path: one validated push (validate.ts) into PostgreSQL in one transaction.
 *
 * Streams are upserted in fingerprint order and locked for the transaction, so concurrent
 * pushes to one stream run one after the other. Entries equal to stored ones (same stream,
 * timestamp and line) are dropped; the check reads stored chunks only when the push reaches
 * back to or before the stream's newest stored entry (in-order appends skip it). Entries are
 * cut into chunks of one UTC day each (partitions.ts) and inserted with their rows.
 */
import type pg from "pg";
import { decodeChunk, encodeChunk, lineAt, lowerBound } from "./chunk";
import { fingerprintOf } from "./labels";
import { PartitionSet, dayOf, dayStart } from "./partitions";
import type { PushPlan, StreamWrite } from "./validate";

/** A chunk is cut when it reaches this many entries … */
export const CHUNK_TARGET_ENTRIES = 8192;
/** … or this many bytes of lines. */
export const CHUNK_TARGET_BYTES = 1024 * 1024;

export interface WriteResult {
  /** Entries stored. */
  stored: number;
  /** Entries dropped as equal to stored ones. */
  duplicates: number;
  /** Chunks written. */
  chunks: number;
}

interface StreamRow {
  id: string;
  fingerprint: Buffer;
  max_ts: string | null;
}

/** Cuts sorted entries into chunk-sized runs that never cross a UTC day. */
export function cutIntoChunks(timestamps: readonly bigint[], lines: readonly string[]): { begin: number; end: number }[] {
  const runs: { begin: number; end: number }[] = [];
  let begin = 0;
  let bytes = 0;
  let day = timestamps.length > 0 ? dayOf(timestamps[0] as bigint) : 0;
  for (let i = 0; i < timestamps.length; i++) {
    const entryDay = dayOf(timestamps[i] as bigint);
    const size = (lines[i] as string).length;
    if (i > begin && (entryDay !== day || i - begin >= CHUNK_TARGET_ENTRIES || bytes + size > CHUNK_TARGET_BYTES)) {
      runs.push({ begin, end: i });
      begin = i;
      bytes = 0;
    }
    day = entryDay;
    bytes += size;
  }
  if (begin < timestamps.length) runs.push({ begin, end: timestamps.length });
  return runs;
}

const RETRYABLE = new Set(["40P01", "40001", "23505"]);

export async function writePush(pool: pg.Pool, partitions: PartitionSet, tenant: string, plan: PushPlan): Promise<WriteResult> {
  if (plan.entries === 0) return { stored: 0, duplicates: 0, chunks: 0 };
  const days = new Set<number>();
  for (const stream of plan.streams) {
    for (const run of cutIntoChunks(stream.timestamps, stream.lines)) days.add(dayOf(stream.timestamps[run.begin] as bigint));
  }
  for (let attempt = 1; ; attempt++) {
    await partitions.ensure(days);
    try {
      return await writeOnce(pool, tenant, plan);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt < 4 && code === "23514") {
        // no partition for a row: another process dropped one we thought existed
        partitions.forget();
        continue;
      }
      if (attempt < 4 && code && RETRYABLE.has(code)) continue;
      throw error;
    }
  }
}

async function writeOnce(pool: pg.Pool, tenant: string, plan: PushPlan): Promise<WriteResult> {
  const streams = plan.streams
    .map((stream) => ({ stream, fingerprint: fingerprintOf(stream.labels) }))
    .sort((a, b) => Buffer.compare(a.fingerprint, b.fingerprint));
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<StreamRow>(
      `INSERT INTO "logstore"."streams" AS s ("tenant", "fingerprint", "labels")
       SELECT $1, decode(x.fp, 'hex'), x.labels::jsonb FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(fp, labels, n)
       ORDER BY x.n
       ON CONFLICT ("tenant", "fingerprint") DO UPDATE SET "pushed_at" = now()
       RETURNING s."id", s."fingerprint", s."max_ts"`,
      [tenant, streams.map((s) => s.fingerprint.toString("hex")), streams.map((s) => JSON.stringify(s.stream.labels))],
    );
    const byFingerprint = new Map(rows.map((row) => [row.fingerprint.toString("hex"), row]));

    const result: WriteResult = { stored: 0, duplicates: 0, chunks: 0 };
    const newMax: { id: string; maxTs: bigint }[] = [];
    const pending: { streamId: string; stream: StreamWrite; timestamps: bigint[]; lines: string[] }[] = [];
    for (const { stream, fingerprint } of streams) {
      const row = byFingerprint.get(fingerprint.toString("hex"));
      if (!row) throw new Error(`stream ${stream.labelsText} was not returned by its upsert`);
      let { timestamps, lines } = stream;
      const first = timestamps[0] as bigint;
      const last = timestamps[timestamps.length - 1] as bigint;
      if (row.max_ts !== null && first <= BigInt(row.max_ts)) {
        ({ timestamps, lines } = await withoutStored(client, row.id, timestamps, lines));
        result.duplicates += stream.timestamps.length - timestamps.length;
      }
      if (timestamps.length === 0) continue;
      pending.push({ streamId: row.id, stream, timestamps, lines });
      if (row.max_ts === null || last > BigInt(row.max_ts)) newMax.push({ id: row.id, maxTs: last });
    }

    // insert chunk rows, many per statement (bounded so that one statement stays a few MB)
    let values: string[] = [];
    let params: unknown[] = [];
    let statementBytes = 0;
    const flush = async () => {
      if (values.length === 0) return;
      await client.query(
        `INSERT INTO "logstore"."chunks" ("stream_id", "min_ts", "max_ts", "entries", "bytes", "data") VALUES ${values.join(", ")}`,
        params,
      );
      values = [];
      params = [];
      statementBytes = 0;
    };
    for (const item of pending) {
      for (const run of cutIntoChunks(item.timestamps, item.lines)) {
        const chunk = encodeChunk(item.timestamps.slice(run.begin, run.end), item.lines.slice(run.begin, run.end));
        const p = params.length;
        values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`);
        params.push(item.streamId, chunk.minTs.toString(), chunk.maxTs.toString(), chunk.entries, chunk.bytes, chunk.data);
        statementBytes += chunk.data.length;
        result.chunks++;
        result.stored += chunk.entries;
        if (values.length >= 500 || statementBytes >= 16 * 1024 * 1024) await flush();
      }
    }
    await flush();

    if (newMax.length > 0) {
      await client.query(
        `UPDATE "logstore"."streams" AS s SET "max_ts" = GREATEST(COALESCE(s."max_ts", x.ts), x.ts)
         FROM unnest($1::bigint[], $2::bigint[]) AS x(id, ts) WHERE s."id" = x.id`,
        [newMax.map((m) => m.id), newMax.map((m) => m.maxTs.toString())],
      );
    }
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The entries that are not stored yet (stored: same timestamp and line in this stream). */
async function withoutStored(
  client: pg.PoolClient,
  streamId: string,
  timestamps: bigint[],
  lines: string[],
): Promise<{ timestamps: bigint[]; lines: string[] }> {
  const first = timestamps[0] as bigint;
  const last = timestamps[timestamps.length - 1] as bigint;
  const { rows } = await client.query<{ data: Buffer }>(
    `SELECT "data" FROM "logstore"."chunks"
      WHERE "stream_id" = $1 AND "min_ts" >= $2 AND "min_ts" <= $3 AND "max_ts" >= $4`,
    [streamId, dayStart(dayOf(first)).toString(), last.toString(), first.toString()],
  );
  if (rows.length === 0) return { timestamps, lines };
  const stored = new Map<bigint, Set<string>>();
  for (const row of rows) {
    const chunk = decodeChunk(row.data);
    const end = lowerBound(chunk.timestamps, last + 1n);
    for (let i = lowerBound(chunk.timestamps, first); i < end; i++) {
      const ts = chunk.timestamps[i] as bigint;
      let set = stored.get(ts);
      if (!set) {
        set = new Set();
        stored.set(ts, set);
      }
      set.add(lineAt(chunk, i));
    }
  }
  const outTs: bigint[] = [];
  const outLines: string[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const ts = timestamps[i] as bigint;
    if (stored.get(ts)?.has(lines[i] as string)) continue;
    outTs.push(ts);
    outLines.push(lines[i] as string);
  }
  return { timestamps: outTs, lines: outLines };
}
