/**
 * The store's Prometheus metrics (`GET /metrics`, text exposition format 0.0.4). Names follow
 * Loki's where Loki has the same metric, so that Loki dashboards work on the store:
 * `loki_distributor_lines_received_total`, `loki_distributor_bytes_received_total`,
 * `loki_request_duration_seconds`. Pure code; one registry per store.
 */

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100];

function labelText(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${(labels[k] as string).replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`).join(",")}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

class Counter {
  private readonly values = new Map<string, { labels: Record<string, string>; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Record<string, string>, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Record<string, string>): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${numberText(value)}`);
    return lines.join("\n");
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Record<string, string>; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Record<string, string>, value: number): void {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) (entry.counts[i] as number)++;
    });
    entry.sum += value;
    entry.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: numberText(bound) })} ${counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${numberText(sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join("\n");
  }
}

export class StoreMetrics {
  readonly linesReceived = new Counter("loki_distributor_lines_received_total", "The total number of log lines received, per tenant.");
  readonly bytesReceived = new Counter("loki_distributor_bytes_received_total", "The total number of uncompressed bytes of log lines received, per tenant.");
  readonly duplicatesDropped = new Counter(
    "flowlens_store_duplicate_entries_total",
    "Entries dropped at push because an equal entry (stream, timestamp, line) was stored already.",
  );
  readonly requestDuration = new Histogram(
    "loki_request_duration_seconds",
    "Time (in seconds) spent serving HTTP requests, per route and status code.",
    LATENCY_BUCKETS,
  );
  readonly chunksCompacted = new Counter("flowlens_store_chunks_compacted_total", "Chunks merged by the compactor.");
  readonly partitionsDropped = new Counter("flowlens_store_partitions_dropped_total", "Day partitions dropped by retention.");
  render(extra: { cacheBytes: number; cacheHits: number; cacheMisses: number }): string {
    return (
      [
        this.linesReceived.render(),
        this.bytesReceived.render(),
        this.duplicatesDropped.render(),
        this.requestDuration.render(),
        this.chunksCompacted.render(),
        this.partitionsDropped.render(),
        "# HELP flowlens_store_chunk_cache_lookups_total Chunk cache look-ups, by result.",
        "# TYPE flowlens_store_chunk_cache_lookups_total counter",
        `flowlens_store_chunk_cache_lookups_total{result="hit"} ${extra.cacheHits}`,
        `flowlens_store_chunk_cache_lookups_total{result="miss"} ${extra.cacheMisses}`,
        "# HELP flowlens_store_chunk_cache_bytes Memory held by decoded chunks in the cache.",
        "# TYPE flowlens_store_chunk_cache_bytes gauge",
        `flowlens_store_chunk_cache_bytes ${extra.cacheBytes}`,
      ].join("\n") + "\n"
    );
  }
}
