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
import { type EmbeddedStore, type EmbeddedStoreOptions, createEmbeddedStore } from "./embedded";

export { type EmbeddedStore, type EmbeddedStoreOptions, createEmbeddedStore, embeddedStoreTransport, getEmbeddedStore } from "./embedded";
export type { FetchHandler } from "./http";
export type { StoreSettings } from "./limits";

/** The store for `flowlens store`, `flowlens ingest`, tests and benchmarks: migrates first when asked. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions & { migrate?: boolean }): Promise<EmbeddedStore> {
  if (options.migrate) await migrate({ connectionString: options.connectionString, log: options.log });
  return createEmbeddedStore(options);
}
