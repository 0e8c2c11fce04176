/**
 * Ingest: reads flow log files as AWS delivers them and pushes every record to Loki's push API
 * as lambda-promtail does: the line verbatim, labels `__aws_log_type="s3_vpc_flow"`,
 * `__aws_s3_vpc_flow="<flow log id>"`, `__aws_s3_vpc_flow_owner="<account>"` (plus extras), and
 * as timestamp the record's `start` in nanoseconds plus a per-stream counter, so entries of a
 * stream never share a timestamp.
 *
 * Files are read one after the other (gunzip on libuv's pool), entries collect in a batch that is
 * sent when it reaches its size or age, with a bounded number of pushes in flight (bounded
 * memory), retried with backoff on 429/5xx honouring Retry-After. A file is recorded in the
 * checkpoint once all its entries were accepted. A malformed line is counted and reported with
 * its file and line number and skipped; it does not stop the run.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { AppError } from "../errors";
import { DEFAULT_FLOW_FORMAT, type FlowFormat, explainFlowRecordProblem, flowFormatFromHeader } from "../flows";
import type { LokiClient } from "../loki/client";
import { type PushLabels, formatLabels } from "../loki/push";
import { PushBatch, encodeBatchJson, encodeBatchProtobuf } from "./batch";
import { type CheckpointStore, memoryCheckpoint } from "./checkpoint";
import { parseFlowLogKey } from "./layout";
import type { FlowLogFile } from "./sources";

export type PushFormat = "protobuf" | "json";

/** The part of LokiClient ingest uses (a test double of Loki can stand in for it). */
export type PushClient = Pick<LokiClient, "push">;

export interface IngestSettings {
  client: PushClient;
  format: PushFormat;
  /** Extra labels on every stream (`--label k=v`). */
  extraLabels: PushLabels;
  /** Send a batch when its lines reach this many bytes. */
  batchBytes: number;
  /** …or when its first entry is this old (ms). */
  batchWaitMs: number;
  /** Pushes in flight at once. */
  concurrency: number;
  /** Retries of one push on 429, 5xx or a network error before the batch counts as failed. */
  maxRetries: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  checkpoint: CheckpointStore;
  /** Format of files without a header line (default: AWS's default format). */
  defaultFormat?: FlowFormat;
  /** Labels for files whose name does not follow AWS's layout. */
  flowLogId?: string;
  owner?: string;
  signal?: AbortSignal;
  onProgress?: (stats: IngestStats) => void;
  onMalformed?: (problem: MalformedLine) => void;
  onFileError?: (file: FlowLogFile, message: string) => void;
  onRetry?: (attempt: number, delayMs: number, message: string) => void;
}

export const DEFAULT_INGEST_SETTINGS = {
  format: "protobuf" as PushFormat,
  batchBytes: 1024 * 1024,
  batchWaitMs: 1000,
  concurrency: 4,
  maxRetries: 10,
  minBackoffMs: 500,
  maxBackoffMs: 30_000,
};

export interface MalformedLine {
  file: string;
  line: number;
  reason: string;
  text: string;
}

export interface IngestStats {
  filesTotal: number;
  filesSent: number;
  /** Already sent according to the checkpoint. */
  filesSkipped: number;
  filesFailed: number;
  records: number;
  malformed: number;
  /** Bytes read from disk or S3 (compressed). */
  bytesRead: number;
  /** Bytes after decompression. */
  bytesDecompressed: number;
  batches: number;
  retries: number;
  elapsedMs: number;
  failures: { file: string; message: string }[];
  /** The format each flow log's header lines declared (flow log id → header), for the format registry. */
  formats: Record<string, string>;
  /** Records per second over the run so far. */
  recordsPerSecond: number;
}

interface FileState {
  file: FlowLogFile;
  stream: string;
  startCounter: number;
  entries: number;
  malformed: number;
  outstanding: number;
  readDone: boolean;
  failed?: string;
}

const FLOW_LOG_LABELS = { type: "__aws_log_type", flowLog: "__aws_s3_vpc_flow", owner: "__aws_s3_vpc_flow_owner" } as const;

/** Milliseconds to wait for a Retry-After value (seconds or an HTTP date); undefined if absent or bad. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof AppError)) return true; // network-level failures
  const status = error.details?.status;
  if (typeof status === "number") return status === 429 || status >= 500;
  return error.code === "UNAVAILABLE";
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Decompressed chunks of a file: gzip is recognised by its magic bytes, whatever the name says. */
async function* decompressed(source: Readable, counted: (bytes: number) => void): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  async function* raw(): AsyncGenerator<Buffer> {
    counted(head.length);
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      counted(next.value.length);
      yield next.value;
    }
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    const piping = pipeline(Readable.from(raw()), gunzip);
    piping.catch(() => {}); // the error surfaces through the iteration below
    for await (const chunk of gunzip) yield chunk as Buffer;
    await piping;
  } else {
    yield* raw();
  }
}

/**
 * Where the `start` field is and how many fields a record has, for a format. Throws when the
 * format has no `start` (ingest needs it for the timestamp).
 */
function startPosition(format: FlowFormat): number {
  const index = format.positions.get("start");
  if (index === undefined) {
    throw new AppError("BAD_REQUEST", `the flow log format has no start field (${format.header}): ingest needs it for each entry's timestamp.`);
  }
  return index;
}

/** Reads the start field of a record line; -1 when the line does not have the format's shape. */
function startOf(line: string, startIndex: number, fieldCount: number): number {
  let field = 0;
  let value = -1;
  let i = 0;
  const n = line.length;
  while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  while (i < n) {
    if (field === startIndex) {
      let v = 0;
      let digits = 0;
      while (i < n) {
        const c = line.charCodeAt(i);
        if (c < 48 || c > 57) break;
        v = v * 10 + (c - 48);
        digits++;
        i++;
      }
      if (digits === 0 || (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9)) return -1;
      value = v;
    } else {
      while (i < n) {
        const c = line.charCodeAt(i);
        if (c === 32 || c === 9) break;
        i++;
      }
    }
    field++;
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  }
  return field === fieldCount ? value : -1;
}

/** Pushes the files' records; returns the run's statistics. Never throws for one bad file or line. */
export async function ingestFlowLogFiles(files: readonly FlowLogFile[], settings: IngestSettings): Promise<IngestStats> {
  const started = performance.now();
  const checkpoint = settings.checkpoint ?? memoryCheckpoint();
  const stats: IngestStats = {
    filesTotal: files.length,
    filesSent: 0,
    filesSkipped: 0,
    filesFailed: 0,
    records: 0,
    malformed: 0,
    bytesRead: 0,
    bytesDecompressed: 0,
    batches: 0,
    retries: 0,
    elapsedMs: 0,
    failures: [],
    formats: {},
    recordsPerSecond: 0,
  };
  const report = () => {
    stats.elapsedMs = performance.now() - started;
    stats.recordsPerSecond = stats.records / Math.max(stats.elapsedMs / 1000, 1e-3);
    settings.onProgress?.(stats);
  };
  const fileStates = new Map<string, FileState>();
  const inFlight = new Set<Promise<void>>();
  let batch = new PushBatch();
  let batchTimer: NodeJS.Timeout | undefined;

  const fail = (state: FileState, message: string) => {
    if (!state.failed) {
      state.failed = message;
      stats.failures.push({ file: state.file.name, message });
      settings.onFileError?.(state.file, message);
    }
  };

  const settle = (state: FileState) => {
    if (!state.readDone || state.outstanding > 0 || batch.files.has(state.file.id)) return;
    fileStates.delete(state.file.id);
    if (state.failed) {
      stats.filesFailed++;
      return;
    }
    checkpoint.done(state.file.id, state.file.fingerprint, state.stream, state.startCounter, state.entries, state.malformed);
    stats.filesSent++;
  };

  const send = async (body: Uint8Array | string, contentType: "application/json" | "application/x-protobuf") => {
    for (let attempt = 0; ; attempt++) {
      try {
        await settings.client.push(body, contentType);
        return;
      } catch (error) {
        if (!isRetryable(error) || attempt >= settings.maxRetries || settings.signal?.aborted) throw error;
        const hinted = retryAfterMs(error instanceof AppError ? error.details?.retryAfter : undefined);
        const backoff = Math.min(settings.maxBackoffMs, settings.minBackoffMs * 2 ** attempt) * (0.5 + Math.random() / 2);
        const delay = Math.min(hinted ?? backoff, 5 * 60_000);
        stats.retries++;
        settings.onRetry?.(attempt + 1, delay, (error as Error).message);
        await sleep(delay, settings.signal);
      }
    }
  };

  const flush = async () => {
    if (batchTimer) {
      clearTimeout(batchTimer);
      batchTimer = undefined;
    }
    if (batch.entries === 0) return;
    const full = batch;
    batch = new PushBatch();
    const states = [...full.files.keys()].map((id) => fileStates.get(id)).filter((s): s is FileState => s !== undefined);
    for (const state of states) state.outstanding++;
    const entries = full.entries;
    const body = settings.format === "json" ? encodeBatchJson(full) : encodeBatchProtobuf(full);
    const contentType = settings.format === "json" ? "application/json" : "application/x-protobuf";
    const push = send(body, contentType)
      .then(() => {
        stats.records += entries;
        stats.batches++;
      })
      .catch((error: unknown) => {
        const message = `Loki did not accept a batch of ${entries} entries: ${(error as Error).message}`;
        for (const state of states) fail(state, message);
      })
      .finally(() => {
        inFlight.delete(push);
        for (const state of states) {
          state.outstanding--;
          settle(state);
        }
        report();
      });
    inFlight.add(push);
    while (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
  };

  /** Adds an entry to the open batch; true when the batch is full and must be sent. */
  const add = (state: FileState, labels: PushLabels, line: string, seconds: number, nanos: number): boolean => {
    const stream = batch.stream(state.stream, labels);
    batch.add(stream, line, seconds, nanos);
    batch.countFile(state.file.id, 1);
    if (batch.entries === 1 && settings.batchWaitMs > 0) {
      const current = batch;
      batchTimer = setTimeout(() => {
        if (batch === current) void flush();
      }, settings.batchWaitMs);
    }
    return batch.bytes >= settings.batchBytes;
  };

  // Files a previous run started but did not finish come first, so they keep their counters.
  const ordered = [...files].sort((a, b) => Number(checkpoint.wasStarted(b.id, b.fingerprint)) - Number(checkpoint.wasStarted(a.id, a.fingerprint)));

  for (const file of ordered) {
    if (settings.signal?.aborted) break;
    if (checkpoint.isDone(file.id, file.fingerprint)) {
      stats.filesSkipped++;
      continue;
    }
    const key = parseFlowLogKey(file.key);
    const flowLogId = key?.flowLogId ?? settings.flowLogId;
    const owner = key?.account ?? settings.owner;
    if (!flowLogId || !owner) {
      const message = `${file.name}: the name does not follow AWS's flow log file naming (<account>_vpcflowlogs_<region>_<fl-id>_<time>_<hash>.log.gz), so the flow log id and owner are unknown. Pass --flow-log-id and --owner.`;
      stats.failures.push({ file: file.name, message });
      settings.onFileError?.(file, message);
      stats.filesFailed++;
      continue;
    }
    const labels: PushLabels = {
      [FLOW_LOG_LABELS.type]: "s3_vpc_flow",
      [FLOW_LOG_LABELS.flowLog]: flowLogId,
      [FLOW_LOG_LABELS.owner]: owner,
      ...settings.extraLabels,
    };
    const stream = formatLabels(labels);
    const state: FileState = {
      file,
      stream,
      startCounter: checkpoint.begin(file.id, file.fingerprint, stream),
      entries: 0,
      malformed: 0,
      outstanding: 0,
      readDone: false,
    };
    fileStates.set(file.id, state);
    let format = settings.defaultFormat ?? DEFAULT_FLOW_FORMAT;
    let startIndex = startPosition(format);
    let fieldCount = format.fields.length;
    let counter = state.startCounter;
    let lineNumber = 0;
    let sawRecordOrHeader = false;

    /** Handles one line; true when the batch is full. */
    const processLine = (raw: string): boolean => {
      lineNumber++;
      const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
      if (line.length === 0) return false;
      if (!sawRecordOrHeader) {
        sawRecordOrHeader = true;
        const header = flowFormatFromHeader(line);
        if (header) {
          format = header;
          stats.formats[flowLogId] = header.header;
          startIndex = startPosition(format);
          fieldCount = format.fields.length;
          return false;
        }
      }
      const start = startOf(line, startIndex, fieldCount);
      if (start < 0) {
        state.malformed++;
        stats.malformed++;
        settings.onMalformed?.({ file: file.name, line: lineNumber, reason: explainFlowRecordProblem(line, format) ?? "its start field is not a time", text: line });
        return false;
      }
      state.entries++;
      const full = add(state, labels, line, start, counter % 1_000_000_000);
      counter++;
      return full;
    };

    try {
      const source = await file.open();
      const decoder = new StringDecoder("utf8");
      let rest = "";
      for await (const chunk of decompressed(source, (n) => (stats.bytesRead += n))) {
        stats.bytesDecompressed += chunk.length;
        const text = rest + decoder.write(chunk);
        let from = 0;
        for (;;) {
          const newline = text.indexOf("\n", from);
          if (newline < 0) break;
          if (processLine(text.slice(from, newline))) await flush();
          from = newline + 1;
        }
        rest = text.slice(from);
        if (settings.signal?.aborted) throw new AppError("UNAVAILABLE", "ingest was interrupted");
      }
      rest += decoder.end();
      if (rest.length > 0 && processLine(rest)) await flush();
    } catch (error) {
      fail(state, `${file.name}: ${(error as Error).message}`);
    }
    checkpoint.finishedReading(stream, state.startCounter, state.entries);
    state.readDone = true;
    settle(state);
    report();
  }
  await flush();
  while (inFlight.size > 0) await Promise.race(inFlight);
  report();
  return stats;
}
