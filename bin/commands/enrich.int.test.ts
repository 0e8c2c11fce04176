/**
 * `flowlens inventory import` and `flowlens enrich` as users run them: spawned processes against a
 * real PostgreSQL, files and stdin in, text and JSON Lines out.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../next-build";
import { type TestDatabase, createTestDatabase } from "../../server/testing/database";

const testdata = path.join(PROJECT_ROOT, "server", "inventory", "import", "testdata");
let database: TestDatabase;

function flowlens(args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "flowlens"), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe("flowlens inventory import", () => {
  it("prints every problem of a malformed file with file and line, exits 1 and writes nothing", async () => {
    const result = await flowlens(["inventory", "import", path.join(testdata, "describe-network-interfaces-malformed.json")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("3 problems; nothing was written:");
    expect(result.stdout).toMatch(/describe-network-interfaces-malformed\.json:\d+: NetworkInterfaces\[3\]\.VpcId: missing/);
    expect(await database.db.networkInterface.count()).toBe(0);
  });

  it("dry-runs, then imports", async () => {
    const files = ["describe-network-interfaces.json", "describe-vpcs.json", "describe-subnets.json", "ip-ranges.json", "known-networks.csv", "accounts.csv"].map((f) => path.join(testdata, f));
    const dry = await flowlens(["inventory", "import", "--dry-run", "--observed-at", "2026-11-20T10:00:00Z", ...files]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/describe-network-interfaces\.json \(aws ec2 describe-network-interfaces\): 7 records: 7 new/);
    expect(dry.stdout).toContain("dry run (as of 2026-11-20T10:00:00.000Z): nothing was written");
    expect(await database.db.networkInterface.count()).toBe(0);

    const real = await flowlens(["inventory", "import", "--observed-at", "2026-11-20T10:00:00Z", ...files]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("imported as of 2026-11-20T10:00:00.000Z; inventory version 1");
    expect(await database.db.networkInterface.count()).toBe(7);
  });

  it("lists the interfaces no rule names", async () => {
    const result = await flowlens(["inventory", "unmapped"]);
    expect(result.stdout.trim().split("\n")).toEqual(["eni-0718293a4b5c6d7e8\tinterface\t10.20.1.99\tprod-main\t-\t-"]);
    expect(result.stderr).toContain("1 of 7 current interfaces match no rule");
  });
});

describe("flowlens enrich", () => {
  const at = Math.floor(Date.parse("2026-11-20T10:05:00Z") / 1000);

  it("names both ends of every line, switching format at header lines, and reports lines that are not records", async () => {
    const input = [
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
      `2 111122223333 eni-0a1b2c3d4e5f60718 10.20.1.17 52.95.129.4 44312 443 6 20 9000 ${at} ${at + 60} ACCEPT OK`,
      `2 111122223333 eni-0c3d4e5f607182930 10.20.1.17 10.20.0.5 44312 443 6 20 9000 ${at} ${at + 60} ACCEPT OK`,
      "this is not a flow record",
      "version interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr start flow-direction",
      `5 eni-0c3d4e5f607182930 10.20.0.5 52.95.130.9 10.20.0.5 52.95.130.9 ${at} egress`,
      `5 eni-0b2c3d4e5f6071829 192.168.4.4 10.20.2.30 192.168.4.4 10.20.2.30 ${at} ingress`,
      "",
    ].join("\n");
    const result = await flowlens(["enrich"], input);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("line 4: not a flow record: it has 6 fields but the format has 14");
    expect(result.stderr).toMatch(/4 flows enriched \(inventory version 1, 7 interfaces\), 1 lines skipped, 0 ends without a known owner/);
    const flows = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(flows.map((f) => [f.src.label, f.dst.label, f.direction])).toEqual([
      ["payments-api", "S3 eu-west-3", "egress"],
      ["payments-api", "NAT gateway nat-0c1d2e3f4a5b6c7d8", "ingress"],
      ["NAT gateway nat-0c1d2e3f4a5b6c7d8", "S3 eu-west-3", "egress"],
      ["office VPN", "payments-public (ALB)", "ingress"],
    ]);
    expect(flows[0]).toMatchObject({
      record: { interfaceId: "eni-0a1b2c3d4e5f60718", bytes: 9000 },
      decoded: { protocol: "TCP", service: "https" },
      src: { kind: "interface", address: "10.20.1.17", team: "payments", accountName: "acme-prod", vpcName: "prod-main", availabilityZone: "eu-west-3a" },
      dst: { kind: "aws", service: "S3", region: "eu-west-3", address: "52.95.129.4" },
    });
  });

  it("takes a format and a time from the command line", async () => {
    const result = await flowlens(["enrich", "--format", "${srcaddr} ${dstaddr}", "--at", "2026-11-20T10:05:00Z"], "10.20.3.40 10.20.1.50\n");
    const flow = JSON.parse(result.stdout);
    expect([flow.src.label, flow.dst.label, flow.direction]).toEqual(["RDS ledger-db", "invoice-renderer", null]);
  });

  it("refuses an unknown field in --format", async () => {
    const result = await flowlens(["enrich", "--format", "${srcaddr} ${source}"], "");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('flowlens: "source" (field 2 of the format) is not a VPC flow log field');
  });
});
