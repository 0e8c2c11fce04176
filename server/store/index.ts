/**
 * server/store/ — the embedded log store: Grafana Loki's HTTP API and storage on PostgreSQL
 * (schema `logstore`, prisma/migrations/*_logstore), with LogQL from server/logql/.
 *
 * Owns: the chunk format (chunk.ts), push validation (validate.ts), the write path (writer.ts),
 * snapshots and index look-ups for queries (reader.ts), day partitions and retention
 * (partitions.ts), the compactor, the chunk cache, metrics, and the HTTP API (http.ts) served
 * by node:http (node-server.ts) or called in process.
 *
 * Who may import it: the query gate (server/loki/gate.ts) as its transport when LOKI_URL is
 * unset; the portal's `/loki/api/v1/*` route; the `store` and `ingest` commands; tests and the
 * benchmark. Everyone else talks to it through the gate, as they would to Loki.
 */
import { migrate } from "../db/migrate";
import { AppError } from "../errors";
import { env } from "../env";
import { compileAnchoredRe2 } from "../logql/re2";
import { type FetchHandler, createStoreHandler } from "./http";
import { DEFAULT_STORE_SETTINGS, type StoreSettings, storeSettingsFromEnv } from "./limits";
import { LogStore } from "./store";

export type { FetchHandler } from "./http";
export type { StoreSettings } from "./limits";

export interface EmbeddedStore {
  /** Loki's HTTP API as a fetch-style handler: `handle(new Request("http://x/loki/api/v1/push", …))`. */
  handle: FetchHandler;
  store: LogStore;
  /** Stops maintenance and closes the store's connections. */
  close(): Promise<void>;
}

export interface EmbeddedStoreOptions {
  connectionString: string;
  settings?: StoreSettings;
  /** Apply the database migrations first (the `store` and `ingest` commands; the portal has done it at start). */
  migrate?: boolean;
  /** Run partition upkeep, retention and compaction in the background (default true). */
  maintenance?: boolean;
  /** How often maintenance runs, ms (default 60 s). */
  maintenanceIntervalMs?: number;
  /** The current time in ns (tests pin it to their data's day). */
  now?: () => bigint;
  log?: (line: string) => void;
}

/** Builds a store on the database (synchronously: no connection is made before the first request). */
export function createEmbeddedStore(options: EmbeddedStoreOptions): EmbeddedStore {
  const log = options.log ?? ((line: string) => console.error(`flowlens: ${line}`));
  const store = new LogStore({
    connectionString: options.connectionString,
    settings: options.settings ?? DEFAULT_STORE_SETTINGS,
    compileRegex: compileAnchoredRe2,
    now: options.now,
    log,
  });
  const handle = createStoreHandler({ store, log });
  if (options.maintenance ?? true) store.startMaintenance(options.maintenanceIntervalMs);
  return { handle, store, close: () => store.close() };
}

/** The store for `flowlens store`, `flowlens ingest` and tests: migrates first when asked. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  if (options.migrate) await migrate({ connectionString: options.connectionString, log: options.log });
  return createEmbeddedStore(options);
}

const holder = globalThis as unknown as { flowlensStore?: EmbeddedStore };

/** The portal's in-process store (when LOKI_URL is unset), on DATABASE_URL, built on first use. */
export function getEmbeddedStore(): EmbeddedStore {
  if (!holder.flowlensStore) {
    const settings = env();
    if (!settings.DATABASE_URL) {
      throw new AppError(
        "UNAVAILABLE",
        "The embedded log store needs PostgreSQL, but DATABASE_URL is not set in the portal process. Start flowlens with " +
          "`npm start` or `npx flowlens serve`, which start the embedded PostgreSQL when DATABASE_URL is unset.",
      );
    }
    holder.flowlensStore = createEmbeddedStore({ connectionString: settings.DATABASE_URL, settings: storeSettingsFromEnv(settings) });
  }
  return holder.flowlensStore;
}

/** The query gate's transport to the in-process store. */
export function embeddedStoreTransport(): (request: Request) => Promise<Response> {
  return (request) => getEmbeddedStore().handle(request);
}
