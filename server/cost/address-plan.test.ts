import { describe, expect, it } from "vitest";
import { EnrichmentLookup, type InventorySnapshot } from "../enrichment/lookup";
import { compileRe2WithNames } from "../logql/re2";
import { type AddressKey, type AddressPlan, addressKeyOf, blockSetPattern, numberSetPattern, buildAddressPlan, cidrPattern, octetRangePattern, representativeAddress } from "./address-plan";

describe("octet ranges and CIDRs as regular expressions", () => {
  it.each([
    [0, 255],
    [16, 31],
    [64, 127],
    [0, 9],
    [10, 10],
    [96, 103],
    [200, 255],
    [7, 193],
  ])("%i..%i matches exactly those numbers", (lo, hi) => {
    const re = new RegExp(`^(?:${octetRangePattern(lo, hi)})$`);
    for (let n = 0; n <= 255; n++) expect(re.test(String(n)), String(n)).toBe(n >= lo && n <= hi);
  });

  it.each(["10.0.0.0/8", "172.16.0.0/12", "100.64.0.0/10", "52.95.154.0/23", "3.5.224.0/22", "15.188.12.34/32", "0.0.0.0/0"])("%s", (cidr) => {
    const re = new RegExp(`^(?:${cidrPattern(cidr)})$`);
    const [base, bits] = cidr.split("/") as [string, string];
    const size = 2 ** (32 - Number(bits));
    const first = base.split(".").reduce((a, o) => a * 256 + Number(o), 0);
    const ip = (v: number) => `${Math.floor(v / 2 ** 24) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
    for (const v of [first, first + size - 1, first + Math.floor(size / 2)]) expect(re.test(ip(v)), ip(v)).toBe(true);
    if (first > 0) expect(re.test(ip(first - 1))).toBe(false);
    if (first + size < 2 ** 32) expect(re.test(ip(first + size))).toBe(false);
  });
});

const RANGES = [
  { prefix: "3.5.224.0/22", service: "S3", region: "eu-west-3" },
  { prefix: "3.5.64.0/21", service: "S3", region: "eu-west-1" },
  { prefix: "52.95.154.0/23", service: "S3", region: "eu-west-3" },
  { prefix: "52.95.156.0/24", service: "AMAZON", region: "eu-west-3" },
  { prefix: "52.94.0.0/22", service: "DYNAMODB", region: "us-east-1" },
  { prefix: "15.188.0.0/16", service: "EC2", region: "eu-west-3" },
  { prefix: "54.239.0.96/28", service: "ROUTE53_HEALTHCHECKS", region: "eu-west-1" },
  { prefix: "13.32.0.0/15", service: "CLOUDFRONT", region: "GLOBAL" },
  { prefix: "18.0.0.0/7", service: "AMAZON", region: "us-east-1" },
].map((r) => ({ ...r, networkBorderGroup: r.region }));
const KNOWN = [
  { cidr: "34.107.172.0/24", name: "Datadog", category: "saas" },
  { cidr: "185.40.128.0/29", name: "Acme Bank SFTP", category: "partner" },
  { cidr: "172.16.0.0/16", name: "Paris office VPN", category: "office" },
];
const ELASTIC_IP = "15.188.77.9";

const snapshot: InventorySnapshot = {
  version: 1,
  accounts: [{ id: "111111111111", name: "prod", environment: "prod", team: "platform" }],
  vpcs: [{ id: "vpc-1", accountId: "111111111111", region: "eu-west-3", name: "prod-core", cidrBlocks: ["10.10.0.0/16"], ipv6CidrBlocks: [], isDefault: false, state: "available", tags: {}, firstSeen: new Date(0), lastSeen: new Date(0), deletedAt: null }],
  subnets: [],
  interfaces: [
    {
      id: "eni-1",
      accountId: "111111111111",
      region: "eu-west-3",
      vpcId: "vpc-1",
      subnetId: null,
      availabilityZone: "eu-west-3a",
      interfaceType: "interface",
      description: "",
      requesterManaged: false,
      requesterId: null,
      status: "in-use",
      macAddress: null,
      privateDnsName: null,
      privateIp: "10.10.1.5",
      publicIp: ELASTIC_IP,
      instanceId: null,
      instanceOwnerId: null,
      attachmentId: null,
      attachmentStatus: null,
      securityGroups: [],
      tags: { service: "web" },
      firstSeen: 0,
      lastSeen: 0,
      endedAt: null,
      addresses: [
        { address: "10.10.1.5", kind: "private_ipv4", primary: true, firstSeen: 0, lastSeen: 0, endedAt: null },
        { address: ELASTIC_IP, kind: "public_ipv4", primary: false, firstSeen: 0, lastSeen: 0, endedAt: null },
      ],
    },
  ],
  services: [],
  knownNetworks: KNOWN,
  awsRanges: RANGES,
  rules: [],
} as unknown as InventorySnapshot;

describe("sets of numbers and /24 blocks as regular expressions", () => {
  it("matches exactly the numbers of the set", () => {
    const set = [0, 1, 2, 3, 9, 10, 11, 99, 100, 101, 102, 199, 250, 251, 252, 253, 254, 255];
    const re = new RegExp(`^${numberSetPattern(set)}$`);
    for (let n = 0; n <= 255; n++) expect(re.test(String(n)), String(n)).toBe(set.includes(n));
  });

  it("matches exactly the addresses of the blocks", () => {
    const blocks = ["3.5.1", "3.5.17", "3.5.18", "3.6.0", "54.239.0", "185.40.128"];
    const re = new RegExp(`^${blockSetPattern(blocks)}\\.\\d+$`);
    for (const block of blocks) expect(re.test(`${block}.7`), block).toBe(true);
    for (const other of ["3.5.2.7", "3.5.171.7", "3.5.1", "3.6.1.7", "54.239.1.7", "185.40.12.7", "13.5.1.7"]) expect(re.test(other), other).toBe(false);
  });
});

describe("the address plan keeps what classification needs", () => {
  const coarse = buildAddressPlan({ vpcCidrs: ["10.10.0.0/16"], namedPrefixes: [...RANGES.map((r) => r.prefix), ...KNOWN.map((k) => k.cidr)], publicAddresses: [ELASTIC_IP] });
  const plan = coarse.withExactBlocks(coarse.mixedBlocks);
  const keyer = (p: AddressPlan) => {
    const { re, names } = compileRe2WithNames(`^${p.fieldPattern("a")}$`);
    return (address: string): AddressKey => {
      const m = re.exec(address);
      if (!m) throw new Error(`no match for ${address}`);
      const labels: Record<string, string> = {};
      names.forEach((name, i) => {
        if (name && m[i]) labels[name] = m[i] as string;
      });
      return addressKeyOf(labels, "a");
    };
  };
  const coarseKeyOf = keyer(coarse);
  const keyOf = keyer(plan);

  it.each<[string, AddressKey["kind"]]>([
    ["10.10.1.5", "exact"],
    ["172.16.4.4", "exact"],
    ["100.64.3.1", "exact"],
    ["2a05:d012:abc::10", "exact"],
    ["3.5.225.17", "block24"],
    ["52.95.154.200", "block24"],
    ["54.239.0.100", "exact"], // a /28 of ip-ranges inside this /24
    ["185.40.128.3", "exact"], // a /29 known network
    ["15.188.77.200", "exact"], // the /24 of an Elastic IP of the inventory
    ["90.12.34.56", "block8"],
    ["-", "absent"],
  ])("%s is kept as %s", (address, kind) => {
    expect(keyOf(address).kind).toBe(kind);
  });

  it("reads no mixed /24 address by address until asked, and says which keys need it", () => {
    expect([...coarse.mixedBlocks].sort()).toEqual(["15.188.77", "185.40.128", "54.239.0"]);
    expect(coarse.exactBlocks.size).toBe(0);
    const keys = ["54.239.0.100", "185.40.128.3", "3.5.225.17", "90.12.34.56", "10.10.1.5"].map(coarseKeyOf);
    expect(keys.map((k) => k.kind)).toEqual(["block24", "block24", "block24", "block8", "exact"]);
    expect(coarse.unresolvedBlocks(keys)).toEqual(["185.40.128", "54.239.0"]);
    const refined = coarse.withExactBlocks(["54.239.0", "3.5.225"]);
    expect([...refined.exactBlocks]).toEqual(["54.239.0"]); // 3.5.225 is not mixed: its /24 key names it
    expect(keyer(refined)("54.239.0.100")).toEqual({ kind: "exact", address: "54.239.0.100" });
    expect(refined.unresolvedBlocks(["54.239.0.100", "185.40.128.3"].map(keyer(refined)))).toEqual(["185.40.128"]);
    expect(refined.withExactBlocks(["54.239.0"])).toBe(refined);
  });

  it("resolves every key to what the exact address resolves to (20,000 addresses)", () => {
    const lookup = new EnrichmentLookup(snapshot);
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const interesting = [0x03050000, 0x34000000, 0x0f000000, 0x36ef0000, 0xb9288000, 0x22000000, 0x12000000, 0x0d200000];
    for (let i = 0; i < 20_000; i++) {
      const base = i % 2 === 0 ? (interesting[i % interesting.length] as number) + (random() % 0x1000000) : random();
      const v = base >>> 0;
      const address = `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
      const key = keyOf(address);
      const exact = lookup.resolve(address, 0, -1, null, undefined);
      const viaKey = lookup.resolve(representativeAddress(key) as string, 0, -1, null, undefined);
      expect(viaKey, `${address} as ${JSON.stringify(key)}`).toEqual(exact);
      // The coarse plan's key names the address too, unless the plan says it must be read exactly.
      const coarseKey = coarseKeyOf(address);
      if (coarse.unresolvedBlocks([coarseKey]).length === 0) expect(lookup.resolve(representativeAddress(coarseKey) as string, 0, -1, null, undefined), address).toEqual(exact);
      else expect(coarseKey).toEqual({ kind: "block24", block: address.split(".").slice(0, 3).join(".") });
    }
  });
});
