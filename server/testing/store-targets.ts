/**
 * For the embedded store's tests: the two ways the store is reached, so that one suite runs
 * against both. "in process" calls the fetch-style handler directly (as the query gate and the
 * portal's `/loki/api/v1/*` route do); "over HTTP" serves it with node:http on a free port and
 * uses fetch (as `flowlens store` is used by Grafana and log shippers).
 */
import { type EmbeddedStore, createEmbeddedStore } from "../store";
import { DEFAULT_STORE_SETTINGS, type StoreSettings } from "../store/limits";
import { serveFetchHandler } from "../store/node-server";

export interface StoreUnderTest {
  send: (path: string, init?: RequestInit) => Promise<Response>;
  embedded: EmbeddedStore;
  stop(): Promise<void>;
}

export interface StoreTarget {
  name: string;
  start(connectionString: string, options?: { now?: bigint; settings?: Partial<StoreSettings> }): Promise<StoreUnderTest>;
}

function open(connectionString: string, options: { now?: bigint; settings?: Partial<StoreSettings> } = {}): EmbeddedStore {
  return createEmbeddedStore({
    connectionString,
    settings: { ...DEFAULT_STORE_SETTINGS, retentionMs: 0, ...options.settings },
    maintenance: false,
    now: options.now === undefined ? undefined : () => options.now as bigint,
    log: () => {},
  });
}

export const storeTargets: StoreTarget[] = [
  {
    name: "in process",
    start: async (connectionString, options) => {
      const embedded = open(connectionString, options);
      return {
        embedded,
        send: (path, init) => embedded.handle(new Request(`http://store.invalid${path}`, init)),
        stop: () => embedded.close(),
      };
    },
  },
  {
    name: "over HTTP",
    start: async (connectionString, options) => {
      const embedded = open(connectionString, options);
      const server = await serveFetchHandler(embedded.handle, { host: "127.0.0.1", port: 0 });
      return {
        embedded,
        send: (path, init) => fetch(`${server.url}${path}`, init),
        stop: async () => {
          await server.close();
          await embedded.close();
        },
      };
    },
  },
];
