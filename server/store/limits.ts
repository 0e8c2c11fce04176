/**
 * The store's limits, with Grafana Loki's defaults (v2.7, `limits_config`), and its settings
 * read from server/env.ts. Pure code.
 */
import type { Env } from "../env";

export interface StoreLimits {
  /** `max_entries_limit_per_query`: the largest `limit` a log query may ask for. */
  maxEntriesLimitPerQuery: number;
  /** `max_query_series`: the most series a metric query may return. */
  maxQuerySeries: number;
  /** `max_query_length`: the longest time range of a query, in ms (0: no limit). */
  maxQueryLengthMs: number;
  /** `query_timeout`, in ms. */
  queryTimeoutMs: number;
  /** `max_line_size`, in bytes (0: no limit). */
  maxLineSize: number;
  /** `max_label_names_per_series`. */
  maxLabelNamesPerSeries: number;
  /** `max_label_name_length`. */
  maxLabelNameLength: number;
  /** `max_label_value_length`. */
  maxLabelValueLength: number;
  /** `creation_grace_period`: how far in the future an entry may be, in ms. */
  creationGracePeriodMs: number;
}

export const LOKI_DEFAULT_LIMITS: StoreLimits = {
  maxEntriesLimitPerQuery: 5000,
  maxQuerySeries: 500,
  maxQueryLengthMs: 721 * 3_600_000,
  queryTimeoutMs: 60_000,
  maxLineSize: 256_000,
  maxLabelNamesPerSeries: 30,
  maxLabelNameLength: 1024,
  maxLabelValueLength: 2048,
  creationGracePeriodMs: 10 * 60_000,
};

export interface StoreSettings {
  limits: StoreLimits;
  /** Entries older than this are dropped (whole days) and refused at push; 0 keeps everything. */
  retentionMs: number;
  /** Memory for decoded chunks kept between queries, in bytes; 0 turns the cache off. */
  chunkCacheBytes: number;
}

export const DEFAULT_STORE_SETTINGS: StoreSettings = {
  limits: LOKI_DEFAULT_LIMITS,
  retentionMs: 30 * 86_400_000,
  chunkCacheBytes: 256 * 1024 * 1024,
};

/** The store's settings from the validated environment. */
export function storeSettingsFromEnv(settings: Env): StoreSettings {
  return {
    limits: {
      ...LOKI_DEFAULT_LIMITS,
      maxEntriesLimitPerQuery: settings.FLOWLENS_STORE_MAX_ENTRIES_LIMIT_PER_QUERY,
      maxQuerySeries: settings.FLOWLENS_STORE_MAX_QUERY_SERIES,
      maxQueryLengthMs: settings.FLOWLENS_STORE_MAX_QUERY_LENGTH,
      queryTimeoutMs: settings.FLOWLENS_STORE_QUERY_TIMEOUT,
      maxLineSize: settings.FLOWLENS_STORE_MAX_LINE_SIZE,
    },
    retentionMs: settings.FLOWLENS_STORE_RETENTION,
    chunkCacheBytes: settings.FLOWLENS_STORE_CACHE_SIZE,
  };
}
