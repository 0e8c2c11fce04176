/**
 * Where flow log files come from: local files and folders (walked recursively), and S3 prefixes
 * (`s3://bucket/prefix`, listed and read with the AWS SDK and its default credential chain).
 * Each file has an identity and a fingerprint for the checkpoint, and opens as a byte stream.
 */
import { createReadStream } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { AppError } from "../errors";
import { isFlowLogFileName } from "./layout";

export interface FlowLogFile {
  /** Identity in the checkpoint: the absolute path, or `s3://bucket/key`. */
  id: string;
  /** For messages: the path as given, or the S3 URI. */
  name: string;
  /** The key or path whose layout says account, region and flow log id. */
  key: string;
  size: number;
  /** Changes when the file's content changes: size and modification time, or the S3 ETag. */
  fingerprint: string;
  open(): Promise<Readable>;
}

export interface S3Settings {
  /** Region of the bucket (default: AWS_REGION / the SDK's configuration, else us-east-1). */
  region?: string;
  /** An S3-compatible endpoint, e.g. http://127.0.0.1:9000 (path-style addressing). */
  endpoint?: string;
  /** Explicit credentials (tests); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match || !match[1]) throw new AppError("BAD_REQUEST", `${uri} is not an S3 location: write s3://bucket/prefix.`);
  return { bucket: match[1], prefix: match[2] ?? "" };
}

async function walk(root: string, shown: string, out: FlowLogFile[], seen: Set<string>): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    const display = path.join(shown, entry.name);
    if (entry.isDirectory()) await walk(full, display, out, seen);
    else if (entry.isFile() && isFlowLogFileName(entry.name)) await addLocalFile(full, display, out, seen);
  }
}

async function addLocalFile(file: string, shown: string, out: FlowLogFile[], seen: Set<string>): Promise<void> {
  const absolute = await realpath(file);
  if (seen.has(absolute)) return;
  seen.add(absolute);
  const info = await stat(absolute);
  out.push({
    id: absolute,
    name: shown,
    key: absolute,
    size: info.size,
    fingerprint: `${info.size}:${Math.floor(info.mtimeMs)}`,
    open: async () => createReadStream(absolute, { highWaterMark: 256 * 1024 }),
  });
}

/** The local files of the inputs: a file as given (any name), a folder's `.log`/`.log.gz` files. */
export async function listLocalFiles(inputs: readonly string[]): Promise<FlowLogFile[]> {
  const out: FlowLogFile[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      throw new AppError("NOT_FOUND", `${input} does not exist: give flow log files (.log or .log.gz), folders holding them, or s3://bucket/prefix.`);
    }
    if (info.isDirectory()) {
      await walk(input, input, out, seen);
    } else {
      await addLocalFile(input, input, out, seen);
    }
  }
  return out;
}

/** The flow log files under an S3 prefix, in key order (what S3 lists). */
export async function listS3Files(uri: string, settings: S3Settings): Promise<FlowLogFile[]> {
  const { bucket, prefix } = parseS3Uri(uri);
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    ...(settings.region ? { region: settings.region } : process.env.AWS_REGION ? {} : { region: "us-east-1" }),
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
  const out: FlowLogFile[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || !isFlowLogFileName(key)) continue;
        out.push({
          id: `s3://${bucket}/${key}`,
          name: `s3://${bucket}/${key}`,
          key,
          size: object.Size ?? 0,
          fingerprint: `${object.Size ?? 0}:${object.ETag ?? ""}`,
          open: async () => {
            const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
            if (!answer.Body) throw new AppError("UPSTREAM_ERROR", `S3 returned no body for s3://${bucket}/${key}.`);
            return answer.Body as Readable;
          },
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    throw new AppError(
      "UPSTREAM_ERROR",
      `Cannot list ${uri}: ${e.name ?? "error"}: ${e.message ?? String(error)}. Check the bucket name, the region (--s3-region) and your AWS credentials (the SDK's default chain: AWS_PROFILE, AWS_ACCESS_KEY_ID…).`,
      { cause: error },
    );
  }
  return out;
}
