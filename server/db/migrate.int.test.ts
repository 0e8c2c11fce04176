import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../testing/database";
import { MIGRATIONS_DIR, migrate, readMigrations } from "./migrate";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyDatabase() {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function migrationsDir(migrations: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flowlens-migrations-"));
  for (const [name, sql] of Object.entries(migrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("migrate", () => {
  it("applies the committed migrations and records them as Prisma does", async () => {
    const { url } = await emptyDatabase();
    const result = await migrate({ connectionString: url });
    const committed = readMigrations(MIGRATIONS_DIR);
    expect(committed.length).toBeGreaterThan(0);
    expect(result.applied).toEqual(committed.map((m) => m.name));

    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null; id: string }>(
      url,
      `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const bytes = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).not.toBeNull();
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(committed[i]?.checksum).toBe(row.checksum);
    }

    const again = await migrate({ connectionString: url });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(committed.map((m) => m.name));
  });

  it("applies only what is new, in name order", async () => {
    const { url } = await emptyDatabase();
    const dir = migrationsDir({ "001_a": "CREATE TABLE a (x int);" });
    await migrate({ connectionString: url, dir });
    fs.mkdirSync(path.join(dir, "002_b"));
    fs.writeFileSync(path.join(dir, "002_b", "migration.sql"), "ALTER TABLE a ADD COLUMN y int;");
    const result = await migrate({ connectionString: url, dir });
    expect(result).toEqual({ applied: ["002_b"], alreadyApplied: ["001_a"] });
    expect(await query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'a' ORDER BY 1")).toEqual([
      { column_name: "x" },
      { column_name: "y" },
    ]);
  });

  it("rolls a failing migration back entirely and records nothing of it", async () => {
    const { url } = await emptyDatabase();
    const dir = migrationsDir({
      "001_ok": "CREATE TABLE ok (x int);",
      "002_bad": "CREATE TABLE half (x int); SELECT no_such_function();",
    });
    await expect(migrate({ connectionString: url, dir })).rejects.toThrow(/002_bad failed and was rolled back.*no_such_function/);
    expect(await query(url, `SELECT migration_name FROM "_prisma_migrations"`)).toEqual([{ migration_name: "001_ok" }]);
    expect(await query(url, "SELECT to_regclass('half') AS t")).toEqual([{ t: null }]);
  });

  it("refuses to run when an applied migration's file changed", async () => {
    const { url } = await emptyDatabase();
    const dir = migrationsDir({ "001_a": "CREATE TABLE a (x int);" });
    await migrate({ connectionString: url, dir });
    fs.writeFileSync(path.join(dir, "001_a", "migration.sql"), "CREATE TABLE a (x bigint);");
    await expect(migrate({ connectionString: url, dir })).rejects.toThrow(/001_a\/migration.sql changed after it was applied/);
  });

  it("refuses a database migrated by a newer flowlens", async () => {
    const { url } = await emptyDatabase();
    await migrate({ connectionString: url, dir: migrationsDir({ "001_a": "SELECT 1;", "002_b": "SELECT 2;" }) });
    await expect(migrate({ connectionString: url, dir: migrationsDir({ "001_a": "SELECT 1;" }) })).rejects.toThrow(
      /does not know: 002_b/,
    );
  });

  it("lets concurrent starts apply each migration once", async () => {
    const { url } = await emptyDatabase();
    const dir = migrationsDir({ "001_a": "CREATE TABLE a (x int); SELECT pg_sleep(0.2);" });
    const results = await Promise.all([1, 2, 3].map(() => migrate({ connectionString: url, dir })));
    expect(results.flatMap((r) => r.applied)).toEqual(["001_a"]);
    expect(await query(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: 1 }]);
  });
});
