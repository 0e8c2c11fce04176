import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type InventoryFileContent, parseCsv, parseInventoryFile } from "./formats";
import { arrayElementLines } from "./json-lines";

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "testdata", name), "utf8");

function content(name: string, text = fixture(name)): InventoryFileContent {
  const parsed = parseInventoryFile(name, text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems, null, 2));
  return parsed.content;
}

describe("detecting and reading inventory files", () => {
  it.each([
    ["describe-network-interfaces.json", "network-interfaces"],
    ["describe-vpcs.json", "vpcs"],
    ["describe-subnets.json", "subnets"],
    ["ip-ranges.json", "ip-ranges"],
    ["known-networks.csv", "known-networks"],
    ["accounts.csv", "accounts"],
    ["services.csv", "services"],
  ])("%s is %s", (name, kind) => expect(content(name).kind).toBe(kind));

  it("reads every field of describe-network-interfaces", () => {
    const parsed = content("describe-network-interfaces.json");
    if (parsed.kind !== "network-interfaces") throw new Error("wrong kind");
    expect(parsed.complete).toBe(true);
    expect(parsed.interfaces).toHaveLength(7);
    const instance = parsed.interfaces[0]!;
    expect(instance.iface).toEqual({
      id: "eni-0a1b2c3d4e5f60718",
      accountId: "111122223333",
      region: "eu-west-3",
      vpcId: "vpc-0123456789abcdef0",
      subnetId: "subnet-0aa11bb22cc33dd44",
      availabilityZone: "eu-west-3a",
      interfaceType: "interface",
      description: "Primary network interface",
      requesterManaged: false,
      requesterId: null,
      status: "in-use",
      macAddress: "06:5a:2b:7c:11:3d",
      privateDnsName: "ip-10-20-1-17.eu-west-3.compute.internal",
      privateIp: "10.20.1.17",
      publicIp: "15.236.10.20",
      instanceId: "i-0f1e2d3c4b5a69788",
      instanceOwnerId: "111122223333",
      attachmentId: "eni-attach-0a1b2c3d4e5f60718",
      attachmentStatus: "attached",
      securityGroups: [{ id: "sg-0123456789abcdef0", name: "payments-api" }],
      tags: { service: "payments-api", team: "payments" },
    });
    expect(instance.addresses).toEqual([
      { address: "10.20.1.17", kind: "private_ipv4", primary: true },
      { address: "15.236.10.20", kind: "public_ipv4", primary: true },
      { address: "10.20.1.18", kind: "private_ipv4", primary: false },
      { address: "2a05:d012:abc:1100::10", kind: "ipv6", primary: false },
    ]);
    expect(parsed.interfaces[1]!.iface).toMatchObject({ requesterManaged: true, requesterId: "amazon-elb", instanceId: null, publicIp: null });
    expect(parsed.interfaces[2]!.addresses).toContainEqual({ address: "15.236.99.1", kind: "public_ipv4", primary: true });
  });

  it("reads VPCs with every associated CIDR and subnets with their zone ids", () => {
    const vpcs = content("describe-vpcs.json");
    expect(vpcs).toMatchObject({
      kind: "vpcs",
      vpcs: [{ id: "vpc-0123456789abcdef0", accountId: "111122223333", region: null, name: "prod-main", cidrBlocks: ["10.20.0.0/16", "100.64.0.0/16"], ipv6CidrBlocks: ["2a05:d012:abc:1100::/56"] }],
    });
    const subnets = content("describe-subnets.json");
    expect(subnets).toMatchObject({
      kind: "subnets",
      subnets: [
        { id: "subnet-0aa11bb22cc33dd44", region: "eu-west-3", availabilityZone: "eu-west-3a", availabilityZoneId: "euw3-az1", cidrBlock: "10.20.0.0/20", name: "prod-private-a" },
        { id: "subnet-0bb22cc33dd44ee55", ipv6CidrBlocks: ["2a05:d012:abc:1101::/64"] },
      ],
    });
  });

  it("reads ip-ranges.json, IPv4 and IPv6", () => {
    const ranges = content("ip-ranges.json");
    expect(ranges).toMatchObject({ kind: "ip-ranges", syncToken: "1764000000", createDate: "2026-11-24-12-00-00" });
    if (ranges.kind !== "ip-ranges") throw new Error("wrong kind");
    expect(ranges.ranges).toHaveLength(4);
    expect(ranges.ranges[3]).toEqual({ prefix: "2a05:d07a:a000::/40", service: "S3", region: "eu-west-3", networkBorderGroup: "eu-west-3" });
  });

  it("reads CSV files, quoted fields and files without a header", () => {
    expect(content("services.csv")).toEqual({
      kind: "services",
      services: [
        { name: "payments-api", team: "payments", description: "Card payments, refunds" },
        { name: "invoice-renderer", team: "billing", description: "Renders invoices as PDF" },
      ],
    });
    expect(content("nets.csv", "10.8.0.0/16,office VPN,office\r\n# a comment\n\n203.0.113.7/32,pager,partner\n")).toEqual({
      kind: "known-networks",
      networks: [
        { cidr: "10.8.0.0/16", name: "office VPN", category: "office" },
        { cidr: "203.0.113.7/32", name: "pager", category: "partner" },
      ],
    });
    expect(content("accounts.csv", "id,name,env,owner\n111122223333,prod,production,platform\n444455556666,sandbox,,\n")).toEqual({
      kind: "accounts",
      accounts: [
        { id: "111122223333", name: "prod", environment: "production", team: "platform" },
        { id: "444455556666", name: "sandbox", environment: null, team: null },
      ],
    });
  });

  it("reads aws organizations list-accounts, with environment and team from tags", () => {
    const text = JSON.stringify({
      Accounts: [
        { Id: "111122223333", Arn: "arn:aws:organizations::1:account/o-1/111122223333", Email: "a@example.com", Name: "acme-prod", Status: "ACTIVE", JoinedMethod: "CREATED", JoinedTimestamp: "2024-01-01T00:00:00+00:00", Tags: [{ Key: "environment", Value: "prod" }, { Key: "team", Value: "platform" }] },
        { Id: "444455556666", Name: "acme-sandbox", Status: "ACTIVE" },
      ],
    });
    expect(content("accounts.json", text)).toEqual({
      kind: "accounts",
      accounts: [
        { id: "111122223333", name: "acme-prod", environment: "prod", team: "platform" },
        { id: "444455556666", name: "acme-sandbox", environment: null, team: null },
      ],
    });
  });

  it("notices a paginated answer (NextToken): the file is not the complete list", () => {
    const parsed = content("page.json", JSON.stringify({ NetworkInterfaces: [], NextToken: "abc" }));
    expect(parsed).toMatchObject({ kind: "network-interfaces", complete: false });
  });
});

describe("malformed files", () => {
  it("lists every bad record with its index, line and field", () => {
    const parsed = parseInventoryFile("bad.json", fixture("describe-network-interfaces-malformed.json"));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.kind).toBe("network-interfaces");
    expect(parsed.problems.map(({ location, field, message }) => ({ location, field, message }))).toEqual([
      { location: "NetworkInterfaces[1].PrivateIpAddresses[0].PrivateIpAddress", field: "PrivateIpAddress", message: "not an IPv4 address" },
      { location: "NetworkInterfaces[3].VpcId", field: "VpcId", message: "missing" },
      { location: "NetworkInterfaces[5].OwnerId", field: "OwnerId", message: "not a 12-digit AWS account id" },
    ]);
    const lines = fixture("describe-network-interfaces-malformed.json").split("\n");
    for (const problem of parsed.problems) {
      // The line is where the record starts: an opening brace, after the line of the previous record's end.
      expect(lines[problem.line! - 1]?.trim()).toBe("{");
      expect(problem.file).toBe("bad.json");
    }
  });

  it.each([
    ["not JSON", '{"NetworkInterfaces": [\n  {"a": 1,}\n]}', /line 2, column \d+/, /not valid JSON/],
    ["an unknown JSON object", '{"Reservations": []}', /JSON/, /"Reservations".*none of the formats flowlens imports/],
    ["an unknown CSV", "ip,owner\n10.0.0.1,x\n", /line 1/, /no header flowlens knows/],
    ["an empty file", "  \n", /line 1/, /empty/],
    ["a list instead of an object", "[]", /JSON/, /Expected a JSON object/],
    ["NetworkInterfaces that is not a list", '{"NetworkInterfaces": {}}', /NetworkInterfaces/, /must be a list/],
  ])("says what is wrong with %s", (_, text, location, message) => {
    const parsed = parseInventoryFile("f", text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]?.location).toMatch(location);
    expect(parsed.problems[0]?.message).toMatch(message);
  });

  it("finds duplicate records", () => {
    const text = JSON.stringify({ Vpcs: [{ VpcId: "vpc-1a", OwnerId: "111122223333" }, { VpcId: "vpc-1a", OwnerId: "111122223333" }] });
    const parsed = parseInventoryFile("vpcs.json", text);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.message)).toEqual(["vpc-1a is listed twice (also Vpcs[0]); a file describes each one once."]);
  });

  it("checks CSV rows by line", () => {
    const parsed = parseInventoryFile("nets.csv", "cidr,name,category\n10.0.0.0/8,corp,office\n10.300.0.0/16,bad,x\n192.168.1.0/24,,office\n10.0.0.0/8,again,office\n");
    expect(parsed.ok ? [] : parsed.problems.map(({ location, field, message }) => `${location} ${field}: ${message}`)).toEqual([
      'line 3 cidr: "10.300.0.0/16" is not a CIDR block such as 203.0.113.0/24.',
      "line 4 name: missing: every known network needs a name.",
      "line 5 cidr: 10.0.0.0/8 is listed twice (also on line 2).",
    ]);
  });
});

describe("json positions", () => {
  it("finds the line of each array element, ignoring brackets inside strings", () => {
    const text = '{\n  "Other": [1, 2],\n  "Items": [\n    {"a": "]["},\n    {"b": [1,\n 2]},\n    3\n  ]\n}';
    expect(arrayElementLines(text, "Items")).toEqual([4, 5, 7]);
    expect(arrayElementLines(text, "Missing")).toEqual([]);
  });

  it("parses CSV quoting", () => {
    expect(parseCsv('a,"b,c","d ""e"""\n"multi\nline",x\n')).toEqual([
      { line: 1, fields: ["a", "b,c", 'd "e"'] },
      { line: 2, fields: ["multi\nline", "x"] },
    ]);
  });
});
