/**
 * Checks a decoded push request as Loki's distributor does (pkg/distributor/validator.go) and
 * turns it into the store's write plan: one entry list per distinct stream, sorted by time,
 * duplicates removed. Error texts are Loki's. Pure code.
 *
 * Unlike Loki, which stores the valid part of a request and answers 400 for the rest, the
 * store refuses the whole request when any entry is invalid, so nothing is half-written.
 */
import type { PushStream } from "../loki/push";
import { formatLabels } from "../loki/push";
import { canonicalLabels } from "./labels";
import type { StoreLimits } from "./limits";

export class PushValidationError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = "PushValidationError";
  }
}

/** The entries of one stream of a push, ready to write. */
export interface StreamWrite {
  labels: Record<string, string>;
  /** `{a="b", c="d"}`, as in Loki's messages. */
  labelsText: string;
  timestamps: bigint[];
  lines: string[];
  /** Sum of UTF-8 line lengths. */
  bytes: number;
}

export interface PushPlan {
  streams: StreamWrite[];
  entries: number;
  bytes: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's time.Format(time.RFC3339) in UTC, as Loki writes timestamps in its messages. */
export function formatRfc3339(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return `${ns}ns`;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function lineBytes(line: string): number {
  return Buffer.byteLength(line, "utf8");
}

export interface ValidateOptions {
  limits: StoreLimits;
  /** Current time in ns. */
  now: bigint;
  /** Entries older than this (ns) are refused (retention); undefined: no lower bound. */
  oldestAcceptable?: bigint;
}

export function planPush(streams: readonly PushStream[], options: ValidateOptions): PushPlan {
  const { limits } = options;
  const newestAcceptable = options.now + BigInt(limits.creationGracePeriodMs) * 1_000_000n;
  const byStream = new Map<string, { labels: Record<string, string>; ts: bigint[]; lines: string[] }>();
  for (const stream of streams) {
    if (stream.entries.length === 0) continue;
    const rawText = formatLabels(stream.labels);
    for (const name of Object.keys(stream.labels)) {
      if (!LABEL_NAME.test(name)) {
        throw new PushValidationError(`Error parsing labels '${rawText}' with error: invalid label name ${JSON.stringify(name)}`);
      }
    }
    const labels = canonicalLabels(stream.labels);
    const names = Object.keys(labels);
    if (names.length === 0) throw new PushValidationError("error at least one label pair is required per stream");
    const labelsText = formatLabels(labels);
    if (names.length > limits.maxLabelNamesPerSeries) {
      throw new PushValidationError(`entry for stream '${labelsText}' has ${names.length} label names; limit ${limits.maxLabelNamesPerSeries}`);
    }
    for (const name of names) {
      if (name.length > limits.maxLabelNameLength) {
        throw new PushValidationError(`stream '${labelsText}' has label name too long: '${name}'`);
      }
      const value = labels[name] as string;
      if (value.length > limits.maxLabelValueLength) {
        throw new PushValidationError(`stream '${labelsText}' has label value too long: '${value}'`);
      }
    }
    let target = byStream.get(labelsText);
    if (!target) {
      target = { labels, ts: [], lines: [] };
      byStream.set(labelsText, target);
    }
    for (const entry of stream.entries) {
      if (options.oldestAcceptable !== undefined && entry.timestamp < options.oldestAcceptable) {
        throw new PushValidationError(
          `entry for stream '${labelsText}' has timestamp too old: ${formatRfc3339(entry.timestamp)}, oldest acceptable timestamp is: ${formatRfc3339(options.oldestAcceptable)}`,
        );
      }
      if (entry.timestamp > newestAcceptable) {
        throw new PushValidationError(`entry for stream '${labelsText}' has timestamp too new: ${formatRfc3339(entry.timestamp)}`);
      }
      // a UTF-16 unit is at most 3 UTF-8 bytes: measure only lines that may be too long
      if (limits.maxLineSize > 0 && entry.line.length * 3 > limits.maxLineSize) {
        const size = lineBytes(entry.line);
        if (size > limits.maxLineSize) {
          throw new PushValidationError(
            `Max entry size '${limits.maxLineSize}' bytes exceeded for stream '${labelsText}' while adding an entry with length '${size}' bytes`,
          );
        }
      }
      target.ts.push(entry.timestamp);
      target.lines.push(entry.line);
    }
  }

  const plan: PushPlan = { streams: [], entries: 0, bytes: 0 };
  for (const [labelsText, stream] of byStream) {
    const { timestamps, lines } = sortAndDedupe(stream.ts, stream.lines);
    let bytes = 0;
    for (const line of lines) bytes += lineBytes(line);
    plan.streams.push({ labels: stream.labels, labelsText, timestamps, lines, bytes });
    plan.entries += lines.length;
    plan.bytes += bytes;
  }
  return plan;
}

/** Sorts entries by timestamp (stable: equal timestamps keep push order) and drops exact repeats. */
export function sortAndDedupe(ts: readonly bigint[], lines: readonly string[]): { timestamps: bigint[]; lines: string[] } {
  let sorted = true;
  for (let i = 1; i < ts.length; i++) {
    if ((ts[i] as bigint) < (ts[i - 1] as bigint)) {
      sorted = false;
      break;
    }
  }
  let order: number[] | undefined;
  if (!sorted) {
    order = ts.map((_, i) => i);
    order.sort((a, b) => {
      const x = ts[a] as bigint;
      const y = ts[b] as bigint;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
  }
  const outTs: bigint[] = [];
  const outLines: string[] = [];
  // entries with the same timestamp are adjacent after sorting: compare within that run
  let runStart = 0;
  let runLines: Set<string> | undefined;
  for (let k = 0; k < ts.length; k++) {
    const i = order ? (order[k] as number) : k;
    const t = ts[i] as bigint;
    const line = lines[i] as string;
    if (outTs.length > 0 && outTs[outTs.length - 1] === t) {
      if (runLines) {
        if (runLines.has(line)) continue;
        runLines.add(line);
      } else {
        let repeat = false;
        for (let j = runStart; j < outLines.length; j++) {
          if (outLines[j] === line) {
            repeat = true;
            break;
          }
        }
        if (repeat) continue;
        if (outLines.length - runStart >= 16) runLines = new Set([...outLines.slice(runStart), line]);
      }
    } else {
      runStart = outTs.length;
      runLines = undefined;
    }
    outTs.push(t);
    outLines.push(line);
  }
  return { timestamps: outTs, lines: outLines };
}
