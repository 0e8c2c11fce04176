/**
 * The portal's PostgreSQL: the server at DATABASE_URL, or, when it is unset, the embedded one
 * started from node_modules with its files in `<data dir>/postgres`. Used by the CLI commands
 * that need a database (serve, demo, migrate, …), never by request handlers.
 */
import path from "node:path";
import type { Env } from "../env";
import { ensureDatabaseExists, startEmbeddedPostgres } from "./embedded-postgres";

export interface OpenDatabase {
  url: string;
  /** "embedded" when flowlens started the server itself. */
  kind: "external" | "embedded";
  /** Stops the embedded server; does nothing for an external one. */
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE_NAME = "flowlens";

export async function openDatabase(settings: Env): Promise<OpenDatabase> {
  if (settings.DATABASE_URL) {
    await ensureDatabaseExists(settings.DATABASE_URL);
    return { url: settings.DATABASE_URL, kind: "external", stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir: path.join(settings.dataDir, "postgres") });
  const url = server.urlFor(EMBEDDED_DATABASE_NAME);
  await ensureDatabaseExists(url);
  return { url, kind: "embedded", stop: () => server.stop() };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
