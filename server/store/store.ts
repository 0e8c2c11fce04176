/**
 * The log store: pushes in, snapshots for queries out, index look-ups, and the maintenance
 * that keeps the tables in shape (partitions ahead of time, retention, compaction). The HTTP
 * API (http.ts) is its only caller besides tests and the benchmark.
 */
import pg from "pg";
import type { LabelMatcher } from "../logql/source";
import type { PushStream } from "../loki/push";
import { ChunkCache } from "./chunk-cache";
import { compactDay } from "./compactor";
import type { RegexCompiler } from "./labels";
import type { StoreSettings } from "./limits";
import { StoreMetrics } from "./metrics";
import { DAY_NS, NS_PER_MS, PartitionSet, dayOf } from "./partitions";
import { ReadSession, type StreamChunkStats, type StreamRef, chunkStats, findStreams } from "./reader";
import { type PushPlan, planPush } from "./validate";
import { type WriteResult, writePush } from "./writer";

export interface LogStoreOptions {
  connectionString: string;
  settings: StoreSettings;
  compileRegex: RegexCompiler;
  /** Connections to PostgreSQL (default 8). */
  poolSize?: number;
  /** Current time in ns (tests move it). */
  now?: () => bigint;
  /** Where maintenance reports what it did and what failed. */
  log?: (line: string) => void;
}

export interface MaintenanceResult {
  partitionsCreated: number;
  partitionsDropped: number;
  streamsForgotten: number;
  chunksMerged: number;
  chunksWritten: number;
}

const nowNs = () => BigInt(Date.now()) * NS_PER_MS;

export class LogStore {
  readonly pool: pg.Pool;
  readonly metrics = new StoreMetrics();
  readonly cache: ChunkCache;
  private readonly partitions: PartitionSet;
  private readonly dirtyDays = new Set<number>();
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private maintenanceRun: Promise<MaintenanceResult> | undefined;
  private firstMaintenance = true;
  readonly now: () => bigint;

  constructor(private readonly options: LogStoreOptions) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 8, application_name: "flowlens-store" });
    this.pool.on("error", (error) => options.log?.(`store: idle PostgreSQL connection failed: ${error.message}`));
    this.partitions = new PartitionSet(this.pool);
    this.cache = new ChunkCache(options.settings.chunkCacheBytes);
    this.now = options.now ?? nowNs;
  }

  get settings(): StoreSettings {
    return this.options.settings;
  }

  get compileRegex(): RegexCompiler {
    return this.options.compileRegex;
  }

  /** Checks a decoded push (Loki's validation) without writing anything. */
  plan(streams: readonly PushStream[]): PushPlan {
    const now = this.now();
    const retention = this.options.settings.retentionMs;
    // nothing before 1970 (day partitions are named by date), nothing older than the retention
    const cutoff = retention > 0 ? now - BigInt(retention) * NS_PER_MS : 0n;
    return planPush(streams, { limits: this.options.settings.limits, now, oldestAcceptable: cutoff > 0n ? cutoff : 0n });
  }

  /** Writes a validated push in one transaction. */
  async write(tenant: string, plan: PushPlan): Promise<WriteResult> {
    const result = await writePush(this.pool, this.partitions, tenant, plan);
    this.metrics.linesReceived.inc({ tenant }, plan.entries);
    this.metrics.bytesReceived.inc({ tenant }, plan.bytes);
    if (result.duplicates > 0) this.metrics.duplicatesDropped.inc({ tenant }, result.duplicates);
    for (const stream of plan.streams) {
      this.dirtyDays.add(dayOf(stream.timestamps[0] as bigint));
      this.dirtyDays.add(dayOf(stream.timestamps[stream.timestamps.length - 1] as bigint));
    }
    return result;
  }

  /** A snapshot for one query (the engine's EntrySource); close it when the query is done. */
  openSession(): ReadSession {
    return new ReadSession({
      pool: this.pool,
      cache: this.cache,
      compileRegex: this.options.compileRegex,
      statementTimeoutMs: this.options.settings.limits.queryTimeoutMs,
    });
  }

  /** Streams matching any of the selectors with entries in [from, to]. */
  async streamsMatching(tenant: string, matcherSets: readonly (readonly LabelMatcher[])[], from: bigint, to: bigint): Promise<StreamRef[]> {
    const session = this.openSession();
    try {
      return await findStreams(await session.db(), tenant, matcherSets, from, to, this.options.compileRegex);
    } finally {
      await session.close();
    }
  }

  /** Streams matching the selector with their chunk statistics in [from, to]. */
  async streamStats(
    tenant: string,
    matcherSets: readonly (readonly LabelMatcher[])[],
    from: bigint,
    to: bigint,
  ): Promise<{ stream: StreamRef; stats: StreamChunkStats }[]> {
    const session = this.openSession();
    try {
      const db = await session.db();
      const streams = await findStreams(db, tenant, matcherSets, from, to, this.options.compileRegex);
      const stats = await chunkStats(
        db,
        streams.map((s) => s.id),
        from,
        to,
      );
      return streams.flatMap((stream) => {
        const s = stats.get(stream.id);
        return s ? [{ stream, stats: s }] : [];
      });
    } finally {
      await session.close();
    }
  }

  /** PostgreSQL answers (for /ready). */
  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  /**
   * One round of maintenance: partitions for today and the next two days, retention, and
   * compaction of the days written since the last round (every day with data on the first).
   */
  maintain(): Promise<MaintenanceResult> {
    this.maintenanceRun ??= this.runMaintenance().finally(() => {
      this.maintenanceRun = undefined;
    });
    return this.maintenanceRun;
  }

  private async runMaintenance(): Promise<MaintenanceResult> {
    const result: MaintenanceResult = { partitionsCreated: 0, partitionsDropped: 0, streamsForgotten: 0, chunksMerged: 0, chunksWritten: 0 };
    const now = this.now();
    const today = dayOf(now);
    const before = new Set(await this.partitions.list());
    await this.partitions.ensure([today, today + 1, today + 2]);
    result.partitionsCreated = [today, today + 1, today + 2].filter((d) => !before.has(d)).length;

    const retention = this.options.settings.retentionMs;
    if (retention > 0) {
      const cutoff = now - BigInt(retention) * NS_PER_MS;
      const dropped = await this.partitions.dropBefore(cutoff);
      result.partitionsDropped = dropped.length;
      if (dropped.length > 0) {
        this.metrics.partitionsDropped.inc({}, dropped.length);
        for (const day of dropped) this.dirtyDays.delete(day);
      }
      // streams whose every entry is gone
      const forgotten = await this.pool.query(
        `DELETE FROM "logstore"."streams" s
          WHERE (s."max_ts" IS NULL OR s."max_ts" < $1) AND s."pushed_at" < now() - interval '1 hour'
            AND NOT EXISTS (SELECT 1 FROM "logstore"."chunks" c WHERE c."stream_id" = s."id")`,
        [(cutoff - (cutoff % DAY_NS)).toString()],
      );
      result.streamsForgotten = forgotten.rowCount ?? 0;
    }

    const days = this.firstMaintenance ? await this.partitions.list() : [...this.dirtyDays];
    this.firstMaintenance = false;
    this.dirtyDays.clear();
    for (const day of days.sort((a, b) => a - b)) {
      const compacted = await compactDay(this.pool, day);
      result.chunksMerged += compacted.merged;
      result.chunksWritten += compacted.written;
    }
    if (result.chunksMerged > 0) this.metrics.chunksCompacted.inc({}, result.chunksMerged);
    return result;
  }

  /** Runs maintenance now and then every `intervalMs` (timers do not keep the process alive). */
  startMaintenance(intervalMs = 60_000): void {
    if (this.maintenanceTimer) return;
    const round = () => {
      this.maintain().catch((error: Error) => this.options.log?.(`store: maintenance failed: ${error.message}`));
    };
    round();
    this.maintenanceTimer = setInterval(round, intervalMs);
    this.maintenanceTimer.unref();
  }

  async close(): Promise<void> {
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    this.maintenanceTimer = undefined;
    await this.maintenanceRun?.catch(() => {});
    this.cache.clear();
    await this.pool.end();
  }
}
