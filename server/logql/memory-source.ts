/**
 * An EntrySource over arrays in memory, for tests and benchmarks of the LogQL engine (the
 * embedded store implements the same interface over PostgreSQL). Streams are kept sorted by
 * timestamp; entries with equal timestamps keep their push order.
 */

import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { compileLabelMatcher } from "./re2";
import type { EntryBatch, EntrySource, Labels, SourceStream, StreamQuery } from "./source";

interface StoredStream {
  tenant: string;
  labels: Labels;
  timestamps: BigInt64Array;
  lines: string[];
}

export interface MemoryStreamInput {
  labels: Labels;
  /** [ns timestamp, line] pairs, in any order. */
  entries: ReadonlyArray<readonly [bigint, string]>;
}

export class MemorySource implements EntrySource {
  private readonly streamsByTenant = new Map<string, StoredStream[]>();

  constructor(private readonly batchSize = 4096) {}

  /** Adds streams for a tenant (a stream with the same labels is merged). */
  add(tenant: string, streams: readonly MemoryStreamInput[]): void {
    const list = this.streamsByTenant.get(tenant) ?? [];
    for (const input of streams) {
      const key = JSON.stringify(Object.entries(input.labels).sort());
      const existing = list.find((s) => JSON.stringify(Object.entries(s.labels).sort()) === key);
      const entries = [
        ...(existing ? Array.from(existing.timestamps, (t, i) => [t, existing.lines[i] as string] as const) : []),
        ...input.entries,
      ]
        .map((e, order) => ({ ts: e[0], line: e[1], order }))
        .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.order - b.order));
      const stored: StoredStream = {
        tenant,
        labels: { ...input.labels },
        timestamps: BigInt64Array.from(entries.map((e) => e.ts)),
        lines: entries.map((e) => e.line),
      };
      if (existing) list[list.indexOf(existing)] = stored;
      else list.push(stored);
    }
    this.streamsByTenant.set(tenant, list);
  }

  /** Adds a push request body (`{"streams":[{"stream":{…},"values":[["ns","line"],…]}]}`), optionally gzipped. */
  addPushJson(tenant: string, body: Buffer | string): void {
    const text = typeof body === "string" ? body : body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString("utf8") : body.toString("utf8");
    const push = JSON.parse(text) as { streams: Array<{ stream: Labels; values: Array<[string, string]> }> };
    this.add(
      tenant,
      push.streams.map((s) => ({ labels: s.stream, entries: s.values.map(([ts, line]) => [BigInt(ts), line] as const) })),
    );
  }

  static fromPushFile(path: string, tenant = "fake"): MemorySource {
    const source = new MemorySource();
    source.addPushJson(tenant, readFileSync(path));
    return source;
  }

  async streams(query: StreamQuery): Promise<SourceStream[]> {
    const matchers = query.matchers.map((m) => ({ name: m.name, matches: compileLabelMatcher(m) }));
    const out: SourceStream[] = [];
    for (const stream of this.streamsByTenant.get(query.tenant) ?? []) {
      if (!matchers.every((m) => m.matches(stream.labels[m.name] ?? ""))) continue;
      const lo = lowerBound(stream.timestamps, query.from);
      const hi = lowerBound(stream.timestamps, query.to);
      if (hi <= lo) continue;
      out.push({ labels: stream.labels, batches: () => this.batches(stream, lo, hi, query.direction) });
    }
    return out;
  }

  private async *batches(stream: StoredStream, lo: number, hi: number, direction: "forward" | "backward"): AsyncGenerator<EntryBatch> {
    const size = this.batchSize;
    if (direction === "forward") {
      for (let start = lo; start < hi; start += size) {
        const end = Math.min(hi, start + size);
        yield { timestamps: stream.timestamps.slice(start, end), lines: stream.lines.slice(start, end) };
      }
      return;
    }
    for (let end = hi; end > lo; end -= size) {
      const start = Math.max(lo, end - size);
      yield { timestamps: stream.timestamps.slice(start, end).reverse(), lines: stream.lines.slice(start, end).reverse() };
    }
  }
}

/** First index with timestamps[i] >= value. */
function lowerBound(timestamps: BigInt64Array, value: bigint): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((timestamps[mid] as bigint) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
