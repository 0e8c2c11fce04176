/**
 * A push batch: entries grouped by stream, encoded as Loki's push body, either snappy-compressed
 * protobuf (logproto.PushRequest, as Promtail and lambda-promtail send it) or JSON. The protobuf
 * writer is hand-rolled for the one message it writes (no object tree per entry): ingest encodes
 * more than 100,000 entries a second. server/loki/push.ts decodes what it writes (a test checks).
 */
import snappy from "snappy";
import { formatLabels, type PushLabels } from "../loki/push";

export interface BatchStream {
  labels: PushLabels;
  /** formatLabels(labels): the stream's identity and its protobuf `labels` string. */
  key: string;
  lines: string[];
  seconds: number[];
  nanos: number[];
}

export class PushBatch {
  readonly streams = new Map<string, BatchStream>();
  entries = 0;
  /** Bytes of the lines (what batch size limits count, as Promtail does). */
  bytes = 0;
  /** When the first entry was added (ms, performance.now()). */
  openedAt = 0;
  /** Files with entries in this batch → how many entries. */
  readonly files = new Map<string, number>();

  add(stream: BatchStream, line: string, seconds: number, nanos: number): void {
    if (this.entries === 0) this.openedAt = performance.now();
    stream.lines.push(line);
    stream.seconds.push(seconds);
    stream.nanos.push(nanos);
    this.entries++;
    this.bytes += line.length;
  }

  /** The stream with these labels in this batch (created empty on first use). */
  stream(key: string, labels: PushLabels): BatchStream {
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { labels, key, lines: [], seconds: [], nanos: [] };
      this.streams.set(key, stream);
    }
    return stream;
  }

  countFile(file: string, entries: number): void {
    this.files.set(file, (this.files.get(file) ?? 0) + entries);
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(buffer: Buffer, offset: number, value: number): number {
  while (value >= 128) {
    buffer[offset++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  buffer[offset++] = value;
  return offset;
}

/** logproto.PushRequest bytes (uncompressed) for the batch. */
export function encodePushRequest(batch: PushBatch): Buffer {
  // Sizes first (protobuf length prefixes), then one pass writing into a single buffer.
  const streams = [...batch.streams.values()];
  const lineSizes: number[][] = [];
  const labelSizes: number[] = [];
  const streamSizes: number[] = [];
  let total = 0;
  for (const stream of streams) {
    const labelBytes = Buffer.byteLength(stream.key);
    labelSizes.push(labelBytes);
    let size = 1 + varintSize(labelBytes) + labelBytes;
    const sizes: number[] = new Array(stream.lines.length);
    for (let i = 0; i < stream.lines.length; i++) {
      const line = stream.lines[i] as string;
      const lineBytes = Buffer.byteLength(line);
      sizes[i] = lineBytes;
      const seconds = stream.seconds[i] as number;
      const nanos = stream.nanos[i] as number;
      const tsSize = 1 + varintSize(seconds) + (nanos > 0 ? 1 + varintSize(nanos) : 0);
      const entrySize = 1 + varintSize(tsSize) + tsSize + 1 + varintSize(lineBytes) + lineBytes;
      size += 1 + varintSize(entrySize) + entrySize;
    }
    lineSizes.push(sizes);
    streamSizes.push(size);
    total += 1 + varintSize(size) + size;
  }
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (let s = 0; s < streams.length; s++) {
    const stream = streams[s] as BatchStream;
    const sizes = lineSizes[s] as number[];
    out[o++] = 0x0a; // PushRequest.streams (1, length-delimited)
    o = writeVarint(out, o, streamSizes[s] as number);
    out[o++] = 0x0a; // StreamAdapter.labels (1)
    o = writeVarint(out, o, labelSizes[s] as number);
    o += out.write(stream.key, o, "utf8");
    for (let i = 0; i < stream.lines.length; i++) {
      const lineBytes = sizes[i] as number;
      const seconds = stream.seconds[i] as number;
      const nanos = stream.nanos[i] as number;
      const tsSize = 1 + varintSize(seconds) + (nanos > 0 ? 1 + varintSize(nanos) : 0);
      const entrySize = 1 + varintSize(tsSize) + tsSize + 1 + varintSize(lineBytes) + lineBytes;
      out[o++] = 0x12; // StreamAdapter.entries (2)
      o = writeVarint(out, o, entrySize);
      out[o++] = 0x0a; // EntryAdapter.timestamp (1)
      o = writeVarint(out, o, tsSize);
      out[o++] = 0x08; // Timestamp.seconds (1, varint)
      o = writeVarint(out, o, seconds);
      if (nanos > 0) {
        out[o++] = 0x10; // Timestamp.nanos (2, varint)
        o = writeVarint(out, o, nanos);
      }
      out[o++] = 0x12; // EntryAdapter.line (2)
      o = writeVarint(out, o, lineBytes);
      o += out.write(stream.lines[i] as string, o, "utf8");
    }
  }
  return out;
}

/** The snappy-compressed protobuf push body (Content-Type: application/x-protobuf). */
export function encodeBatchProtobuf(batch: PushBatch): Buffer {
  return snappy.compressSync(encodePushRequest(batch));
}

/** The JSON push body (Content-Type: application/json); timestamps as decimal nanosecond strings. */
export function encodeBatchJson(batch: PushBatch): string {
  const streams = [...batch.streams.values()].map((stream) => ({
    stream: stream.labels,
    values: stream.lines.map((line, i) => [`${stream.seconds[i]}${String(stream.nanos[i]).padStart(9, "0")}`, line]),
  }));
  return JSON.stringify({ streams });
}

export { formatLabels };
