/**
 * The chunk: many entries of one stream packed into one row of `logstore.chunks`. Pure code
 * (encoding and decoding); the store's writer, reader and compactor use it.
 *
 * Layout before compression (little-endian), then snappy-compressed as a whole:
 *
 *   u32 format (2) | u32 n | u32 flags (bit 0: the text is ASCII) | u32 reserved |
 *   i64[n] timestamps | u32[n] end offset of each line in the text (UTF-16 code units) |
 *   UTF-8 text of all lines
 *
 * Entries are sorted by timestamp; entries with equal timestamps keep push order. Offsets in
 * UTF-16 units let the reader decode the text once and cut lines with `slice`, which is far
 * cheaper than decoding every line on its own; timestamps and offsets are copied into typed
 * arrays in one go, and ASCII text (flow logs are) is decoded as Latin-1, several times faster
 * than UTF-8. Format 1 (timestamps as deltas, no flags) is still read.
 */
import snappy from "snappy";

const FORMAT = 2;
const FLAG_ASCII = 1;

export interface ChunkEntries {
  timestamps: BigInt64Array;
  /** All lines concatenated. */
  text: string;
  /** `ends[i]` is where line i ends in `text`; line i starts at `ends[i - 1]` (0 for the first). */
  ends: Uint32Array;
}

export interface EncodedChunk {
  minTs: bigint;
  maxTs: bigint;
  entries: number;
  /** Sum of the lines' UTF-8 lengths, as Loki counts bytes. */
  bytes: number;
  data: Buffer;
}

/** Packs entries (already sorted by timestamp) into a compressed chunk. */
export function encodeChunk(timestamps: readonly bigint[] | BigInt64Array, lines: readonly string[]): EncodedChunk {
  const n = lines.length;
  if (n === 0 || timestamps.length !== n) throw new Error(`encodeChunk: ${timestamps.length} timestamps for ${n} lines`);
  const text = lines.join("");
  const textBytes = Buffer.byteLength(text, "utf8");
  const headerBytes = 16 + 8 * n + 4 * n;
  const raw = Buffer.allocUnsafe(headerBytes + textBytes);
  raw.writeUInt32LE(FORMAT, 0);
  raw.writeUInt32LE(n, 4);
  // every character below U+0080 is one UTF-8 byte: equal lengths mean ASCII
  raw.writeUInt32LE(textBytes === text.length ? FLAG_ASCII : 0, 8);
  raw.writeUInt32LE(0, 12);
  let offset = 16;
  for (let i = 0; i < n; i++) {
    raw.writeBigInt64LE(timestamps[i] as bigint, offset);
    offset += 8;
  }
  let end = 0;
  for (let i = 0; i < n; i++) {
    end += (lines[i] as string).length;
    raw.writeUInt32LE(end, offset);
    offset += 4;
  }
  raw.write(text, offset, "utf8");
  return {
    minTs: timestamps[0] as bigint,
    maxTs: timestamps[n - 1] as bigint,
    entries: n,
    bytes: textBytes,
    data: snappy.compressSync(raw),
  };
}

/** Copies `count` little-endian values at `offset` of `raw` into a fresh, aligned typed array. */
function copyOut<T extends BigInt64Array | Uint32Array>(raw: Buffer, offset: number, count: number, make: (n: number) => T): T {
  const out = make(count);
  raw.copy(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), 0, offset, offset + out.byteLength);
  return out;
}

/** Unpacks a chunk written by `encodeChunk`. */
export function decodeChunk(data: Uint8Array): ChunkEntries {
  const raw = snappy.uncompressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { asBuffer: true }) as Buffer;
  const format = raw.readUInt32LE(0);
  const n = raw.readUInt32LE(4);
  if (format === 2) {
    const flags = raw.readUInt32LE(8);
    const timestamps = copyOut(raw, 16, n, (k) => new BigInt64Array(k));
    const ends = copyOut(raw, 16 + 8 * n, n, (k) => new Uint32Array(k));
    const text = raw.toString(flags & FLAG_ASCII ? "latin1" : "utf8", 16 + 12 * n);
    return { timestamps, text, ends };
  }
  if (format !== 1) throw new Error(`unknown chunk format ${format}`);
  const timestamps = new BigInt64Array(n);
  let ts = raw.readBigInt64LE(8);
  if (n > 0) timestamps[0] = ts;
  let offset = 16;
  for (let i = 1; i < n; i++) {
    ts += raw.readBigInt64LE(offset);
    timestamps[i] = ts;
    offset += 8;
  }
  const ends = copyOut(raw, offset, n, (k) => new Uint32Array(k));
  const text = raw.toString("utf8", offset + 4 * n);
  return { timestamps, text, ends };
}

export function lineAt(chunk: ChunkEntries, i: number): string {
  return chunk.text.slice(i === 0 ? 0 : (chunk.ends[i - 1] as number), chunk.ends[i] as number);
}

/** Approximate memory held by decoded entries (for the chunk cache's budget). */
export function decodedSize(chunk: ChunkEntries): number {
  return chunk.text.length * 2 + chunk.timestamps.byteLength + chunk.ends.byteLength + 64;
}

/** Index of the first entry with timestamp >= ts (entries are sorted). */
export function lowerBound(timestamps: BigInt64Array, ts: bigint): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((timestamps[mid] as bigint) < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices of the lines in [begin, end) that contain `needle` (`keep` true) or do not (`keep`
 * false), found by searching the packed text once instead of every line.
 */
export function linesContaining(chunk: ChunkEntries, begin: number, end: number, needle: string, keep: boolean): number[] {
  const { text, ends } = chunk;
  const out: number[] = [];
  const startOf = (i: number) => (i === 0 ? 0 : (ends[i - 1] as number));
  let line = begin;
  let from = startOf(begin);
  const stop = end === 0 ? 0 : (ends[end - 1] as number);
  while (line < end) {
    const hit = text.indexOf(needle, from);
    if (hit < 0 || hit >= stop) {
      if (!keep) for (; line < end; line++) out.push(line);
      break;
    }
    // advance to the line the hit starts in
    while ((ends[line] as number) <= hit) {
      if (!keep) out.push(line);
      line++;
    }
    if (hit + needle.length <= (ends[line] as number)) {
      if (keep) out.push(line);
      line++;
      from = startOf(line);
    } else {
      // the hit crosses into the next line: not a match for this line
      from = hit + 1;
    }
  }
  return out;
}
