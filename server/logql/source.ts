/**
 * What the LogQL engine reads log entries from. The embedded store implements it over
 * PostgreSQL (server/store/); tests implement it over arrays in memory. The engine owns all
 * LogQL semantics (filters, parsers, windows, aggregations, limits); a source only finds the
 * streams whose labels match and hands over their entries in time order.
 *
 * Timestamps are nanoseconds since the Unix epoch as bigint (they exceed 2^53).
 */

export type Labels = Readonly<Record<string, string>>;

export type MatchOperator = "=" | "!=" | "=~" | "!~";

/** One stream-selector matcher, e.g. `__aws_log_type="s3_vpc_flow"`. Regexes are RE2, fully anchored. */
export interface LabelMatcher {
  name: string;
  op: MatchOperator;
  value: string;
}

/**
 * A plain line filter the source may use to skip entries (or whole chunks) early. The engine
 * re-applies every filter itself, so a source may ignore hints, but must never drop an entry
 * that passes them. Only substring filters are hinted: `|=` keeps lines containing `value`,
 * `!=` keeps lines not containing it.
 */
export interface LineFilterHint {
  op: "|=" | "!=";
  value: string;
}

export interface StreamQuery {
  /** X-Scope-OrgID; `fake` when Loki's auth is disabled. */
  tenant: string;
  matchers: readonly LabelMatcher[];
  /** Entries with from <= timestamp < to. */
  from: bigint;
  to: bigint;
  /** forward: oldest first; backward: newest first. Entries with equal timestamps keep push order (forward) or its reverse (backward). */
  direction: "forward" | "backward";
  lineFilters: readonly LineFilterHint[];
}

/** A run of consecutive entries of one stream, in the query's direction. */
export interface EntryBatch {
  timestamps: BigInt64Array;
  lines: readonly string[];
}

export interface SourceStream {
  labels: Labels;
  /** The stream's entries within the query's range, in batches, read lazily as they are consumed. */
  batches(): AsyncIterable<EntryBatch>;
}

export interface EntrySource {
  /** Every stream of the tenant whose labels satisfy all matchers and that may have entries in [from, to). */
  streams(query: StreamQuery, signal?: AbortSignal): Promise<SourceStream[]>;
}
