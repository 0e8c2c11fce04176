import type { Command } from "commander";
import { openDatabase, redactUrl } from "../../server/db/database";
import { migrate } from "../../server/db/migrate";
import { loadEnv } from "../../server/env";
import { AppError } from "../../server/errors";
import { createEmbeddedStore } from "../../server/store";
import { storeSettingsFromEnv } from "../../server/store/limits";
import { serveFetchHandler } from "../../server/store/node-server";

/** `host:port`, `:port`, `port` or `[v6]:port`. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const trimmed = text.trim();
  let host = "127.0.0.1";
  let portText = trimmed;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed);
  if (v6) {
    host = v6[1] as string;
    portText = v6[2] as string;
  } else if (trimmed.includes(":")) {
    const colon = trimmed.lastIndexOf(":");
    host = trimmed.slice(0, colon) || host;
    portText = trimmed.slice(colon + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535 || (!v6 && host.includes(":"))) {
    throw new AppError("BAD_REQUEST", `--listen ${JSON.stringify(text)} is not an address: write host:port, e.g. 127.0.0.1:3100`);
  }
  return { host, port };
}

/**
 * Runs the embedded log store on its own: Loki's HTTP API on PostgreSQL (DATABASE_URL, else the
 * embedded server). Ctrl-C (or SIGTERM) stops it.
 */
export async function runStore(options: { listen: string }): Promise<void> {
  const listen = parseListenAddress(options.listen);
  const settings = loadEnv();
  const log = (line: string) => console.error(`flowlens: ${line}`);
  const database = await openDatabase(settings);
  log(`PostgreSQL: ${redactUrl(database.url)}${database.kind === "embedded" ? ` (embedded, files in ${settings.dataDir}/postgres)` : ""}`);
  let embedded: ReturnType<typeof createEmbeddedStore> | undefined;
  let server: Awaited<ReturnType<typeof serveFetchHandler>> | undefined;
  try {
    await migrate({ connectionString: database.url, log });
    const storeSettings = storeSettingsFromEnv(settings);
    embedded = createEmbeddedStore({ connectionString: database.url, settings: storeSettings, log });
    server = await serveFetchHandler(embedded.handle, listen);
  } catch (error) {
    await embedded?.close();
    await database.stop();
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new AppError("CONFLICT", `${listen.host}:${listen.port} is in use; choose another address with --listen.`);
    }
    throw error;
  }
  const retention = embedded.store.settings.retentionMs;
  log(`log store: Loki's HTTP API on ${server.url} (push: ${server.url}/loki/api/v1/push)`);
  log(`retention: ${retention > 0 ? `${retention / 86_400_000} days` : "off"}; Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  log("stopping");
  await server.close();
  await embedded.close();
  await database.stop();
}

export function registerStore(program: Command): void {
  program
    .command("store")
    .description("run the embedded log store alone: Grafana Loki's HTTP API (push, LogQL queries) on PostgreSQL")
    .option("--listen <host:port>", "address to listen on", "127.0.0.1:3100")
    .action((options: { listen: string }) => runStore(options));
}
