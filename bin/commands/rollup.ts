/**
 * `npx flowlens rollup --from … [--to …] [--force]`: computes the hourly cost rollups of a period
 * from the flow logs in Loki (LOKI_URL) or the embedded store, through the query gate, into
 * PostgreSQL: a backfill, or a recomputation after an inventory or mapping-rule change (--force).
 * The portal keeps recent hours current by itself (server/cost/scheduler.ts); this command waits
 * while the portal's schedule holds the rollup lock.
 */
import type { Command } from "commander";
import { createDb } from "../../server/db/client";
import { openDatabase } from "../../server/db/database";
import { migrate } from "../../server/db/migrate";
import { loadEnv } from "../../server/env";
import { AppError } from "../../server/errors";
import { type RollupProgress, type RollupSummary, rollupRange } from "../../server/cost/rollup";
import { ROLLUP_LOCK_KEY, rollupScheduleOf, withAdvisoryLock } from "../../server/cost/scheduler";
import { createQueryGate } from "../../server/loki/gate";
import { openEmbeddedStore } from "../../server/store";
import { storeSettingsFromEnv } from "../../server/store/limits";
import { ProgressLine, formatCount } from "../progress";
import { parseTimeOption } from "./inventory";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeRollup(summary: RollupSummary): string[] {
  const lines = [
    `rolled up ${summary.hours} hours of ${summary.flowLogs.length} flow log${summary.flowLogs.length === 1 ? "" : "s"} in ${(summary.durationMs / 1000).toFixed(1)} s: ` +
      `${formatCount(summary.computed)} flow log hours computed (${formatCount(summary.lateData)} for late data), ${formatCount(summary.unchanged)} unchanged, ` +
      `${formatCount(summary.rows)} rows, ${formatCount(summary.queries)} LogQL queries` +
      (summary.maxShards > 1 ? ` (split into up to ${summary.maxShards} shards to stay under Loki's series limit)` : "") +
      (summary.refinedHours > 0 ? `, ${summary.refinedHours} hours re-read minute by minute where addresses changed owner` : ""),
  ];
  for (const s of summary.skipped) lines.push(`  skipped flow log ${s.flowLogId}: its format lacks ${s.missing.join(", ")} (set its format with \`flowlens inventory format\` or import describe-flow-logs)`);
  for (const f of summary.failed) lines.push(`  failed flow log ${f.flowLogId}: ${f.error} Its hours stay missing from reports.`);
  return lines;
}

export function registerRollup(program: Command): void {
  program
    .command("rollup")
    .description("compute the hourly cost rollups of a period from the flow logs in the log backend (backfill or recompute)")
    .requiredOption("--from <time>", "start: Unix seconds or ISO 8601 (rounded down to the hour)", parseTimeOption)
    .option("--to <time>", "end: now (the default), Unix seconds or ISO 8601 (rounded up to the hour)", parseTimeOption)
    .option("--force", "recompute hours that are final and unchanged too (after an inventory or mapping-rule change)", false)
    .action(async (options: { from: Date; to?: Date; force: boolean }) => {
      const settings = loadEnv();
      const from = Math.floor(options.from.getTime() / 1000);
      const to = Math.ceil((options.to ?? new Date()).getTime() / 1000);
      if (!(from < to)) throw new AppError("BAD_REQUEST", "--to must be after --from.");
      const database = await openDatabase(settings);
      const store = settings.LOKI_URL ? undefined : await openEmbeddedStore({ connectionString: database.url, settings: storeSettingsFromEnv(settings), maintenance: false, log: () => {} });
      const db = createDb(database.url);
      const progress = new ProgressLine();
      try {
        await migrate({ connectionString: database.url, log: () => {} });
        const gate = createQueryGate(settings, store?.handle);
        const schedule = rollupScheduleOf(settings);
        const started = Date.now();
        const onProgress = (p: RollupProgress) =>
          progress.update(`rollup: ${formatCount(p.done)}/${formatCount(p.total)} flow log hours · ${formatCount(p.queries)} queries · ${formatCount(p.rows)} rows · ${p.flowLogId} · ${((Date.now() - started) / 1000).toFixed(0)} s`);
        for (let attempt = 0; ; attempt++) {
          const summary = await withAdvisoryLock(database.url, ROLLUP_LOCK_KEY, () =>
            rollupRange({ db, gate, log: (line) => console.error(line) }, { from, to, force: options.force, deliveryDelaySeconds: schedule.deliveryDelaySeconds, onProgress }),
          );
          if (summary) {
            progress.done();
            for (const line of describeRollup(summary)) console.log(line);
            if (summary.failed.length > 0) process.exitCode = 1;
            return;
          }
          if (attempt === 0) console.error("another rollup is running (the portal's schedule, or another `flowlens rollup`); waiting for it to finish …");
          if (attempt > 600) throw new AppError("UNAVAILABLE", "The rollup lock has been held for 10 minutes; try again later.");
          await sleep(1000);
        }
      } finally {
        progress.done();
        await db.$disconnect();
        await store?.close();
        await database.stop();
      }
    });
}
