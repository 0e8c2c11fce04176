/**
 * Keeps the cost rollups current while the portal runs: every FLOWLENS_ROLLUP_INTERVAL, one cycle
 *
 * 1. rolls up the hours of the last FLOWLENS_ROLLUP_BACKFILL never looked at (a fresh portal on an
 *    existing Loki, or after downtime), oldest first, a day at a time;
 * 2. rolls up the last FLOWLENS_ROLLUP_LATE_WINDOW again: the current and provisional hours are
 *    recomputed, final hours only when the log backend now holds a different number of lines for
 *    them (late data); hours become final FLOWLENS_ROLLUP_DELIVERY_DELAY after they end;
 * 3. checks again, for half an hour, older hours computed recently (a backfill that ran while
 *    their flow logs were still being loaded, e.g. by `npm run demo`).
 *
 * Single-flight across processes (several portal replicas, `flowlens rollup` by hand): a cycle runs
 * only while holding a PostgreSQL advisory lock; a process that cannot take it skips the cycle.
 * Started from instrumentation.ts in the Next.js server process; the timer does not keep it alive.
 */
import pg from "pg";
import type { Database } from "../db/client";
import type { Env } from "../env";
import type { QueryGate } from "../loki/gate";
import { HOUR, type RollupSummary, floorHour, rollupRange } from "./rollup";

/** The advisory lock key of rollup cycles (any 64-bit number; "flowlens rollup" in ASCII). */
export const ROLLUP_LOCK_KEY = 0x666c6f77726f6cn;

export interface RollupSchedule {
  intervalMs: number;
  deliveryDelaySeconds: number;
  backfillSeconds: number;
  lateWindowSeconds: number;
}

export function rollupScheduleOf(settings: Env): RollupSchedule {
  return {
    intervalMs: settings.FLOWLENS_ROLLUP_INTERVAL,
    deliveryDelaySeconds: Math.round(settings.FLOWLENS_ROLLUP_DELIVERY_DELAY / 1000),
    backfillSeconds: Math.round(settings.FLOWLENS_ROLLUP_BACKFILL / 1000),
    lateWindowSeconds: Math.max(HOUR, Math.round(settings.FLOWLENS_ROLLUP_LATE_WINDOW / 1000)),
  };
}

/** Runs `fn` while holding the session advisory lock `key` on its own connection; undefined when another process holds it. */
export async function withAdvisoryLock<T>(connectionString: string, key: bigint, fn: () => Promise<T>): Promise<T | undefined> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [key.toString()]);
    if (!rows[0]?.locked) return undefined;
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [key.toString()]);
    }
  } finally {
    await client.end();
  }
}

export interface RollupCycleDeps {
  db: Database;
  gate: QueryGate;
  connectionString: string;
  log?: (line: string) => void;
}

export interface RollupCycleResult {
  /** false: another process was rolling up. */
  ran: boolean;
  backfilled: RollupSummary[];
  /** Older hours computed in the last half hour, checked again for late lines. */
  rechecked: RollupSummary[];
  recent: RollupSummary | null;
}

/** Hours in [from, to) that no rollup has looked at, as contiguous spans of at most a day. */
async function uncoveredSpans(db: Database, from: number, to: number): Promise<{ from: number; to: number }[]> {
  if (!(from < to)) return [];
  const covered = await db.costRollupCoverage.findMany({ where: { hour: { gte: new Date(from * 1000), lt: new Date(to * 1000) } }, select: { hour: true } });
  const seen = new Set(covered.map((c) => c.hour.getTime() / 1000));
  const spans: { from: number; to: number }[] = [];
  for (let hour = from; hour < to; hour += HOUR) {
    if (seen.has(hour)) continue;
    const last = spans[spans.length - 1];
    if (last && last.to === hour && last.to - last.from < 24 * HOUR) last.to = hour + HOUR;
    else spans.push({ from: hour, to: hour + HOUR });
  }
  return spans;
}

/** How long older hours computed by a cycle are checked again for lines that arrived after them. */
export const RECHECK_SECONDS = 30 * 60;

/** Spans of hours before `before` (Unix seconds) whose rollup was computed in [sinceMs, untilMs) (wall clock). */
async function recentlyComputedSpans(db: Database, before: number, sinceMs: number, untilMs: number): Promise<{ from: number; to: number }[]> {
  const rows = await db.costRollupHour.findMany({
    where: { hour: { lt: new Date(before * 1000) }, computedAt: { gte: new Date(sinceMs), lt: new Date(untilMs) } },
    select: { hour: true },
    distinct: ["hour"],
    orderBy: { hour: "asc" },
  });
  const spans: { from: number; to: number }[] = [];
  for (const { hour } of rows) {
    const h = hour.getTime() / 1000;
    const last = spans[spans.length - 1];
    if (last && last.to === h && last.to - last.from < 24 * HOUR) last.to = h + HOUR;
    else spans.push({ from: h, to: h + HOUR });
  }
  return spans;
}

/** One cycle (see the file comment). `now` in Unix seconds. */
export async function runRollupCycle(deps: RollupCycleDeps, schedule: RollupSchedule, now = Math.floor(Date.now() / 1000)): Promise<RollupCycleResult> {
  const cycleStartedMs = Date.now();
  const result = await withAdvisoryLock(deps.connectionString, ROLLUP_LOCK_KEY, async () => {
    const currentHourEnd = floorHour(now) + HOUR;
    const recentFrom = floorHour(now - schedule.lateWindowSeconds);
    const backfilled: RollupSummary[] = [];
    const rechecked: RollupSummary[] = [];
    for (const span of await recentlyComputedSpans(deps.db, recentFrom, cycleStartedMs - RECHECK_SECONDS * 1000, cycleStartedMs)) {
      const summary = await rollupRange(deps, { ...span, now, deliveryDelaySeconds: schedule.deliveryDelaySeconds });
      rechecked.push(summary);
      if (summary.lateData > 0) deps.log?.(`cost rollup: ${describeSpan(span)}: lines arrived after the rollup in ${summary.lateData} flow log hours, recomputed`);
    }
    if (schedule.backfillSeconds > 0) {
      for (const span of await uncoveredSpans(deps.db, floorHour(now - schedule.backfillSeconds), recentFrom)) {
        const summary = await rollupRange(deps, { ...span, now, deliveryDelaySeconds: schedule.deliveryDelaySeconds });
        backfilled.push(summary);
        if (summary.computed > 0) deps.log?.(`cost rollup: ${describeSpan(span)}: ${summary.computed} flow log hours, ${summary.rows} rows, ${summary.queries} queries in ${(summary.durationMs / 1000).toFixed(1)} s`);
      }
    }
    const recent = await rollupRange(deps, { from: recentFrom, to: currentHourEnd, now, deliveryDelaySeconds: schedule.deliveryDelaySeconds });
    if (recent.lateData > 0) deps.log?.(`cost rollup: late flow logs in ${recent.lateData} final hours of the last ${schedule.lateWindowSeconds / 3600} h, recomputed`);
    return { ran: true, backfilled, rechecked, recent };
  });
  return result ?? { ran: false, backfilled: [], rechecked: [], recent: null };
}

function describeSpan(span: { from: number; to: number }): string {
  return `${new Date(span.from * 1000).toISOString().slice(0, 13)}h–${new Date(span.to * 1000).toISOString().slice(0, 13)}h`;
}

const holder = globalThis as unknown as { flowlensRollupTimer?: NodeJS.Timeout };

/**
 * Starts the schedule in this process (once): the first cycle shortly after start, then every
 * interval; a cycle never overlaps the previous one. Does nothing when the interval is 0.
 */
export function startRollupSchedule(deps: () => RollupCycleDeps, schedule: RollupSchedule, log: (line: string) => void): void {
  if (schedule.intervalMs <= 0 || holder.flowlensRollupTimer) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runRollupCycle({ ...deps(), log }, schedule);
    } catch (error) {
      log(`cost rollup failed: ${(error as Error).message} (retrying in ${Math.round(schedule.intervalMs / 1000)} s)`);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), Math.min(10_000, schedule.intervalMs));
  first.unref();
  holder.flowlensRollupTimer = setInterval(() => void tick(), schedule.intervalMs);
  holder.flowlensRollupTimer.unref();
}

/** The portal's schedule: its database, its query gate, its settings (called from instrumentation.ts). */
export async function startPortalRollupSchedule(): Promise<void> {
  const [{ env }, { getDb }, { getQueryGate }] = await Promise.all([import("../env"), import("../db/client"), import("../loki/gate")]);
  const settings = env();
  if (!settings.DATABASE_URL) return;
  const connectionString = settings.DATABASE_URL;
  startRollupSchedule(() => ({ db: getDb(), gate: getQueryGate(), connectionString }), rollupScheduleOf(settings), (line) => console.log(`flowlens: ${line}`));
}
