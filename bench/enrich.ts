/**
 * Benchmark: parse + enrich flow records on one core.
 *
 *   npx tsx bench/enrich.ts [--records 5000000] [--interfaces 6000] [--prefixes 10000]
 *
 * The inventory is synthesised to a realistic size (three accounts, six VPCs with overlapping
 * RFC 1918 ranges, thousands of interfaces of every kind with churning Lambda addresses, an
 * ip-ranges.json-sized prefix set plus known networks); the flow lines are default-format records
 * over that inventory (in-VPC, cross-VPC, to AWS services, to and from the internet, NODATA).
 * The timed loop runs parseFlowRecord + enrichFlow over the lines; results go to bench/README.md.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { enrichFlow } from "../server/enrichment/enrich";
import { formatAddress } from "../server/enrichment/ip";
import { EnrichmentLookup, type InventorySnapshot } from "../server/enrichment/lookup";
import { T0, address, emptySnapshot, networkInterface } from "../server/enrichment/snapshot-builder";
import { DEFAULT_FLOW_FORMAT } from "../server/flows/format";
import { parseFlowRecord } from "../server/flows/record";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "5000000" },
    interfaces: { type: "string", default: "6000" },
    prefixes: { type: "string", default: "10000" },
  },
});

/** mulberry32: reproducible runs. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join("");
const v4 = (a: number, b: number, c: number, d: number) => `${a}.${b}.${c}.${d}`;

function synthesiseInventory(interfaceCount: number, prefixCount: number): InventorySnapshot {
  const snapshot = emptySnapshot();
  const accounts = [
    { id: "210987654321", name: "prod", environment: "production", team: "platform" },
    { id: "310987654321", name: "staging", environment: "staging", team: "platform" },
    { id: "410987654321", name: "shared", environment: "shared", team: "network" },
  ];
  snapshot.accounts = accounts;
  const vpcs = [
    { id: "vpc-0prodmain", account: 0, second: 0 },
    { id: "vpc-0proddata", account: 0, second: 1 },
    { id: "vpc-0stgmain", account: 1, second: 0 },
    { id: "vpc-0stgdata", account: 1, second: 1 },
    { id: "vpc-0shared", account: 2, second: 2 },
    { id: "vpc-0sharedegress", account: 2, second: 3 },
  ];
  for (const vpc of vpcs) {
    snapshot.vpcs.push({
      id: vpc.id,
      accountId: accounts[vpc.account]!.id,
      region: "eu-west-3",
      name: vpc.id.slice(5),
      cidrBlocks: [`10.${vpc.second}.0.0/16`],
      ipv6CidrBlocks: [],
      isDefault: false,
      state: "available",
      tags: {},
    });
    for (const [zone, letter] of ["a", "b", "c"].entries()) {
      snapshot.subnets.push({
        id: `subnet-${vpc.id.slice(5)}-${letter}`,
        vpcId: vpc.id,
        accountId: accounts[vpc.account]!.id,
        region: "eu-west-3",
        availabilityZone: `eu-west-3${letter}`,
        availabilityZoneId: `euw3-az${zone + 1}`,
        cidrBlock: `10.${vpc.second}.${zone * 64}.0/18`,
        ipv6CidrBlocks: [],
        name: `${vpc.id.slice(5)}-private-${letter}`,
        tags: {},
      });
    }
  }
  const kinds = [
    (n: number) => ({ tags: { service: `svc-${n % 80}`, team: `team-${n % 12}` } }),
    (n: number) => ({ description: `ELB app/web-${n % 20}/${hex(16)}`, requesterManaged: true }),
    (n: number) => ({ interfaceType: "lambda", description: `AWS Lambda VPC ENI-fn-${n % 50}-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}` }),
    (n: number) => ({ tags: { "cluster.k8s.amazonaws.com/name": `eks-${n % 3}` }, description: `aws-K8S-i-${hex(17)}` }),
    () => ({ description: "RDSNetworkInterface", requesterManaged: true, securityGroups: [{ id: `sg-${hex(8)}`, name: "orders-db" }] }),
    () => ({ interfaceType: "vpc_endpoint", description: `VPC Endpoint Interface vpce-${hex(17)}` }),
    () => ({ interfaceType: "nat_gateway", description: `Interface for NAT Gateway nat-${hex(17)}` }),
  ];
  const used = new Set<string>();
  for (let i = 0; i < interfaceCount; i++) {
    const vpc = vpcs[i % vpcs.length]!;
    const zone = i % 3;
    let ip: string;
    do ip = v4(10, vpc.second, zone * 64 + Math.floor(next() * 64), 1 + Math.floor(next() * 254));
    while (used.has(`${vpc.id}/${ip}`));
    used.add(`${vpc.id}/${ip}`);
    const kind = kinds[i % kinds.length]!(i);
    const lambda = "interfaceType" in kind && kind.interfaceType === "lambda";
    // Lambda addresses churn: a third of them had an earlier holder.
    const addresses = [address(ip, lambda && i % 3 === 0 ? { firstSeen: T0 + 3_600_000 } : {})];
    if (i % 10 === 0) addresses.push(address(v4(13, 36 + (i % 3), Math.floor(i / 250) % 256, i % 250), { kind: "public_ipv4" }));
    if (i % 7 === 3) addresses.push(address(v4(10, vpc.second, zone * 64 + 63, (i % 254) + 1)));
    snapshot.interfaces.push(
      networkInterface(
        {
          id: `eni-${hex(17)}`,
          vpcId: vpc.id,
          accountId: accounts[vpc.account]!.id,
          subnetId: `subnet-${vpc.id.slice(5)}-${"abc"[zone]}`,
          availabilityZone: `eu-west-3${"abc"[zone]}`,
          ...kind,
        },
        addresses,
      ),
    );
    if (lambda && i % 3 === 0) {
      snapshot.interfaces.push(
        networkInterface(
          { id: `eni-${hex(17)}`, vpcId: vpc.id, accountId: accounts[vpc.account]!.id, interfaceType: "lambda", description: `AWS Lambda VPC ENI-old-fn-${i}`, endedAt: T0 + 1_800_000 },
          [address(ip, { endedAt: T0 + 1_800_000 })],
        ),
      );
    }
  }
  // ip-ranges.json-like: 75% IPv4, 25% IPv6; most prefixes listed as AMAZON and a narrower service.
  const services = ["EC2", "S3", "DYNAMODB", "CLOUDFRONT", "ROUTE53_HEALTHCHECKS", "API_GATEWAY", "GLOBALACCELERATOR"];
  const regions = ["eu-west-3", "eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2", "eu-central-1"];
  const firstOctets = [3, 13, 15, 16, 18, 34, 35, 43, 44, 52, 54, 99];
  for (let i = 0; i < prefixCount; i++) {
    const region = pick(regions);
    if (i % 4 === 3) {
      const value = (0x2600n << 112n) | (BigInt(0x1f00 + (i % 256)) << 96n) | (BigInt(i) << 80n);
      snapshot.awsRanges.push({ prefix: `${formatAddress(value, 6)}/${pick([40, 44, 48, 56, 64])}`, service: pick(services), region, networkBorderGroup: region });
      continue;
    }
    const length = pick([12, 14, 15, 16, 18, 20, 21, 22, 23, 24, 24, 24, 25, 26, 27, 28]);
    const value = (pick(firstOctets) * 2 ** 24 + Math.floor(next() * 2 ** 24)) >>> 0;
    const base = Math.floor(value / 2 ** (32 - length)) * 2 ** (32 - length);
    const prefix = `${formatAddress(BigInt(base), 4)}/${length}`;
    snapshot.awsRanges.push({ prefix, service: "AMAZON", region, networkBorderGroup: region });
    if (i % 2 === 0) snapshot.awsRanges.push({ prefix, service: pick(services), region, networkBorderGroup: region });
  }
  snapshot.knownNetworks = [
    { cidr: "192.168.0.0/16", name: "office VPN", category: "office" },
    { cidr: "3.233.144.0/20", name: "Datadog", category: "saas" },
    { cidr: "185.199.108.0/22", name: "GitHub", category: "saas" },
  ];
  return snapshot;
}

function synthesiseLines(snapshot: InventorySnapshot, count: number): string[] {
  const lines: string[] = [];
  const interfaces = snapshot.interfaces.filter((i) => i.endedAt === null);
  const awsV4 = snapshot.awsRanges.filter((r) => !r.prefix.includes(":"));
  const start = Math.floor(T0 / 1000) + 7200;
  for (let i = 0; i < count; i++) {
    const own = pick(interfaces);
    const ownIp = own.addresses[0]!.address;
    const peer = pick(interfaces);
    const peerIp = peer.vpcId === own.vpcId || next() < 0.5 ? peer.addresses[0]!.address : v4(10, 9, 1, 1);
    const roll = next();
    let src = ownIp;
    let dst: string;
    if (roll < 0.4) dst = peerIp;
    else if (roll < 0.7) {
      const range = pick(awsV4).prefix.split("/")[0]!.split(".").map(Number);
      dst = v4(range[0]!, range[1]!, range[2]!, (range[3]! + 1 + Math.floor(next() * 20)) % 256);
    } else dst = v4(80 + Math.floor(next() * 100), Math.floor(next() * 256), Math.floor(next() * 256), 1 + Math.floor(next() * 254));
    if (next() < 0.5) [src, dst] = [dst, src];
    const t = start + Math.floor(next() * 3600);
    lines.push(
      next() < 0.01
        ? `2 ${own.accountId} ${own.id} - - - - - - - ${t} ${t + 600} - NODATA`
        : `2 ${own.accountId} ${own.id} ${src} ${dst} ${1024 + Math.floor(next() * 60000)} ${pick([443, 80, 5432, 6379, 53, 8080])} ${pick([6, 6, 6, 17])} ${1 + Math.floor(next() * 500)} ${40 + Math.floor(next() * 900000)} ${t} ${t + 60} ${next() < 0.9 ? "ACCEPT" : "REJECT"} OK`,
    );
  }
  return lines;
}

const records = Number(args.records);
const snapshot = synthesiseInventory(Number(args.interfaces), Number(args.prefixes));
const lookup = new EnrichmentLookup(snapshot);
// As read from a file or stdin: one text, split into lines (V8 slices of the text).
const lines = synthesiseLines(snapshot, 200_000).join("\n").split("\n");
const bytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
console.log(
  `inventory: ${lookup.stats.interfaces} interfaces (${lookup.stats.mappedInterfaces} mapped), ${lookup.stats.addresses} addresses, ` +
    `${lookup.stats.prefixes} distinct prefixes from ${snapshot.awsRanges.length} ip-ranges entries + ${snapshot.knownNetworks.length} known networks; built in ${lookup.stats.buildMs.toFixed(0)} ms`,
);
console.log(`lines: ${lines.length} distinct default-format records, ${(bytes / lines.length).toFixed(0)} bytes on average`);

/** One round: wall-clock time, and the CPU time this thread got (the machine is shared: waiting for a core is not our cost). */
function run(count: number): { seconds: number; cpuSeconds: number; checksum: number } {
  let checksum = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const record = parseFlowRecord(lines[i % lines.length] as string, DEFAULT_FLOW_FORMAT);
    if (record === null) continue;
    const flow = enrichFlow(record, lookup);
    // Keeps the work observable without timing the consumer's reading of the result.
    if (flow.interface !== null && (flow.src === flow.interface || flow.dst === flow.interface)) checksum++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, checksum };
}

run(500_000); // warm-up: let the JIT optimise the hot path
const wall: number[] = [];
const perCpu: number[] = [];
let checksum = 0;
for (let round = 0; round < 5; round++) {
  const result = run(records);
  checksum = result.checksum;
  wall.push(records / result.seconds);
  perCpu.push(records / result.cpuSeconds);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const millions = (values: number[]) => values.map((r) => `${(r / 1e6).toFixed(2)}M`).join(", ");
console.log(`parse + enrich, wall clock: ${millions(wall)} records/s over ${records.toLocaleString("en")} records per round (median ${(median(wall) / 1e6).toFixed(2)}M)`);
console.log(`parse + enrich, per CPU second of this thread: ${millions(perCpu)} (median ${(median(perCpu) / 1e6).toFixed(2)}M)`);
console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(`records with an end on the logging interface, per round: ${checksum.toLocaleString("en")}`);
console.log(`machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, Node ${process.version}, one thread`);
console.log(median(perCpu) >= 1_000_000 ? "target met: at least 1,000,000 records per second of one core" : "target MISSED: below 1,000,000 records per second of one core");
