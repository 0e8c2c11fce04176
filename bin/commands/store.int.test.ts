/**
 * `flowlens store` as users run it: a child process on a free port, pushed to and read over
 * HTTP, stopped with Ctrl-C (SIGINT).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/db/embedded-postgres";
import { encodePushProtobuf } from "../../server/loki/push";
import { type TestDatabase, createTestDatabase } from "../../server/testing/database";

describe("flowlens store", () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let url: string;
  let output = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [path.resolve(import.meta.dirname, "../flowlens"), "store", "--listen", `127.0.0.1:${port}`], {
      env: { ...process.env, DATABASE_URL: database.url, LOKI_URL: "", FLOWLENS_STORE_RETENTION: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/Loki's HTTP API on/.test(output)) {
      if (child.exitCode !== null) throw new Error(`flowlens store exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`flowlens store did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await database.drop();
  });

  it("serves Loki's API on the address given, and stops on Ctrl-C", async () => {
    expect(output).toContain(`Loki's HTTP API on ${url}`);
    expect(await (await fetch(`${url}/ready`)).text()).toBe("ready\n");
    const now = BigInt(Date.now()) * 1_000_000n;
    const labels = { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-cli", __aws_s3_vpc_flow_owner: "111111111111" };
    const push = await fetch(`${url}/loki/api/v1/push`, {
      method: "POST",
      headers: { "Content-Type": "application/x-protobuf" },
      body: Buffer.from(encodePushProtobuf([{ labels, entries: [{ timestamp: now, line: "a line" }] }])),
    });
    expect(push.status).toBe(204);
    const series = await fetch(`${url}/loki/api/v1/series?match[]=${encodeURIComponent('{__aws_s3_vpc_flow="fl-cli"}')}&start=${now - 1_000_000_000n}&end=${now + 1_000_000_000n}`);
    expect(await series.json()).toEqual({ status: "success", data: [labels] });

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toContain("stopping");
  });
});
