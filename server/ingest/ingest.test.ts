import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { type PushStream, decodePushRequest } from "../loki/push";
import { memoryCheckpoint, openCheckpoint } from "./checkpoint";
import { DEFAULT_INGEST_SETTINGS, type IngestSettings, type MalformedLine, ingestFlowLogFiles, retryAfterMs } from "./ingest";
import { listLocalFiles } from "./sources";

/** A stand-in for Loki's push endpoint: decodes and keeps every body; can fail on demand. */
function recordingLoki(failures: ((call: number) => Error | undefined) = () => undefined) {
  const pushes: PushStream[][] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    pushes,
    get maxInFlight() {
      return maxInFlight;
    },
    client: {
      async push(body: Uint8Array | string, contentType: "application/json" | "application/x-protobuf") {
        const call = ++calls;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        const error = failures(call);
        if (error) throw error;
        pushes.push(decodePushRequest(typeof body === "string" ? new TextEncoder().encode(body) : body, contentType, null));
      },
    },
    entries() {
      return pushes.flat().flatMap((s) => s.entries.map((e) => ({ labels: s.labels, ...e })));
    },
  };
}

const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
const record = (start: number, i: number) => `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.${i % 250} 10.0.2.9 ${40000 + i} 443 6 10 840 ${start} ${start + 30} ACCEPT OK`;
const keyOf = (fl: string, stamp: string) => `AWSLogs/123456789012/vpcflowlogs/eu-west-3/2026/11/24/123456789012_vpcflowlogs_eu-west-3_${fl}_${stamp}_0a1b2c3d.log.gz`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "flowlens-ingest-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeFlowFile(relative: string, lines: string[], gzip = true): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  const text = `${lines.join("\n")}\n`;
  writeFileSync(file, gzip ? gzipSync(text) : text);
  return file;
}

function settings(client: IngestSettings["client"], extra: Partial<IngestSettings> = {}): IngestSettings {
  return { ...DEFAULT_INGEST_SETTINGS, client, extraLabels: {}, checkpoint: memoryCheckpoint(), minBackoffMs: 1, maxBackoffMs: 5, ...extra };
}

describe("ingestFlowLogFiles", () => {
  it("pushes every record verbatim with lambda-promtail's labels and start + a per-stream counter as timestamp", async () => {
    const t = 1795500000;
    writeFlowFile(keyOf("fl-aaaa1111", "20261124T0005Z"), [HEADER, record(t, 1), record(t, 2), record(t + 5, 3)]);
    writeFlowFile(keyOf("fl-aaaa1111", "20261124T0010Z"), [HEADER, record(t, 4)]);
    writeFlowFile(keyOf("fl-bbbb2222", "20261124T0005Z"), [HEADER, record(t, 5)]);
    const loki = recordingLoki();
    const stats = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(loki.client, { extraLabels: { env: "test" } }));
    expect(stats).toMatchObject({ filesTotal: 3, filesSent: 3, records: 5, malformed: 0, filesFailed: 0 });
    const entries = loki.entries();
    expect(entries.map((e) => e.line).sort()).toEqual([1, 2, 3, 4, 5].map((i) => record(i === 3 ? t + 5 : t, i)).sort());
    const a = entries.filter((e) => e.labels.__aws_s3_vpc_flow === "fl-aaaa1111");
    expect(a[0]?.labels).toEqual({ __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-aaaa1111", __aws_s3_vpc_flow_owner: "123456789012", env: "test" });
    const ns = (s: number) => BigInt(s) * 1_000_000_000n;
    expect(a.map((e) => e.timestamp)).toEqual([ns(t), ns(t) + 1n, ns(t + 5) + 2n, ns(t) + 3n]);
    const b = entries.filter((e) => e.labels.__aws_s3_vpc_flow === "fl-bbbb2222");
    expect(b.map((e) => e.timestamp)).toEqual([ns(t)]);
  });

  it("reports a malformed line with its file and line number and goes on", async () => {
    const t = 1795500000;
    const file = keyOf("fl-aaaa1111", "20261124T0005Z");
    writeFlowFile(file, [HEADER, record(t, 1), "2 123456789012 eni-1 10.0.0.1 oops", record(t, 2), "", `${record(t, 3)} extra`, record(t, 4)]);
    const loki = recordingLoki();
    const malformed: MalformedLine[] = [];
    const stats = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(loki.client, { onMalformed: (m) => malformed.push(m) }));
    expect(stats).toMatchObject({ records: 3, malformed: 2, filesSent: 1 });
    expect(malformed.map((m) => [m.file.endsWith(file), m.line])).toEqual([
      [true, 3],
      [true, 6],
    ]);
    expect(malformed[0]?.reason).toMatch(/5 fields but the format has 14/);
    expect(malformed[1]?.reason).toMatch(/15 fields/);
  });

  it("reads files without a header line in the default format, uncompressed or gzip whatever the name", async () => {
    const t = 1795500000;
    writeFlowFile("plain/123456789012_vpcflowlogs_eu-west-3_fl-cccc3333_20261124T0005Z_00000000.log", [record(t, 1), record(t, 2)], false);
    writeFlowFile("named-plain-but-gzip/123456789012_vpcflowlogs_eu-west-3_fl-dddd4444_20261124T0005Z_00000000.log", [HEADER, record(t, 3)], true);
    const loki = recordingLoki();
    const stats = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(loki.client));
    expect(stats).toMatchObject({ records: 3, malformed: 0, filesSent: 2 });
  });

  it("uses a custom format's header to find start", async () => {
    const header = "version vpc-id interface-id srcaddr dstaddr start end action log-status";
    writeFlowFile(keyOf("fl-eeee5555", "20261124T0005Z"), [header, "3 vpc-1 eni-1 10.0.0.1 10.0.0.2 1795500123 1795500130 ACCEPT OK"]);
    const loki = recordingLoki();
    await ingestFlowLogFiles(await listLocalFiles([dir]), settings(loki.client));
    expect(loki.entries().map((e) => e.timestamp)).toEqual([1795500123n * 1_000_000_000n]);
  });

  it("batches by size with a bounded number of pushes in flight", async () => {
    const t = 1795500000;
    writeFlowFile(keyOf("fl-aaaa1111", "20261124T0005Z"), [HEADER, ...Array.from({ length: 3000 }, (_, i) => record(t + (i % 300), i))]);
    const loki = recordingLoki();
    const stats = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(loki.client, { batchBytes: 8 * 1024, concurrency: 3 }));
    expect(stats.records).toBe(3000);
    expect(loki.pushes.length).toBeGreaterThan(20);
    expect(loki.maxInFlight).toBeLessThanOrEqual(3);
    expect(loki.maxInFlight).toBeGreaterThan(1);
    const timestamps = loki.entries().map((e) => e.timestamp);
    expect(new Set(timestamps).size).toBe(3000);
  });

  it("retries 429/5xx and network errors, and gives up on a 400 without recording the file as sent", async () => {
    const t = 1795500000;
    writeFlowFile(keyOf("fl-aaaa1111", "20261124T0005Z"), [HEADER, record(t, 1)]);
    const transient = recordingLoki((call) =>
      call === 1
        ? new AppError("LIMIT_EXCEEDED", "Ingestion rate limit exceeded", { details: { status: 429, retryAfter: "0" } })
        : call === 2
          ? new AppError("UPSTREAM_ERROR", "Loki failed push (HTTP 503)", { details: { status: 503 } })
          : call === 3
            ? new AppError("UNAVAILABLE", "Cannot reach Loki at http://x: ECONNREFUSED")
            : undefined,
    );
    const retries: number[] = [];
    const ok = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(transient.client, { onRetry: (attempt) => retries.push(attempt) }));
    expect(ok).toMatchObject({ records: 1, filesSent: 1, retries: 3 });
    expect(retries).toEqual([1, 2, 3]);

    const checkpointFile = path.join(dir, "checkpoint.jsonl");
    const refused = recordingLoki(() => new AppError("BAD_REQUEST", "entry too far behind", { details: { status: 400 } }));
    const checkpoint = openCheckpoint(checkpointFile);
    const failed = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(refused.client, { checkpoint }));
    checkpoint.close();
    expect(failed).toMatchObject({ records: 0, filesSent: 0, filesFailed: 1, retries: 0 });
    expect(failed.failures[0]?.message).toMatch(/entry too far behind/);
    const again = openCheckpoint(checkpointFile);
    const files = await listLocalFiles([dir]);
    expect(again.isDone(files[0]!.id, files[0]!.fingerprint)).toBe(false);
    again.close();
  });
});

describe("the checkpoint", () => {
  it("skips files already sent, resends changed files, and resumes an interrupted file with the same timestamps", async () => {
    const t = 1795500000;
    const first = writeFlowFile(keyOf("fl-aaaa1111", "20261124T0005Z"), [HEADER, ...Array.from({ length: 400 }, (_, i) => record(t, i))]);
    writeFlowFile(keyOf("fl-aaaa1111", "20261124T0010Z"), [HEADER, ...Array.from({ length: 50 }, (_, i) => record(t + 300, i))]);
    const checkpointFile = path.join(dir, "state", "checkpoint.jsonl");

    // First run: the second push of the first file fails for good (the run is interrupted).
    const flaky = recordingLoki((call) => (call === 2 ? new AppError("BAD_REQUEST", "boom", { details: { status: 400 } }) : undefined));
    let checkpoint = openCheckpoint(checkpointFile);
    const run1 = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(flaky.client, { checkpoint, batchBytes: 4096, concurrency: 1 }));
    checkpoint.close();
    expect(run1.filesFailed).toBe(1);
    expect(run1.filesSent).toBe(1);
    const firstAttempt = new Map(flaky.entries().map((e) => [e.line, e.timestamp]));

    // Second run: only the failed file is sent, with the timestamps its entries had before.
    const loki = recordingLoki();
    checkpoint = openCheckpoint(checkpointFile);
    const run2 = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(loki.client, { checkpoint }));
    checkpoint.close();
    expect(run2).toMatchObject({ filesSent: 1, filesSkipped: 1, records: 400 });
    let compared = 0;
    for (const entry of loki.entries()) {
      const before = firstAttempt.get(entry.line);
      if (before !== undefined) {
        expect(entry.timestamp).toBe(before);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
    const secondFileTimestamps = flaky.entries().filter((e) => e.timestamp >= BigInt(t + 300) * 1_000_000_000n).map((e) => e.timestamp);
    const all = [...secondFileTimestamps, ...loki.entries().map((e) => e.timestamp)];
    expect(new Set(all).size).toBe(all.length);

    // Third run: nothing left to send.
    const idle = recordingLoki();
    checkpoint = openCheckpoint(checkpointFile);
    const run3 = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(idle.client, { checkpoint }));
    checkpoint.close();
    expect(run3).toMatchObject({ filesSent: 0, filesSkipped: 2, records: 0 });
    expect(idle.pushes).toHaveLength(0);

    // A file whose content changed is sent again, after the stream's last counter.
    writeFileSync(first, gzipSync(`${HEADER}\n${record(t, 999)}\n`));
    utimesSync(first, new Date(), new Date(Date.now() + 5000));
    const changed = recordingLoki();
    checkpoint = openCheckpoint(checkpointFile);
    const run4 = await ingestFlowLogFiles(await listLocalFiles([dir]), settings(changed.client, { checkpoint }));
    checkpoint.close();
    expect(run4).toMatchObject({ filesSent: 1, filesSkipped: 1, records: 1 });
    expect(changed.entries()[0]?.timestamp).toBe(BigInt(t) * 1_000_000_000n + 450n);
  });
});

describe("retryAfterMs", () => {
  it.each([
    ["3", 3000],
    ["0.5", 500],
    ["Wed, 21 Oct 2015 07:28:05 GMT", 5000],
    ["", undefined],
    ["soon", undefined],
    [undefined, undefined],
  ])("%s → %s", (value, ms) => {
    expect(retryAfterMs(value, Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(ms);
  });
});
