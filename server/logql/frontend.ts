/**
 * What Loki 2.7's query frontend (always in front of the engine in a single binary) does to a
 * metric query before the engine sees it, where it changes answers: range queries are aligned to
 * the step and cut into sub-queries (split_queries_by_interval, 30m), instant queries over long
 * ranges are cut into 30-minute sub-ranges. Each sub-query reads the store over [from, through),
 * so an entry exactly at a sub-query's end is not counted there.
 */

import type { RangeAggregationExpr, SampleExpr } from "./ast";
import type { StepBoundary } from "./range-vector";

/** Loki's split_queries_by_interval default. */
export const SPLIT_INTERVAL_NS = 30 * 60 * 1e9;

/**
 * How Loki 2.7's query frontend runs a metric range query (splitMetricByTime): start rounded
 * down and end rounded up to a multiple of the step, the range cut into sub-queries at multiples
 * of max(30m, longest range) — or one per step when the step is longer — each reading the store
 * up to its last step exclusive. Returns the evaluation start/end and each step's boundary kind.
 */
export function splitPlan(start: bigint, end: bigint, stepNs: number, maxRangeNs: number): { startNs: bigint; endNs: bigint; boundary: (k: number) => StepBoundary } {
  const step = BigInt(stepNs);
  const interval = BigInt(Math.max(SPLIT_INTERVAL_NS, maxRangeNs));
  const alignedStart = start - (start % step);
  const alignedEnd = end % step === 0n ? end : end + (step - (end % step));
  if (alignedStart >= alignedEnd) {
    // No split: the frontend passes the original request on; its only step ends the store read.
    return { startNs: start, endNs: end, boundary: () => "exclusive" };
  }
  const steps = Number((alignedEnd - alignedStart) / step);
  const kinds = new Array<StepBoundary>(steps + 1).fill("inclusive");
  if (step >= interval) {
    // One sub-query per step: [t, t + step]; inner steps end one sub-query and start the next.
    for (let k = 1; k < steps; k++) kinds[k] = "overlap";
    kinds[steps] = "exclusive";
  } else {
    const nextBoundary = (t: bigint) => {
      const startOfNext = (t / interval + 1n) * interval;
      let target = startOfNext - ((startOfNext - t) % step);
      if (target === startOfNext) target -= step;
      return target;
    };
    for (let s = alignedStart; s < alignedEnd; s = nextBoundary(s) + step) {
      let e = nextBoundary(s);
      if (e + step >= alignedEnd) e = alignedEnd;
      kinds[Number((e - alignedStart) / step)] = "exclusive";
    }
  }
  return { startNs: alignedStart, endNs: alignedEnd, boundary: (k) => kinds[k] ?? "inclusive" };
}


/** The range of the last range aggregation in a walk of the tree (Loki's getRangeInterval). */
function lastRange(expr: SampleExpr): number {
  switch (expr.kind) {
    case "rangeAggregation":
      return expr.range.rangeNs;
    case "vectorAggregation":
    case "labelReplace":
      return lastRange(expr.inner);
    case "binOp": {
      const right = lastRange(expr.right);
      return right !== 0 ? right : lastRange(expr.left);
    }
    default:
      return 0;
  }
}

const SPLITTABLE_VECTOR_OPS = new Set(["sum", "count", "max", "min", "avg", "topk"]);
const SPLITTABLE_RANGE_OPS = new Set(["rate", "bytes_rate", "bytes_over_time", "count_over_time", "sum_over_time", "max_over_time", "min_over_time"]);

function isSplittableByRange(expr: SampleExpr): boolean {
  switch (expr.kind) {
    case "vectorAggregation":
      return SPLITTABLE_VECTOR_OPS.has(expr.op) && isSplittableByRange(expr.inner);
    case "rangeAggregation":
      return SPLITTABLE_RANGE_OPS.has(expr.op);
    case "binOp":
      return isSplittableByRange(expr.left) || (expr.left.kind === "literal" && isSplittableByRange(expr.right)) || expr.right.kind === "literal";
    case "labelReplace":
      return isSplittableByRange(expr.inner);
    default:
      return false;
  }
}

/**
 * Instant queries (Loki's split-by-range mapper): for each range aggregation that the frontend
 * cuts into 30-minute sub-ranges, the distances (ns) before the window's end at which entries are
 * not counted (the ends of the inner sub-ranges).
 */
export function instantSplitExclusions(expr: SampleExpr): Map<RangeAggregationExpr, number[]> | undefined {
  if (!isSplittableByRange(expr)) return undefined;
  const out = new Map<RangeAggregationExpr, number[]>();
  const map = (e: SampleExpr, pushdown: { op: string } | null, into: Map<RangeAggregationExpr, number[]>): boolean => {
    switch (e.kind) {
      case "vectorAggregation": {
        if (lastRange(e) <= SPLIT_INTERVAL_NS) return false;
        const pd = e.inner.kind === "binOp" || e.op === "count" || e.op === "topk" ? null : e;
        return map(e.inner, pd, into);
      }
      case "rangeAggregation": {
        const range = e.range.rangeNs;
        if (range <= SPLIT_INTERVAL_NS) return false;
        const labelExtractor = e.range.selector.stages.some((s) => s.kind === "json" || s.kind === "logfmt");
        if (e.grouping === null && pushdown === null && labelExtractor) return false;
        if ((e.op === "rate" || e.op === "bytes_rate") && labelExtractor && pushdown?.op !== "sum") return false;
        if (!SPLITTABLE_RANGE_OPS.has(e.op)) return false;
        const count = Math.floor(range / SPLIT_INTERVAL_NS);
        const last = range % SPLIT_INTERVAL_NS !== 0 ? count : count - 1;
        into.set(
          e,
          Array.from({ length: last }, (_, k) => (k + 1) * SPLIT_INTERVAL_NS),
        );
        return true;
      }
      case "binOp": {
        const attempt = new Map<RangeAggregationExpr, number[]>();
        if (!map(e.left, pushdown, attempt) && e.left.kind !== "literal") return false;
        if (!map(e.right, pushdown, attempt) && e.right.kind !== "literal") return false;
        for (const [k, v] of attempt) into.set(k, v);
        return true;
      }
      case "labelReplace":
        return map(e.inner, pushdown, into);
      default:
        return false;
    }
  };
  map(expr, null, out);
  return out.size > 0 ? out : undefined;
}
