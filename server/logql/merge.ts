/**
 * Reading streams from an EntrySource in global time order: one cursor per stream over its
 * batches, merged by timestamp (as Loki's heap iterator does; equal timestamps in the order of the
 * streams' label strings). Timestamps are turned into exact float offsets (ns) from a base
 * without allocating per entry; the bigint of an entry is read only when it is output.
 */

import type { EntryBatch, SourceStream } from "./source";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 4294967296;

/** Splits a bigint into the (high, low) 32-bit words of its two's-complement 64-bit form. */
function words(value: bigint): [number, number] {
  const u = BigInt.asUintN(64, value);
  return [Number(BigInt.asIntN(32, u >> 32n)), Number(u & 0xffffffffn)];
}

/** ns offsets of `timestamps` from `base` as exact doubles (callers keep spans under 2^53 ns). */
export function timestampOffsets(timestamps: BigInt64Array, base: bigint, out?: Float64Array): Float64Array {
  const n = timestamps.length;
  const result = out && out.length >= n ? out : new Float64Array(n);
  const i32 = new Int32Array(timestamps.buffer, timestamps.byteOffset, n * 2);
  const [baseHi, baseLo] = words(base);
  const hiAt = LITTLE_ENDIAN ? 1 : 0;
  const loAt = LITTLE_ENDIAN ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const hi = i32[2 * i + hiAt] as number;
    const lo = (i32[2 * i + loAt] as number) >>> 0;
    result[i] = (hi - baseHi) * TWO_32 + (lo - baseLo);
  }
  return result;
}

export class QueryAbortedError extends Error {
  constructor(readonly reason: "timeout" | "canceled") {
    super(reason === "timeout" ? "query timed out" : "query canceled");
    this.name = "QueryAbortedError";
  }
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason as unknown;
    throw new QueryAbortedError(reason instanceof QueryAbortedError ? reason.reason : "canceled");
  }
}

/** One stream being read: the current batch and position in it. */
export class StreamCursor<S> {
  /** Offsets (ns from the merger's base) of the current batch. */
  ts: Float64Array = new Float64Array(0);
  big: BigInt64Array = new BigInt64Array(0);
  lines: readonly string[] = [];
  idx = 0;
  len = 0;
  private readonly iterator: AsyncIterator<EntryBatch>;
  private scratch: Float64Array | undefined;

  constructor(
    readonly stream: SourceStream,
    /** Tie-break rank among streams (order of their label strings). */
    readonly rank: number,
    /** Per-stream state of the caller (labels builder, cached series…). */
    readonly state: S,
    private readonly base: bigint,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.iterator = stream.batches()[Symbol.asyncIterator]();
  }

  /** Loads the next non-empty batch; false when the stream is exhausted. */
  async fill(): Promise<boolean> {
    for (;;) {
      checkAborted(this.signal);
      const next = await this.iterator.next();
      if (next.done) return false;
      const batch = next.value;
      if (batch.timestamps.length === 0) continue;
      this.big = batch.timestamps;
      this.lines = batch.lines;
      this.ts = timestampOffsets(batch.timestamps, this.base, this.scratch);
      this.scratch = this.ts;
      this.idx = 0;
      this.len = batch.timestamps.length;
      return true;
    }
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

/**
 * Calls back for each entry of all cursors in time order (forward: ascending; backward:
 * descending) up to a bound, with few heap operations: a cursor keeps the lead while its entries
 * come before the next cursor's.
 */
export class EntryMerger<S> {
  private heap: Array<StreamCursor<S>> = [];
  private started = false;

  constructor(
    private readonly cursors: Array<StreamCursor<S>>,
    private readonly forward: boolean,
  ) {}

  private before(a: StreamCursor<S>, b: StreamCursor<S>): boolean {
    const ta = a.ts[a.idx] as number;
    const tb = b.ts[b.idx] as number;
    if (ta !== tb) return this.forward ? ta < tb : ta > tb;
    return a.rank < b.rank;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let best = l;
      const r = l + 1;
      if (r < n && this.before(heap[r] as StreamCursor<S>, heap[l] as StreamCursor<S>)) best = r;
      if (!this.before(heap[best] as StreamCursor<S>, heap[i] as StreamCursor<S>)) return;
      const tmp = heap[i] as StreamCursor<S>;
      heap[i] = heap[best] as StreamCursor<S>;
      heap[best] = tmp;
      i = best;
    }
  }

  private async start(): Promise<void> {
    this.started = true;
    const filled = await Promise.all(this.cursors.map((c) => c.fill()));
    this.heap = this.cursors.filter((_, i) => filled[i]);
    for (let i = Math.floor(this.heap.length / 2) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The offset of the next entry, or null when all streams are exhausted. */
  async peek(): Promise<number | null> {
    if (!this.started) await this.start();
    const top = this.heap[0];
    return top ? (top.ts[top.idx] as number) : null;
  }

  /**
   * Calls `onEntry(cursor, index)` for entries up to `bound` (inclusive; forward: ts <= bound,
   * backward: ts >= bound) in order. Stops early when `onEntry` returns false; returns false then.
   */
  async pump(bound: number, onEntry: (cursor: StreamCursor<S>, index: number) => boolean): Promise<boolean> {
    if (!this.started) await this.start();
    const heap = this.heap;
    const forward = this.forward;
    while (heap.length > 0) {
      const c = heap[0] as StreamCursor<S>;
      // The next best cursor bounds how far c may run.
      let otherTs = forward ? Infinity : -Infinity;
      let otherRank = Infinity;
      if (heap.length > 1) {
        let other = heap[1] as StreamCursor<S>;
        const r = heap[2];
        if (r !== undefined && this.before(r, other)) other = r;
        otherTs = other.ts[other.idx] as number;
        otherRank = other.rank;
      }
      const ts = c.ts;
      const n = c.len;
      let i = c.idx;
      let stopped = false;
      if (forward) {
        while (i < n) {
          const t = ts[i] as number;
          if (t > bound) break;
          if (t > otherTs || (t === otherTs && c.rank > otherRank)) break;
          c.idx = i;
          if (!onEntry(c, i)) {
            stopped = true;
            i++;
            break;
          }
          i++;
        }
      } else {
        while (i < n) {
          const t = ts[i] as number;
          if (t < bound) break;
          if (t < otherTs || (t === otherTs && c.rank > otherRank)) break;
          c.idx = i;
          if (!onEntry(c, i)) {
            stopped = true;
            i++;
            break;
          }
          i++;
        }
      }
      c.idx = i;
      if (i >= n) {
        if (!(await c.fill())) {
          const last = heap.pop() as StreamCursor<S>;
          if (heap.length > 0 && last !== c) heap[0] = last;
          else if (last !== c) heap[0] = last;
        }
        if (heap.length > 0) this.siftDown(0);
      } else {
        const t = ts[i] as number;
        if (forward ? t > bound : t < bound) {
          // c is past the bound; others may still be within it.
          this.siftDown(0);
          const top = heap[0] as StreamCursor<S>;
          const tt = top.ts[top.idx] as number;
          if (forward ? tt > bound : tt < bound) return !stopped;
        } else {
          this.siftDown(0);
        }
      }
      if (stopped) return false;
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.all(this.cursors.map((c) => c.close()));
  }
}
