/**
 * Health of what flowlens depends on: PostgreSQL and the log backend, each with its latency.
 * Used by the health procedure, GET /api/health and the portal's health panel.
 */
import type { Database } from "./db/client";
import type { QueryGate } from "./loki/gate";

export interface DependencyHealth {
  ok: boolean;
  latencyMs: number;
  /** What was found: the server version, or why it failed. */
  message: string;
}

export interface Health {
  ok: boolean;
  checkedAt: string;
  database: DependencyHealth;
  logBackend: DependencyHealth & { kind: "loki" | "embedded"; url: string };
}

async function checkDatabase(db: Database): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    const rows = await db.$queryRaw<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
    return { ok: true, latencyMs: performance.now() - started, message: `PostgreSQL ${rows[0]?.version ?? "?"}` };
  } catch (error) {
    return { ok: false, latencyMs: performance.now() - started, message: (error as Error).message };
  }
}

export async function checkHealth(options: { db: Database; gate: QueryGate }): Promise<Health> {
  const [database, ready] = await Promise.all([checkDatabase(options.db), options.gate.ready()]);
  const logBackend = { ...ready, kind: options.gate.backend.kind, url: options.gate.backend.url };
  return { ok: database.ok && logBackend.ok, checkedAt: new Date().toISOString(), database, logBackend };
}
