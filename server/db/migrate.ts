/**
 * Applies `prisma/migrations/<timestamp>_<name>/migration.sql` in order over plain `pg`, recording
 * each in `_prisma_migrations` exactly as `prisma migrate deploy` does, so that Prisma's own CLI
 * (on a machine that can download its engine) treats them as applied. Prisma's native schema
 * engine cannot be downloaded here, hence this runner (ARCHITECTURE.md, "Database").
 *
 * Each migration runs in its own transaction under an advisory lock; a migration whose file
 * changed after it was applied stops the run (edit history by adding a migration instead).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { AppError } from "../errors";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

/** An arbitrary constant shared by every flowlens process: one migrator at a time. */
const ADVISORY_LOCK_KEY = 72_707_369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: crypto.createHash("sha256").update(bytes).digest("hex") };
    });
}

const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Brings the database at `connectionString` up to the newest migration. */
export async function migrate(options: {
  connectionString: string;
  dir?: string;
  log?: (line: string) => void;
}): Promise<MigrateResult> {
  const migrations = readMigrations(options.dir);
  const log = options.log ?? (() => {});
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    await client.query(CREATE_HISTORY_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...recorded.keys()].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new AppError(
        "CONFLICT",
        `The database has migrations this version of flowlens does not know: ${unknown.join(", ")}. ` +
          "It was migrated by a newer flowlens; run that version, or restore a matching backup.",
      );
    }
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row) {
        if (row.finished_at === null) {
          throw new AppError(
            "CONFLICT",
            `Migration ${migration.name} started earlier but did not finish. Repair the database by hand, ` +
              `then delete its row from "_prisma_migrations" and run \`npx flowlens migrate\` again.`,
          );
        }
        if (row.checksum !== migration.checksum) {
          throw new AppError(
            "CONFLICT",
            `prisma/migrations/${migration.name}/migration.sql changed after it was applied to this database. ` +
              "Applied migrations must not be edited: restore the file and add a new migration for the change.",
          );
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      log(`applying migration ${migration.name}`);
      const id = crypto.randomUUID();
      try {
        await client.query("BEGIN");
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 0)`,
          [id, migration.checksum, migration.name],
        );
        await client.query(migration.sql);
        await client.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw new AppError(
          "INTERNAL",
          `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
          { cause: error },
        );
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
