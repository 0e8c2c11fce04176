/**
 * The day partitions of `logstore.chunks`: one per UTC day (`chunks_YYYYMMDD`), created on
 * demand before a write touches the day, dropped whole by retention.
 *
 * Creating or dropping a partition needs a strong lock on `logstore.chunks`, so the store
 * creates today's and the next days' partitions ahead of time (maintenance), and detaches old
 * ones CONCURRENTLY before dropping them, without blocking running queries.
 */
import type pg from "pg";

export const NS_PER_MS = 1_000_000n;
export const DAY_NS = 86_400_000_000_000n;

/** Days since the Unix epoch of a timestamp in ns (floor, also before 1970). */
export function dayOf(ts: bigint): number {
  const q = ts / DAY_NS;
  return Number(ts < 0n && q * DAY_NS !== ts ? q - 1n : q);
}

export function dayStart(day: number): bigint {
  return BigInt(day) * DAY_NS;
}

export function partitionName(day: number): string {
  const date = new Date(day * 86_400_000);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  return `chunks_${String(y).padStart(4, "0")}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;
}

/** The day of a partition name made by `partitionName`, or undefined for other tables. */
export function dayOfPartition(name: string): number | undefined {
  const match = /^chunks_(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!match) return undefined;
  return Math.floor(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000);
}

/** Serialises partition DDL between every flowlens process on the database. */
const PARTITION_LOCK_KEY = 72_707_370;

export class PartitionSet {
  private readonly known = new Set<number>();

  constructor(private readonly pool: pg.Pool) {}

  /** Makes sure a partition exists for each of these days. */
  async ensure(days: Iterable<number>): Promise<void> {
    const missing = [...new Set(days)].filter((day) => !this.known.has(day)).sort((a, b) => a - b);
    if (missing.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [PARTITION_LOCK_KEY]);
      const existing = new Set(await this.listWith(client));
      for (const day of missing) {
        if (!existing.has(day)) {
          await client.query(
            `CREATE TABLE IF NOT EXISTS "logstore"."${partitionName(day)}" PARTITION OF "logstore"."chunks" ` +
              `FOR VALUES FROM (${dayStart(day)}) TO (${dayStart(day + 1)})`,
          );
        }
      }
      await client.query("COMMIT");
      for (const day of missing) this.known.add(day);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Forgets what exists (after another process may have dropped partitions). */
  forget(): void {
    this.known.clear();
  }

  /** Days that have a partition, oldest first. */
  async list(): Promise<number[]> {
    return this.listWith(this.pool);
  }

  private async listWith(db: pg.Pool | pg.PoolClient): Promise<number[]> {
    const { rows } = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'logstore' AND p.relname = 'chunks'`,
    );
    return rows
      .map((row) => dayOfPartition(row.name))
      .filter((day): day is number => day !== undefined)
      .sort((a, b) => a - b);
  }

  /**
   * Drops the partitions of days that ended before `cutoff` (ns). Each is detached
   * concurrently first, so queries keep running. Returns the dropped days.
   */
  async dropBefore(cutoff: bigint): Promise<number[]> {
    const dropped: number[] = [];
    for (const day of await this.list()) {
      if (dayStart(day + 1) > cutoff) continue;
      const name = partitionName(day);
      const client = await this.pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [PARTITION_LOCK_KEY]);
        try {
          const still = await client.query(`SELECT to_regclass('"logstore"."${name}"') AS oid`);
          if (still.rows[0]?.oid === null) continue;
          const attached = await client.query<{ pending: boolean }>(
            `SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = '"logstore"."${name}"'::regclass`,
          );
          const row = attached.rows[0];
          if (row) {
            // a detach interrupted earlier is finished with FINALIZE
            await client.query(
              `ALTER TABLE "logstore"."chunks" DETACH PARTITION "logstore"."${name}" ${row.pending ? "FINALIZE" : "CONCURRENTLY"}`,
            );
          }
          await client.query(`DROP TABLE IF EXISTS "logstore"."${name}"`);
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [PARTITION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
      this.known.delete(day);
      dropped.push(day);
    }
    return dropped;
  }
}
