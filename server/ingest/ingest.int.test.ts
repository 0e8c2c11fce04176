/**
 * `flowlens generate` output pushed into the real embedded store (PostgreSQL) and counted through
 * the query gate; retries against a real HTTP server; S3 through the AWS SDK against s3rver.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../db/embedded-postgres";
import { loadEnv } from "../env";
import { folderSink } from "../generate/folder-sink";
import { type Manifest, generateDataset } from "../generate/generate";
import { LokiClient } from "../loki/client";
import { createQueryGate } from "../loki/gate";
import { decodePushRequest } from "../loki/push";
import { type EmbeddedStore, openEmbeddedStore } from "../store";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { memoryCheckpoint, openCheckpoint } from "./checkpoint";
import { DEFAULT_INGEST_SETTINGS, type IngestSettings, ingestFlowLogFiles } from "./ingest";
import { listLocalFiles, listS3Files } from "./sources";

let database: TestDatabase;
let store: EmbeddedStore;
let dir: string;
let manifest: Manifest;
// A recent period: the store refuses entries older than its retention (30 days).
const END = Math.floor(Date.now() / 3_600_000) * 3600 - 86_400;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), "flowlens-ingest-int-"));
  manifest = await generateDataset({ seed: 11, days: 0.25, end: END, accounts: 3, scale: 0.5, fileMinutes: 5 }, folderSink(dir));
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function storeClient(tenant?: string): LokiClient {
  return new LokiClient({ baseUrl: "http://embedded-store", tenant, transport: store.handle });
}

function settingsFor(client: IngestSettings["client"], extra: Partial<IngestSettings> = {}): IngestSettings {
  return { ...DEFAULT_INGEST_SETTINGS, client, extraLabels: {}, checkpoint: memoryCheckpoint(), ...extra };
}

/** Entries in the store, counted two ways through the query gate: index stats and LogQL. */
async function countInStore(tenant?: string): Promise<number> {
  const gate = createQueryGate(loadEnv({ LOKI_TENANT_ID: tenant }), store.handle);
  const start = manifest.options.startUnix - 3600;
  const end = manifest.options.endUnix + 3600;
  const stats = await gate.indexStats('{__aws_log_type="s3_vpc_flow"}', { start: BigInt(start) * 1_000_000_000n, end: BigInt(end) * 1_000_000_000n });
  // Like Loki 2.7's query frontend, the engine cuts a long range into 30-minute sub-ranges and
  // does not count an entry exactly at an inner sub-range's end; entries sit on whole seconds plus
  // a small counter, so an evaluation time a fraction of a second off the second keeps them clear.
  const answer = await gate.query({ query: `sum(count_over_time({__aws_log_type="s3_vpc_flow"}[${end - start}s]))`, time: BigInt(end) * 1_000_000_000n + 123_456_789n });
  const counted = answer.resultType === "vector" ? Number(answer.result[0]?.value[1] ?? 0) : Number.NaN;
  expect(counted).toBe(stats.entries);
  return stats.entries;
}

describe("flowlens ingest into the embedded store", () => {
  it("stores exactly the records generated (protobuf), and a re-run with the checkpoint sends nothing", async () => {
    const files = await listLocalFiles([dir]);
    expect(files.length).toBe(manifest.totals.files);
    const checkpointFile = path.join(dir, "..", `${path.basename(dir)}.checkpoint.jsonl`);
    let checkpoint = openCheckpoint(checkpointFile);
    const first = await ingestFlowLogFiles(files, settingsFor(storeClient(), { checkpoint }));
    checkpoint.close();
    expect(first).toMatchObject({ records: manifest.totals.records, filesSent: manifest.totals.files, malformed: 0, filesFailed: 0 });
    expect(await countInStore()).toBe(manifest.totals.records);

    checkpoint = openCheckpoint(checkpointFile);
    const second = await ingestFlowLogFiles(await listLocalFiles([dir]), settingsFor(storeClient(), { checkpoint }));
    checkpoint.close();
    expect(second).toMatchObject({ records: 0, filesSent: 0, filesSkipped: manifest.totals.files, batches: 0 });
    expect(await countInStore()).toBe(manifest.totals.records);
    await rm(checkpointFile, { force: true });
  });

  it("stores exactly the records generated with JSON bodies too (another tenant)", async () => {
    const stats = await ingestFlowLogFiles(await listLocalFiles([dir]), settingsFor(storeClient("json-tenant"), { format: "json" }));
    expect(stats.records).toBe(manifest.totals.records);
    expect(await countInStore("json-tenant")).toBe(manifest.totals.records);
  });
});

describe("retries", () => {
  it("waits as Retry-After says on 429 and 503, then delivers the batch", async () => {
    const arrivals: number[] = [];
    const bodies: Buffer[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        arrivals.push(performance.now());
        if (arrivals.length === 1) {
          res.writeHead(429, { "Retry-After": "1", "Content-Type": "text/plain" }).end("Ingestion rate limit exceeded for user fake");
        } else if (arrivals.length === 2) {
          res.writeHead(503, { "Retry-After": "1" }).end("ingester unavailable");
        } else {
          bodies.push(Buffer.concat(chunks));
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new LokiClient({ baseUrl: `http://127.0.0.1:${port}` });
      const one = manifest.files[0]!;
      const files = (await listLocalFiles([path.join(dir, one.path)]));
      const retries: number[] = [];
      const stats = await ingestFlowLogFiles(files, settingsFor(client, { minBackoffMs: 10, onRetry: (_a, delay) => retries.push(delay) }));
      expect(stats).toMatchObject({ records: one.records, retries: 2, filesSent: 1 });
      expect(retries).toEqual([1000, 1000]);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
      expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(950);
      const pushed = decodePushRequest(bodies[0]!, "application/x-protobuf", null);
      expect(pushed.flatMap((s) => s.entries)).toHaveLength(one.records);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("S3", () => {
  it("lists and reads flow log files under an S3 prefix through the AWS SDK (s3rver)", async () => {
    const s3dir = await mkdtemp(path.join(tmpdir(), "flowlens-s3rver-"));
    const port = await freePort();
    const s3rver = new S3rver({ address: "127.0.0.1", port, silent: true, directory: s3dir });
    await s3rver.run();
    try {
      const endpoint = `http://127.0.0.1:${port}`;
      const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
      const s3 = new S3Client({ region: "eu-west-3", endpoint, forcePathStyle: true, credentials });
      await s3.send(new CreateBucketCommand({ Bucket: "flow-logs" }));
      const chosen = manifest.files.slice(0, 12);
      for (const file of chosen) {
        await s3.send(new PutObjectCommand({ Bucket: "flow-logs", Key: `org/${file.path}`, Body: readFileSync(path.join(dir, file.path)) }));
      }
      await s3.send(new PutObjectCommand({ Bucket: "flow-logs", Key: "org/AWSLogs/README.txt", Body: "not a flow log" }));
      s3.destroy();

      const files = await listS3Files("s3://flow-logs/org/AWSLogs/", { region: "eu-west-3", endpoint, credentials });
      expect(files.map((f) => f.key).sort()).toEqual(chosen.map((f) => `org/${f.path}`).sort());
      const stats = await ingestFlowLogFiles(files, settingsFor(storeClient("s3-tenant")));
      const expected = chosen.reduce((n, f) => n + f.records, 0);
      expect(stats).toMatchObject({ records: expected, filesSent: chosen.length });
      expect(await countInStore("s3-tenant")).toBe(expected);
    } finally {
      await s3rver.close();
      await rm(s3dir, { recursive: true, force: true });
    }
  });
});

it("the generated folder holds only what the manifest lists", async () => {
  const top = (await readdir(dir)).sort();
  expect(top).toEqual(["AWSLogs", "inventory", "ip-ranges.json", "known-networks.csv", "manifest.json"]);
});
