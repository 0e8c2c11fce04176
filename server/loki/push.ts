/**
 * Loki's push protocol (`POST /loki/api/v1/push`): the JSON body, and the snappy-compressed
 * protobuf body (logproto.PushRequest) that Promtail, Grafana Alloy and lambda-promtail send.
 * Encoding is used by `flowlens ingest`; decoding by the embedded store. Pure code: anything
 * may import it.
 */
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs/light.js";
import snappy from "snappy";
import { AppError } from "../errors";

export type PushLabels = Record<string, string>;

export interface PushEntry {
  /** Nanoseconds since the Unix epoch. */
  timestamp: bigint;
  line: string;
  structuredMetadata?: Record<string, string>;
}

export interface PushStream {
  labels: PushLabels;
  entries: PushEntry[];
}

// logproto.PushRequest, as in grafana/loki pkg/push/push.proto (field numbers are the protocol).
const root = protobuf.Root.fromJSON({
  nested: {
    logproto: {
      nested: {
        PushRequest: { fields: { streams: { rule: "repeated", type: "StreamAdapter", id: 1 } } },
        StreamAdapter: {
          fields: {
            labels: { type: "string", id: 1 },
            entries: { rule: "repeated", type: "EntryAdapter", id: 2 },
            hash: { type: "uint64", id: 3 },
          },
        },
        EntryAdapter: {
          fields: {
            timestamp: { type: "Timestamp", id: 1 },
            line: { type: "string", id: 2 },
            structuredMetadata: { rule: "repeated", type: "LabelPairAdapter", id: 3 },
          },
        },
        LabelPairAdapter: { fields: { name: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
        Timestamp: { fields: { seconds: { type: "int64", id: 1 }, nanos: { type: "int32", id: 2 } } },
      },
    },
  },
});
const PushRequest = root.lookupType("logproto.PushRequest");

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}
interface DecodedEntry {
  timestamp?: { seconds?: number | LongLike; nanos?: number };
  line?: string;
  structuredMetadata?: { name?: string; value?: string }[];
}
interface DecodedStream {
  labels?: string;
  entries?: DecodedEntry[];
}

const NS_PER_SECOND = 1_000_000_000n;

function longToBigInt(value: number | LongLike | undefined): bigint {
  if (value === undefined) return 0n;
  if (typeof value === "number") return BigInt(value);
  return (BigInt(value.high) << 32n) | BigInt(value.low >>> 0);
}

/** `{a="b", c="d"}`: a label set in Prometheus text form, keys sorted, values escaped. */
export function formatLabels(labels: PushLabels): string {
  const keys = Object.keys(labels).sort();
  return `{${keys.map((key) => `${key}=${JSON.stringify(labels[key])}`).join(", ")}}`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses `{a="b", c="d"}` (the `labels` string of a protobuf stream) into a label set. */
export function parseLabels(text: string): PushLabels {
  const labels: PushLabels = {};
  let i = 0;
  const fail = (why: string): never => {
    throw new AppError("BAD_REQUEST", `error parsing labels ${JSON.stringify(text)}: ${why}`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  skipSpace();
  if (text[i] !== "{") fail("expected {");
  i++;
  skipSpace();
  while (text[i] !== "}") {
    const nameStart = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i] as string)) i++;
    const name = text.slice(nameStart, i);
    if (!LABEL_NAME.test(name)) fail(`invalid label name at offset ${nameStart}`);
    skipSpace();
    if (text[i] !== "=") fail(`expected = after ${name}`);
    i++;
    skipSpace();
    if (text[i] !== '"') fail(`expected a quoted value for ${name}`);
    i++;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) fail("unterminated value");
      if (c === '"') break;
      if (c === "\\") {
        const next = text[i + 1];
        value += next === "n" ? "\n" : next === "t" ? "\t" : (next ?? "");
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    i++;
    if (name in labels) fail(`duplicate label name ${name}`);
    labels[name] = value;
    skipSpace();
    if (text[i] === ",") {
      i++;
      skipSpace();
    } else if (text[i] !== "}") {
      fail(`expected , or } at offset ${i}`);
    }
  }
  i++;
  skipSpace();
  if (i !== text.length) fail("unexpected text after }");
  return labels;
}

/** The JSON push body: `{"streams":[{"stream":{…},"values":[["<ns>","line"],…]}]}`. */
export function encodePushJson(streams: readonly PushStream[]): string {
  return JSON.stringify({
    streams: streams.map((stream) => ({
      stream: stream.labels,
      values: stream.entries.map((entry) =>
        entry.structuredMetadata
          ? [entry.timestamp.toString(), entry.line, entry.structuredMetadata]
          : [entry.timestamp.toString(), entry.line],
      ),
    })),
  });
}

/** The protobuf push body, snappy-compressed, as Promtail sends it (Content-Type: application/x-protobuf). */
export function encodePushProtobuf(streams: readonly PushStream[]): Uint8Array {
  const message = PushRequest.fromObject({
    streams: streams.map((stream) => ({
      labels: formatLabels(stream.labels),
      entries: stream.entries.map((entry) => ({
        timestamp: {
          seconds: Number(entry.timestamp / NS_PER_SECOND),
          nanos: Number(entry.timestamp % NS_PER_SECOND),
        },
        line: entry.line,
        structuredMetadata: entry.structuredMetadata
          ? Object.entries(entry.structuredMetadata).map(([name, value]) => ({ name, value }))
          : [],
      })),
    })),
  });
  return snappy.compressSync(Buffer.from(PushRequest.encode(message).finish()));
}

function decodeProtobuf(body: Uint8Array): PushStream[] {
  let raw: Buffer;
  try {
    raw = snappy.uncompressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength), { asBuffer: true }) as Buffer;
  } catch (error) {
    throw new AppError("BAD_REQUEST", `the protobuf push body is not snappy-compressed: ${(error as Error).message}`);
  }
  let decoded: { streams?: DecodedStream[] };
  try {
    decoded = PushRequest.decode(raw) as unknown as { streams?: DecodedStream[] };
  } catch (error) {
    throw new AppError("BAD_REQUEST", `the push body is not a logproto.PushRequest: ${(error as Error).message}`);
  }
  return (decoded.streams ?? []).map((stream) => ({
    labels: parseLabels(stream.labels ?? ""),
    entries: (stream.entries ?? []).map((entry) => {
      const structured = entry.structuredMetadata ?? [];
      return {
        timestamp: longToBigInt(entry.timestamp?.seconds) * NS_PER_SECOND + BigInt(entry.timestamp?.nanos ?? 0),
        line: entry.line ?? "",
        ...(structured.length > 0
          ? { structuredMetadata: Object.fromEntries(structured.map((p) => [p.name ?? "", p.value ?? ""])) }
          : {}),
      };
    }),
  }));
}

const NS_TIMESTAMP = /^\d{1,19}$/;

function decodeJson(text: string): PushStream[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new AppError("BAD_REQUEST", `the push body is not valid JSON: ${(error as Error).message}`);
  }
  const streams = (body as { streams?: unknown })?.streams;
  if (!Array.isArray(streams)) throw new AppError("BAD_REQUEST", 'the push body needs a "streams" array');
  return streams.map((stream: unknown, s) => {
    const labels = (stream as { stream?: unknown })?.stream;
    const values = (stream as { values?: unknown })?.values;
    if (typeof labels !== "object" || labels === null || Array.isArray(labels)) {
      throw new AppError("BAD_REQUEST", `streams[${s}].stream must be an object of label names to values`);
    }
    for (const [name, value] of Object.entries(labels)) {
      if (typeof value !== "string") throw new AppError("BAD_REQUEST", `streams[${s}].stream.${name} must be a string`);
    }
    if (!Array.isArray(values)) throw new AppError("BAD_REQUEST", `streams[${s}].values must be an array`);
    return {
      labels: labels as PushLabels,
      entries: values.map((value: unknown, v) => {
        if (!Array.isArray(value) || value.length < 2 || typeof value[1] !== "string") {
          throw new AppError("BAD_REQUEST", `streams[${s}].values[${v}] must be ["<unix ns>", "<line>"]`);
        }
        const [timestamp, line, metadata] = value as [unknown, string, unknown];
        if (typeof timestamp !== "string" || !NS_TIMESTAMP.test(timestamp)) {
          throw new AppError("BAD_REQUEST", `streams[${s}].values[${v}][0] must be a Unix timestamp in nanoseconds, as a string`);
        }
        const entry: PushEntry = { timestamp: BigInt(timestamp), line };
        if (metadata !== undefined) {
          if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
            throw new AppError("BAD_REQUEST", `streams[${s}].values[${v}][2] must be an object of structured metadata`);
          }
          entry.structuredMetadata = Object.fromEntries(Object.entries(metadata).map(([k, m]) => [k, String(m)]));
        }
        return entry;
      }),
    };
  });
}

/**
 * Decodes a push request body as Loki does: `Content-Encoding: gzip` first, then JSON
 * (Content-Type application/json) or snappy-compressed protobuf (anything else, as in Loki).
 */
export function decodePushRequest(body: Uint8Array, contentType: string | null, contentEncoding: string | null): PushStream[] {
  let bytes = body;
  const encoding = (contentEncoding ?? "").trim().toLowerCase();
  if (encoding === "gzip") {
    try {
      bytes = gunzipSync(body);
    } catch (error) {
      throw new AppError("BAD_REQUEST", `Content-Encoding is gzip but the body is not: ${(error as Error).message}`);
    }
  } else if (encoding !== "" && encoding !== "identity") {
    throw new AppError("BAD_REQUEST", `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}: send gzip or none`);
  }
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") return decodeJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  return decodeProtobuf(bytes);
}
