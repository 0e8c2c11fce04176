/**
 * The commands as a person runs them: `flowlens generate`, then `flowlens ingest` into the embedded
 * store on a real PostgreSQL (a malformed line is reported with its file and line, the run goes
 * on), then the same command again (the checkpoint skips everything).
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Manifest } from "../../server/generate/generate";
import { LokiClient } from "../../server/loki/client";
import { type EmbeddedStore, openEmbeddedStore } from "../../server/store";
import { type TestDatabase, createTestDatabase } from "../../server/testing/database";
import { PROJECT_ROOT } from "../next-build";

let database: TestDatabase;
let dir: string;
let store: EmbeddedStore;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "flowlens-cli-ingest-"));
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function flowlens(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "flowlens"), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: database.url, FLOWLENS_DATA_DIR: path.join(dir, "state"), LOKI_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

it("generates, ingests exactly what was generated (reporting a malformed line), and skips it all on a re-run", async () => {
  const out = path.join(dir, "data");
  const generated = await flowlens(["generate", "--out", out, "--days", "0.05", "--end", String(Math.floor(Date.now() / 3_600_000) * 3600 - 86_400), "--seed", "4", "--scale", "0.5"]);
  expect(generated.code, generated.stderr).toBe(0);
  expect(generated.stderr).toMatch(/wrote [\d,]+ records in [\d,]+ flow log files/);
  const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) as Manifest;

  // One extra, malformed line in an uncompressed copy of a file: line 1 is the header, then the records.
  const victim = manifest.files.find((f) => f.records > 3)!;
  const plain = path.join(dir, "extra", path.basename(victim.path).replace(/\.gz$/, ""));
  mkdirSync(path.dirname(plain), { recursive: true });
  writeFileSync(plain, gunzipSync(readFileSync(path.join(out, victim.path))));
  appendFileSync(plain, "2 123456789012 eni-0bad this is not a flow record\n");

  const first = await flowlens(["ingest", out, plain, "--label", "source=test"]);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toContain(`malformed line ${plain}:${victim.records + 2}: it has 9 fields`);
  const expected = manifest.totals.records + victim.records;
  expect(first.stderr).toContain(`sent ${expected.toLocaleString("en-US")} records from ${(manifest.totals.files + 1).toLocaleString("en-US")} files`);
  expect(first.stderr).toContain("1 malformed lines were skipped");
  expect(first.stderr).toMatch(/recorded the record format of \d+ flow logs/);

  const second = await flowlens(["ingest", out, plain, "--label", "source=test"]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).toContain(`skipped ${(manifest.totals.files + 1).toLocaleString("en-US")} files already sent (checkpoint)`);
  expect(second.stderr).toContain("sent 0 records from 0 files");

  // The copy repeats a file's records with the same labels but its own stream counter: the store
  // holds them as distinct entries, so the total is the generated records plus the copy's.
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {} });
  const client = new LokiClient({ baseUrl: "http://embedded-store", transport: store.handle });
  const start = BigInt(manifest.options.startUnix - 3600) * 1_000_000_000n;
  const end = BigInt(manifest.options.endUnix + 3600) * 1_000_000_000n;
  const stats = await client.indexStats('{__aws_log_type="s3_vpc_flow", source="test"}', { start, end });
  expect(stats.entries).toBe(expected);
});
