/**
 * The sync from AWS through the real AWS SDK (signing, XML parsing, pagination, AssumeRole) against
 * a local server that answers with recorded EC2 and STS responses (testdata-aws/), and a real
 * PostgreSQL. Never against AWS itself.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnrichmentLookup } from "../enrichment/loader";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { syncInventoryFromAws } from "./aws-sync";

const recorded = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "testdata-aws", name), "utf8");
const credentials = { accessKeyId: "AKIAMASTERKEYEXAMPLE", secretAccessKey: "master-secret" };

interface SeenRequest {
  action: string;
  nextToken: string | null;
  maxResults: string | null;
  accessKey: string | undefined;
  region: string | undefined;
}

let database: TestDatabase;
let server: http.Server;
let endpoint: string;
const seen: SeenRequest[] = [];
let denyInterfaces = false;

beforeAll(async () => {
  database = await createTestDatabase();
  server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const form = new URLSearchParams(body);
      const action = form.get("Action") ?? "";
      // Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, …
      const credential = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? "");
      seen.push({ action, nextToken: form.get("NextToken"), maxResults: form.get("MaxResults"), accessKey: credential?.[1], region: credential?.[2] });
      const answer = (status: number, xml: string) => {
        response.writeHead(status, { "Content-Type": "text/xml;charset=UTF-8" });
        response.end(xml);
      };
      if (action === "AssumeRole") return answer(200, recorded("AssumeRole.xml"));
      if (action === "DescribeNetworkInterfaces") {
        if (denyInterfaces) return answer(403, recorded("UnauthorizedOperation.xml"));
        return answer(200, recorded(form.get("NextToken") ? "DescribeNetworkInterfaces-2.xml" : "DescribeNetworkInterfaces-1.xml"));
      }
      if (action === "DescribeSubnets") return answer(200, recorded("DescribeSubnets.xml"));
      if (action === "DescribeVpcs") return answer(200, recorded("DescribeVpcs.xml"));
      if (action === "DescribeFlowLogs") return answer(200, recorded("DescribeFlowLogs.xml"));
      answer(400, `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors></Response>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

describe("syncing the inventory from AWS", () => {
  const role = "arn:aws:iam::111122223333:role/flowlens-inventory";

  it("assumes the account's role, reads every page of the four calls, and reports a dry run", async () => {
    seen.length = 0;
    const lines: string[] = [];
    const result = await syncInventoryFromAws({
      db: database.db,
      targets: [{ roleArn: role, regions: ["eu-west-3"] }],
      dryRun: true,
      importedBy: "test",
      endpoint,
      credentials,
      progress: (line) => lines.push(line),
    });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, applied: false, dryRun: true });
    expect(lines).toEqual(["aws:111122223333/eu-west-3: 3 interfaces, 1 subnets, 2 VPCs, 1 flow logs"]);
    expect(seen.map((r) => [r.action, r.nextToken !== null])).toEqual([
      ["AssumeRole", false],
      ["DescribeNetworkInterfaces", false],
      ["DescribeNetworkInterfaces", true],
      ["DescribeSubnets", false],
      ["DescribeVpcs", false],
      ["DescribeFlowLogs", false],
    ]);
    // The role is assumed with the default (here: given) credentials; EC2 is called with the role's.
    expect(seen[0]).toMatchObject({ accessKey: "AKIAMASTERKEYEXAMPLE" });
    expect(seen.slice(1).every((r) => r.accessKey === "ASIAROLEFROMASSUME01" && r.region === "eu-west-3" && r.maxResults === "1000")).toBe(true);
    expect(await database.db.networkInterface.count()).toBe(0);
  });

  it("imports what AWS answered, with the VPCs' region known", async () => {
    const result = await syncInventoryFromAws({ db: database.db, targets: [{ roleArn: role, regions: ["eu-west-3"] }], dryRun: false, importedBy: "test", endpoint, credentials });
    expect(result).toMatchObject({ ok: true, applied: true });
    expect(result.files.map((f) => [f.file, f.created])).toEqual([
      ["aws:111122223333/eu-west-3/describe-network-interfaces", 3],
      ["aws:111122223333/eu-west-3/describe-subnets", 1],
      ["aws:111122223333/eu-west-3/describe-vpcs", 2],
      ["aws:111122223333/eu-west-3/describe-flow-logs", 1],
    ]);
    const vpcs = await database.db.vpc.findMany({ orderBy: { id: "asc" } });
    expect(vpcs.map((v) => [v.id, v.region, v.name])).toEqual([
      ["vpc-0123456789abcdef0", "eu-west-3", "prod-main"],
      ["vpc-0fedcba9876543210", "eu-west-3", null],
    ]);
    const eni = await database.db.networkInterface.findUniqueOrThrow({ where: { id: "eni-0a1b2c3d4e5f60718" }, include: { addresses: { orderBy: { id: "asc" } } } });
    expect(eni).toMatchObject({ instanceId: "i-0f1e2d3c4b5a69788", attachmentStatus: "attached", publicIp: "15.236.10.20", tags: { service: "payments-api", team: "payments" } });
    expect(eni.addresses.map((a) => [a.address, a.kind])).toEqual([
      ["10.20.1.17", "private_ipv4"],
      ["15.236.10.20", "public_ipv4"],
      ["10.20.1.18", "private_ipv4"],
      ["2a05:d012:abc:1100::10", "ipv6"],
    ]);
    expect((await database.db.flowLogFormat.findUniqueOrThrow({ where: { flowLogId: "fl-0a1b2c3d4e5f60718" } })).format).toBe(
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id flow-direction",
    );
    const lookup = await getEnrichmentLookup(database.db);
    expect(lookup.interfaceEndpoints().map((e) => e.service).sort()).toEqual(["NAT gateway nat-0c1d2e3f4a5b6c7d8", "invoice-renderer", "payments-api"]);
  });

  it("says what permission is missing when AWS refuses, and writes nothing", async () => {
    denyInterfaces = true;
    try {
      await expect(
        syncInventoryFromAws({ db: database.db, targets: [{ roleArn: role, regions: ["eu-west-3"] }], dryRun: false, importedBy: "test", endpoint, credentials }),
      ).rejects.toThrow(/Reading the inventory of aws:111122223333\/eu-west-3 from AWS failed: UnauthorizedOperation: .*The role needs ec2:DescribeNetworkInterfaces/);
    } finally {
      denyInterfaces = false;
    }
  });

  it("refuses targets that are not roles or regions", async () => {
    const base = { db: database.db, dryRun: true, importedBy: "test", endpoint, credentials };
    await expect(syncInventoryFromAws({ ...base, targets: [{ roleArn: "flowlens", regions: ["eu-west-3"] }] })).rejects.toThrow(/not an IAM role ARN/);
    await expect(syncInventoryFromAws({ ...base, targets: [{ regions: ["Paris"] }] })).rejects.toThrow(/not an AWS region/);
    await expect(syncInventoryFromAws({ ...base, targets: [] })).rejects.toThrow(/at least one region/);
  });
});
