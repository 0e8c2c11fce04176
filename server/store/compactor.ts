/**
 * The compactor: merges a stream's small chunks of one day into chunks of the target size
 * (writer.ts), so that frequent small pushes (Promtail sends every second) do not leave
 * thousands of tiny rows to read. Chunks whose time spans overlap (out-of-order pushes) are
 * merged together too.
 *
 * Only runs of chunks that overlap nothing outside the run are merged, so that the order of
 * entries with equal timestamps (push order) survives. Each merge is one transaction under
 * the stream's row lock, the same lock pushes take.
 */
import type pg from "pg";
import { decodeChunk, encodeChunk, lineAt } from "./chunk";
import { dayStart, partitionName } from "./partitions";
import { mergeChunks, overlapGroups } from "./reader";
import { CHUNK_TARGET_BYTES, CHUNK_TARGET_ENTRIES, cutIntoChunks } from "./writer";

interface Meta {
  id: string;
  minTs: bigint;
  maxTs: bigint;
  entries: number;
  bytes: number;
}

export interface CompactionResult {
  /** Chunks replaced. */
  merged: number;
  /** Chunks written in their place. */
  written: number;
}

function sealed(group: readonly Meta[]): boolean {
  const only = group[0] as Meta;
  return group.length === 1 && (only.entries >= CHUNK_TARGET_ENTRIES / 2 || only.bytes >= CHUNK_TARGET_BYTES / 2);
}

/** Runs of chunks worth merging: consecutive unsealed overlap groups, each run within the target size. */
export function planMerges(metas: readonly Meta[]): Meta[][] {
  const runs: Meta[][] = [];
  let run: Meta[] = [];
  let entries = 0;
  let bytes = 0;
  const close = () => {
    if (run.length > 1) runs.push(run);
    run = [];
    entries = 0;
    bytes = 0;
  };
  for (const group of overlapGroups(metas)) {
    if (sealed(group)) {
      close();
      continue;
    }
    const groupEntries = group.reduce((sum, m) => sum + m.entries, 0);
    const groupBytes = group.reduce((sum, m) => sum + m.bytes, 0);
    if (run.length > 0 && (entries + groupEntries > CHUNK_TARGET_ENTRIES || bytes + groupBytes > CHUNK_TARGET_BYTES)) close();
    run.push(...group);
    entries += groupEntries;
    bytes += groupBytes;
    // an overlapping group bigger than the target is merged (and cut again) on its own
    if (entries >= CHUNK_TARGET_ENTRIES || bytes >= CHUNK_TARGET_BYTES) close();
  }
  close();
  return runs;
}

/** Compacts the chunks of one day partition. */
export async function compactDay(pool: pg.Pool, day: number): Promise<CompactionResult> {
  const result: CompactionResult = { merged: 0, written: 0 };
  const table = `"logstore"."${partitionName(day)}"`;
  const exists = await pool.query(`SELECT to_regclass($1) AS oid`, [table]);
  if (exists.rows[0]?.oid === null) return result;
  const half = Math.floor(CHUNK_TARGET_ENTRIES / 2);
  const { rows } = await pool.query<{ stream_id: string; id: string; min_ts: string; max_ts: string; entries: number; bytes: string }>(
    `SELECT "stream_id", "id", "min_ts", "max_ts", "entries", "bytes" FROM ${table}
      WHERE "stream_id" IN (SELECT "stream_id" FROM ${table} WHERE "entries" < $1 GROUP BY "stream_id" HAVING count(*) > 1)`,
    [half],
  );
  const byStream = new Map<string, Meta[]>();
  for (const row of rows) {
    const list = byStream.get(row.stream_id) ?? [];
    list.push({ id: row.id, minTs: BigInt(row.min_ts), maxTs: BigInt(row.max_ts), entries: row.entries, bytes: Number(row.bytes) });
    byStream.set(row.stream_id, list);
  }
  for (const [streamId, metas] of byStream) {
    for (const run of planMerges(metas)) {
      const written = await mergeRun(pool, streamId, day, run);
      if (written > 0) {
        result.merged += run.length;
        result.written += written;
      }
    }
  }
  return result;
}

/** Replaces a run of chunks by merged ones; returns how many were written (0 when the run changed meanwhile). */
async function mergeRun(pool: pg.Pool, streamId: string, day: number, run: readonly Meta[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT 1 FROM "logstore"."streams" WHERE "id" = $1 FOR UPDATE`, [streamId]);
    const ids = run.map((m) => m.id);
    const { rows } = await client.query<{ id: string; data: Buffer }>(
      `DELETE FROM "logstore"."chunks"
        WHERE "stream_id" = $1 AND "min_ts" >= $2 AND "min_ts" < $3 AND "id" = ANY($4::bigint[])
        RETURNING "id", "data"`,
      [streamId, dayStart(day).toString(), dayStart(day + 1).toString(), ids],
    );
    if (rows.length !== run.length) {
      // another compactor got there first
      await client.query("ROLLBACK");
      return 0;
    }
    const merged = mergeChunks(rows.map((row) => ({ id: row.id, entries: decodeChunk(row.data) })));
    const timestamps = [...merged.timestamps];
    const lines = timestamps.map((_, i) => lineAt(merged, i));
    const pieces = cutIntoChunks(timestamps, lines);
    const values: string[] = [];
    const params: unknown[] = [];
    for (const piece of pieces) {
      const chunk = encodeChunk(timestamps.slice(piece.begin, piece.end), lines.slice(piece.begin, piece.end));
      const p = params.length;
      values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`);
      params.push(streamId, chunk.minTs.toString(), chunk.maxTs.toString(), chunk.entries, chunk.bytes, chunk.data);
    }
    await client.query(
      `INSERT INTO "logstore"."chunks" ("stream_id", "min_ts", "max_ts", "entries", "bytes", "data") VALUES ${values.join(", ")}`,
      params,
    );
    await client.query("COMMIT");
    return pieces.length;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
