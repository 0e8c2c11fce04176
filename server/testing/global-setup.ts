/**
 * Vitest global setup for integration tests: a PostgreSQL server (DATABASE_URL's, else a fresh
 * embedded one for this run) and a migrated template database that each test file clones with
 * `createTestDatabase()` (./database.ts), so every file starts from an empty, migrated schema.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { type RunningPostgres, startEmbeddedPostgres } from "../db/embedded-postgres";
import { migrate } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  let embedded: RunningPostgres | undefined;
  let embeddedDir: string | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    adminUrl = url.toString();
  } else {
    embeddedDir = path.resolve(".data", "test", String(process.pid));
    embedded = await startEmbeddedPostgres({ dataDir: path.join(embeddedDir, "postgres"), ephemeral: true });
    adminUrl = embedded.adminUrl;
  }
  const templateDatabase = `flowlens_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${templateDatabase}`;
  await migrate({ connectionString: templateUrl.toString() });
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    if (embeddedDir) fs.rmSync(embeddedDir, { recursive: true, force: true });
  };
}
