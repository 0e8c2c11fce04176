/**
 * Building the embedded store, and the portal's one instance. Kept apart from index.ts so that
 * the portal (Next.js bundles what the gate and `/loki/api/v1/*` import) does not pull in the
 * migration runner; `openEmbeddedStore` (index.ts) adds migrating for the command line.
 */
import { AppError } from "../errors";
import { env } from "../env";
import { compileAnchoredRe2 } from "../logql/re2";
import { type FetchHandler, createStoreHandler } from "./http";
import { DEFAULT_STORE_SETTINGS, type StoreSettings, storeSettingsFromEnv } from "./limits";
import { LogStore } from "./store";

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
