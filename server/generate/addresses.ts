/**
 * IPv4 arithmetic for the generator, and the public address space of its world: a realistic
 * subset of AWS's ip-ranges.json (S3, DynamoDB, EC2 and AMAZON prefixes for the regions used),
 * the known networks (SaaS vendors, the office VPN) and the "rest of the internet" pools that
 * users and scanners come from. Every public address the generator writes comes from here, so
 * flows, ip-ranges.json and the known-networks CSV always agree.
 */
import type { Random } from "./random";

export function ipToInt(ip: string): number {
  const parts = ip.split(".");
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!Number.isInteger(octet) || octet < 0 || octet > 255) throw new Error(`not an IPv4 address: ${ip}`);
    value = value * 256 + octet;
  }
  return value;
}

export function intToIp(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export interface Cidr {
  text: string;
  base: number;
  size: number;
}

export function parseCidr(text: string): Cidr {
  const [ip, bitsText] = text.split("/");
  const bits = Number(bitsText);
  if (ip === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`not an IPv4 CIDR: ${text}`);
  const size = 2 ** (32 - bits);
  const base = ipToInt(ip) - (ipToInt(ip) % size);
  return { text, base, size };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}

/** A random address inside the CIDR, avoiding the network and broadcast addresses. */
export function addressIn(cidr: Cidr, random: Random): string {
  if (cidr.size <= 2) return intToIp(cidr.base);
  return intToIp(cidr.base + 1 + Math.floor(random.next() * (cidr.size - 2)));
}

export type AwsRegion = "eu-west-3" | "eu-west-1" | "us-east-1";

/** The services the generator's flows reach; `AMAZON` covers API endpoints such as ECR, STS, SQS. */
export type AwsService = "S3" | "DYNAMODB" | "EC2" | "AMAZON" | "CLOUDFRONT";

interface AwsPrefix {
  prefix: string;
  region: AwsRegion | "GLOBAL";
  service: AwsService;
  network_border_group: string;
}

/**
 * A subset of AWS's ip-ranges.json. As in the real file, every S3/DynamoDB/EC2/CloudFront prefix is
 * listed under its service and again under AMAZON; the AMAZON-only prefixes hold the regional API
 * endpoints (ECR, STS, SQS, KMS…). Addresses of a service are drawn from its own prefixes.
 */
const AWS_PREFIXES: readonly Omit<AwsPrefix, "network_border_group">[] = [
  // eu-west-3 (Paris)
  { prefix: "3.5.224.0/22", region: "eu-west-3", service: "S3" },
  { prefix: "52.95.154.0/23", region: "eu-west-3", service: "S3" },
  { prefix: "52.94.14.0/24", region: "eu-west-3", service: "DYNAMODB" },
  { prefix: "35.71.104.0/22", region: "eu-west-3", service: "DYNAMODB" },
  { prefix: "15.188.0.0/16", region: "eu-west-3", service: "EC2" },
  { prefix: "13.36.0.0/14", region: "eu-west-3", service: "EC2" },
  { prefix: "35.180.0.0/16", region: "eu-west-3", service: "EC2" },
  { prefix: "52.95.156.0/24", region: "eu-west-3", service: "AMAZON" },
  { prefix: "99.77.136.0/24", region: "eu-west-3", service: "AMAZON" },
  // eu-west-1 (Ireland)
  { prefix: "52.218.0.0/17", region: "eu-west-1", service: "S3" },
  { prefix: "3.5.64.0/21", region: "eu-west-1", service: "S3" },
  { prefix: "52.94.24.0/23", region: "eu-west-1", service: "DYNAMODB" },
  { prefix: "52.119.240.0/21", region: "eu-west-1", service: "DYNAMODB" },
  { prefix: "34.240.0.0/13", region: "eu-west-1", service: "EC2" },
  { prefix: "54.216.0.0/15", region: "eu-west-1", service: "EC2" },
  { prefix: "52.95.120.0/22", region: "eu-west-1", service: "AMAZON" },
  { prefix: "99.77.160.0/24", region: "eu-west-1", service: "AMAZON" },
  // us-east-1 (N. Virginia)
  { prefix: "52.216.0.0/15", region: "us-east-1", service: "S3" },
  { prefix: "3.5.0.0/19", region: "us-east-1", service: "S3" },
  { prefix: "52.94.0.0/22", region: "us-east-1", service: "DYNAMODB" },
  { prefix: "52.119.224.0/20", region: "us-east-1", service: "DYNAMODB" },
  { prefix: "3.80.0.0/12", region: "us-east-1", service: "EC2" },
  { prefix: "54.144.0.0/14", region: "us-east-1", service: "EC2" },
  { prefix: "52.46.64.0/20", region: "us-east-1", service: "AMAZON" },
  { prefix: "99.77.128.0/24", region: "us-east-1", service: "AMAZON" },
  // global
  { prefix: "13.32.0.0/15", region: "GLOBAL", service: "CLOUDFRONT" },
  { prefix: "52.84.0.0/15", region: "GLOBAL", service: "CLOUDFRONT" },
];

const AWS_IPV6_PREFIXES: readonly { ipv6_prefix: string; region: AwsRegion; service: AwsService }[] = [
  { ipv6_prefix: "2a05:d012::/36", region: "eu-west-3", service: "EC2" },
  { ipv6_prefix: "2a05:d07a:a000::/40", region: "eu-west-3", service: "S3" },
  { ipv6_prefix: "2a05:d018::/36", region: "eu-west-1", service: "EC2" },
  { ipv6_prefix: "2a05:d050:4000::/40", region: "eu-west-1", service: "S3" },
  { ipv6_prefix: "2600:1f18::/33", region: "us-east-1", service: "EC2" },
  { ipv6_prefix: "2600:1fa0:8000::/39", region: "us-east-1", service: "S3" },
];

const awsCidrs = AWS_PREFIXES.map((p) => ({ ...p, cidr: parseCidr(p.prefix) }));

/** The prefixes a service has in a region (the AMAZON-only ones for `AMAZON`). */
export function awsServiceCidrs(service: AwsService, region: AwsRegion | "GLOBAL"): Cidr[] {
  const found = awsCidrs.filter((p) => p.service === service && p.region === region).map((p) => p.cidr);
  if (found.length === 0) throw new Error(`no ${service} prefixes for ${region} in the generator's ip-ranges`);
  return found;
}

/** The most specific AWS service owning an address, as flow logs' pkt-*-aws-service report it. */
export function awsServiceOf(ip: number): AwsService | undefined {
  for (const p of awsCidrs) if (cidrContains(p.cidr, ip)) return p.service;
  return undefined;
}

/** ip-ranges.json as AWS publishes it (same keys and layout), for the generator's subset. */
export function ipRangesDocument(createDate: Date): string {
  const stamp = createDate.toISOString().replace(/T/, "-").replace(/:/g, "-").slice(0, 19);
  const prefixes: AwsPrefix[] = [];
  for (const p of AWS_PREFIXES) {
    const border = p.region === "GLOBAL" ? "GLOBAL" : p.region;
    prefixes.push({ prefix: p.prefix, region: p.region, service: "AMAZON", network_border_group: border });
    if (p.service !== "AMAZON") prefixes.push({ prefix: p.prefix, region: p.region, service: p.service, network_border_group: border });
  }
  const ipv6: { ipv6_prefix: string; region: string; service: string; network_border_group: string }[] = [];
  for (const p of AWS_IPV6_PREFIXES) {
    ipv6.push({ ipv6_prefix: p.ipv6_prefix, region: p.region, service: "AMAZON", network_border_group: p.region });
    ipv6.push({ ipv6_prefix: p.ipv6_prefix, region: p.region, service: p.service, network_border_group: p.region });
  }
  const document = {
    syncToken: String(Math.floor(createDate.getTime() / 1000)),
    createDate: stamp,
    prefixes: prefixes.map((p) => ({
      ip_prefix: p.prefix,
      region: p.region,
      service: p.service,
      network_border_group: p.network_border_group,
    })),
    ipv6_prefixes: ipv6,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export type KnownNetworkCategory = "saas" | "office" | "partner";

export interface KnownNetwork {
  cidr: string;
  name: string;
  category: KnownNetworkCategory;
}

/** Destinations with a name: SaaS vendors, the office VPN. Written to known-networks.csv. */
export const KNOWN_NETWORKS: readonly KnownNetwork[] = [
  { cidr: "34.107.172.0/24", name: "Datadog", category: "saas" },
  { cidr: "54.187.216.0/24", name: "Stripe", category: "saas" },
  { cidr: "140.82.112.0/20", name: "GitHub", category: "saas" },
  { cidr: "167.89.0.0/17", name: "SendGrid", category: "saas" },
  { cidr: "104.18.32.0/24", name: "Sentry", category: "saas" },
  { cidr: "172.16.0.0/16", name: "Paris office VPN", category: "office" },
  { cidr: "185.40.128.0/24", name: "Acme Bank SFTP", category: "partner" },
];

export function knownNetworksCsv(): string {
  return `cidr,name,category\n${KNOWN_NETWORKS.map((n) => `${n.cidr},${n.name},${n.category}`).join("\n")}\n`;
}

export function knownNetworkCidr(name: string): Cidr {
  const network = KNOWN_NETWORKS.find((n) => n.name === name);
  if (!network) throw new Error(`unknown known network ${name}`);
  return parseCidr(network.cidr);
}

/** Residential/business ISP blocks that visitors of the public sites come from. */
const VISITOR_POOLS = [
  "2.0.0.0/12", "31.32.0.0/12", "37.160.0.0/12", "46.192.0.0/11", "78.192.0.0/11", "82.64.0.0/12",
  "86.192.0.0/11", "90.0.0.0/10", "109.0.0.0/12", "176.128.0.0/10", "188.160.0.0/11", "193.248.0.0/16",
  "24.0.0.0/12", "68.32.0.0/11", "73.0.0.0/12", "98.192.0.0/11",
].map(parseCidr);

/** Hosts that scan the internet (well-known scanner and abuse networks). */
export const SCANNER_SOURCES: readonly string[] = [
  "45.155.205.17", "45.155.205.233", "185.220.101.34", "185.220.101.47", "89.248.165.72", "89.248.163.201",
  "162.142.125.196", "167.94.138.44", "71.6.199.23", "193.163.125.88", "94.102.61.10", "198.235.24.130",
  "205.210.31.61", "80.82.77.139", "141.98.11.27", "92.63.197.153",
];

/** A visitor address from the ISP pools. */
export function visitorAddress(random: Random): string {
  return addressIn(random.pick(VISITOR_POOLS), random);
}

/** Where the egress-spike incident sends its data: an address no name covers (plain internet). */
export const EXFIL_DESTINATION = "5.188.10.77";
