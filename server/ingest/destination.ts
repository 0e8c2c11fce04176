/**
 * Where ingest pushes: a Loki at a URL (fetch), or the embedded store in this process (its
 * request handler, no socket), on DATABASE_URL's PostgreSQL or the embedded one. Also the default
 * checkpoint file for a destination, so re-runs into the same place skip what was sent.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { openDatabase, redactUrl } from "../db/database";
import type { Env } from "../env";
import { LokiClient } from "../loki/client";

export interface PushDestination {
  client: LokiClient;
  /** For messages and the checkpoint name: the URL, or `embedded store on <database>`. */
  description: string;
  /** Identity for the default checkpoint (URL and tenant). */
  identity: string;
  /** The portal's database when this destination opened it (the embedded store). */
  databaseUrl?: string;
  close(): Promise<void>;
}

export interface DestinationOptions {
  /** Loki's root URL; default LOKI_URL, else the embedded store. */
  lokiUrl?: string;
  tenant?: string;
  auth?: { kind: "basic"; username: string; password: string } | { kind: "bearer"; token: string };
  timeoutMs?: number;
}

function envAuth(settings: Env): DestinationOptions["auth"] {
  if (settings.LOKI_BEARER_TOKEN) return { kind: "bearer", token: settings.LOKI_BEARER_TOKEN };
  if (settings.LOKI_USERNAME && settings.LOKI_PASSWORD) return { kind: "basic", username: settings.LOKI_USERNAME, password: settings.LOKI_PASSWORD };
  return undefined;
}

/** Opens the destination: `--loki`, else LOKI_URL, else the embedded store (migrating its database). */
export async function openPushDestination(settings: Env, options: DestinationOptions, log: (line: string) => void): Promise<PushDestination> {
  const url = options.lokiUrl ?? settings.LOKI_URL;
  const tenant = options.tenant ?? settings.LOKI_TENANT_ID;
  const timeoutMs = options.timeoutMs ?? settings.LOKI_TIMEOUT;
  if (url) {
    const client = new LokiClient({ baseUrl: url, tenant, auth: options.auth ?? (options.lokiUrl ? undefined : envAuth(settings)), timeoutMs });
    return { client, description: `Loki at ${client.baseUrl}`, identity: `${client.baseUrl}|${tenant ?? ""}`, close: async () => {} };
  }
  const database = await openDatabase(settings);
  try {
    const { openEmbeddedStore } = await import("../store");
    const store = await openEmbeddedStore({ connectionString: database.url, migrate: true, maintenance: false, log });
    const client = new LokiClient({ baseUrl: "http://embedded-store", tenant, timeoutMs, transport: store.handle });
    // The embedded server listens on a new port at every start: name it by its folder instead.
    const where = database.kind === "embedded" ? `the embedded PostgreSQL in ${path.join(settings.dataDir, "postgres")}` : redactUrl(database.url);
    return {
      client,
      description: `the embedded store on ${where}`,
      identity: `embedded|${where}|${tenant ?? ""}`,
      databaseUrl: database.url,
      close: async () => {
        await store.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** `<data dir>/ingest/<hash of the destination>.checkpoint.jsonl` */
export function defaultCheckpointPath(dataDir: string, identity: string): string {
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 16);
  return path.join(dataDir, "ingest", `${hash}.checkpoint.jsonl`);
}
