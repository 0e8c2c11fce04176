/**
 * The query gate: every LogQL query flowlens runs leaves the server through here, to the Loki at
 * LOKI_URL or to the embedded store. Scoping, limits, caching and query metrics belong here, so no
 * other module may call Loki (or the embedded store's query API) directly.
 */
import { type Env, env } from "../env";
import { embeddedStoreTransport } from "../store/embedded";
import { LokiClient, type InstantQuery, type RangeQuery, type ReadyStatus, type Transport } from "./client";
import type { Labels, LokiIndexStats, LokiQueryData, TimeNs } from "./types";

export interface LogBackendInfo {
  kind: "loki" | "embedded";
  /** Where queries go: LOKI_URL, or the portal's own /loki/api/v1 for the embedded store. */
  url: string;
  tenant: string | undefined;
}

export class QueryGate {
  constructor(
    private readonly client: LokiClient,
    readonly backend: LogBackendInfo,
  ) {}

  queryRange(q: RangeQuery): Promise<LokiQueryData> {
    return this.client.queryRange(q);
  }

  query(q: InstantQuery): Promise<LokiQueryData> {
    return this.client.query(q);
  }

  labels(range: { start: TimeNs; end: TimeNs; query?: string }): Promise<string[]> {
    return this.client.labels(range);
  }

  labelValues(name: string, range: { start: TimeNs; end: TimeNs; query?: string }): Promise<string[]> {
    return this.client.labelValues(name, range);
  }

  series(match: string[], range: { start: TimeNs; end: TimeNs }): Promise<Labels[]> {
    return this.client.series(match, range);
  }

  indexStats(query: string, range: { start: TimeNs; end: TimeNs }): Promise<LokiIndexStats> {
    return this.client.indexStats(query, range);
  }

  ready(): Promise<ReadyStatus> {
    return this.client.ready();
  }
}

/** Builds the gate for these settings: a remote Loki when LOKI_URL is set, else the embedded store. */
export function createQueryGate(settings: Env, embedded?: Transport): QueryGate {
  if (settings.LOKI_URL) {
    const auth = settings.LOKI_BEARER_TOKEN
      ? { kind: "bearer" as const, token: settings.LOKI_BEARER_TOKEN }
      : settings.LOKI_USERNAME && settings.LOKI_PASSWORD
        ? { kind: "basic" as const, username: settings.LOKI_USERNAME, password: settings.LOKI_PASSWORD }
        : undefined;
    const client = new LokiClient({
      baseUrl: settings.LOKI_URL,
      tenant: settings.LOKI_TENANT_ID,
      auth,
      timeoutMs: settings.LOKI_TIMEOUT,
    });
    return new QueryGate(client, { kind: "loki", url: settings.LOKI_URL, tenant: settings.LOKI_TENANT_ID });
  }
  // the embedded store (server/store/) answers in this process, request for request as Loki would
  const transport: Transport = embedded ?? embeddedStoreTransport();
  const baseUrl = "http://embedded-store";
  const client = new LokiClient({ baseUrl, tenant: settings.LOKI_TENANT_ID, timeoutMs: settings.LOKI_TIMEOUT, transport });
  return new QueryGate(client, { kind: "embedded", url: "/loki/api/v1", tenant: settings.LOKI_TENANT_ID });
}

const holder = globalThis as unknown as { flowlensGate?: QueryGate };

/** This process's gate, built from its settings on first use. */
export function getQueryGate(): QueryGate {
  holder.flowlensGate ??= createQueryGate(env());
  return holder.flowlensGate;
}
