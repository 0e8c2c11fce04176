/**
 * Savings opportunities found in a period's priced lines. Pure code.
 *
 * - S3 or DynamoDB reached through a NAT gateway in the same region: a gateway endpoint is free, so
 *   the NAT processing and the cross-AZ hop to the NAT go away.
 * - Other AWS APIs (ECR, STS, SQS … all share AWS's AMAZON address ranges, so flow logs cannot tell
 *   them apart) reached through a NAT gateway: an interface endpoint processes the same bytes for
 *   less, but costs an hourly fee per AZ; the estimate subtracts both.
 * - Traffic crossing AZs to reach a NAT gateway (a subnet routed to another AZ's NAT): a NAT
 *   gateway in the client's AZ removes the cross-AZ charge, for its hourly fee. Traffic the two
 *   endpoint opportunities above already remove is not counted again here.
 *
 * Each opportunity names the VPCs and, in each, the services concerned, with bytes and dollars.
 */
import { awsServiceName } from "./classify";
import { BYTES_PER_GB, type PriceBook } from "./prices";
import type { CostLine, ReportPeriod } from "./report";

export type SavingKind = "gateway_endpoint" | "interface_endpoint" | "nat_same_az";

export interface SavingService {
  service: string;
  team: string;
  bytes: number;
  dollars: number;
}

export interface SavingVpc {
  vpcId: string;
  vpcName: string | null;
  region: string;
  /** For cross-AZ: the clients' AZ and the NAT gateway they use. */
  detail: string | null;
  bytes: number;
  /** What the traffic costs today on the paths the change removes. */
  dollars: number;
  /** What the change costs (endpoint processing and hours, a new NAT gateway's hours). */
  newCost: number;
  estimatedSavings: number;
  services: SavingService[];
}

export interface SavingOpportunity {
  kind: SavingKind;
  /** What the traffic goes to: S3, DynamoDB, AWS APIs, or the NAT gateways. */
  target: string;
  title: string;
  action: string;
  bytes: number;
  dollars: number;
  estimatedSavings: number;
  vpcs: SavingVpc[];
}

const GATEWAY_TARGETS = new Set([awsServiceName("S3"), awsServiceName("DYNAMODB")]);
const NOT_ENDPOINT_TARGETS = new Set([awsServiceName("EC2"), awsServiceName("CLOUDFRONT"), awsServiceName("ROUTE53"), ...GATEWAY_TARGETS]);
const isNatHop = (l: CostLine) => (l.path === "nat_processing" || l.path === "cross_az") && l.viaKind === "nat_gateway";

interface Group {
  vpcId: string;
  vpcName: string | null;
  region: string;
  detail: string | null;
  bytes: number;
  dollars: number;
  azs: Set<string>;
  services: Map<string, SavingService>;
}

function group(lines: readonly CostLine[], keyOf: (l: CostLine) => string | null, detailOf: (l: CostLine) => string | null = () => null): Group[] {
  const groups = new Map<string, Group>();
  for (const line of lines) {
    const key = keyOf(line);
    if (key === null) continue;
    const g = groups.get(key) ?? { vpcId: line.vpcId, vpcName: line.vpcName, region: line.region, detail: detailOf(line), bytes: 0, dollars: 0, azs: new Set<string>(), services: new Map<string, SavingService>() };
    // Bytes once (the NAT processing hop); dollars of every hop the change removes.
    const bytes = line.path === "cross_az" ? 0 : line.bytes;
    g.bytes += bytes;
    g.dollars += line.dollars;
    if (line.availabilityZone) g.azs.add(line.availabilityZone);
    const s = g.services.get(line.service) ?? { service: line.service, team: line.team, bytes: 0, dollars: 0 };
    s.bytes += bytes;
    s.dollars += line.dollars;
    g.services.set(line.service, s);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function opportunity(kind: SavingKind, target: string, title: string, action: string, vpcs: SavingVpc[]): SavingOpportunity | null {
  const kept = vpcs.filter((v) => v.bytes > 0).sort((a, b) => b.estimatedSavings - a.estimatedSavings);
  if (kept.length === 0) return null;
  return {
    kind,
    target,
    title,
    action,
    bytes: kept.reduce((a, v) => a + v.bytes, 0),
    dollars: kept.reduce((a, v) => a + v.dollars, 0),
    estimatedSavings: kept.reduce((a, v) => a + Math.max(0, v.estimatedSavings), 0),
    vpcs: kept,
  };
}

const servicesOf = (g: Group) => [...g.services.values()].sort((a, b) => b.dollars - a.dollars || b.bytes - a.bytes);

/** The opportunities of a period, largest estimated savings first. */
export function findSavings(book: PriceBook, lines: readonly CostLine[], period: ReportPeriod): SavingOpportunity[] {
  const hours = (period.to - period.from) / 3_600_000;
  const natHops = lines.filter(isNatHop);
  const sameRegionAws = (l: CostLine) => l.peerClass === "aws" && l.peerRegion === l.region;
  const found: SavingOpportunity[] = [];

  for (const target of GATEWAY_TARGETS) {
    const groups = group(natHops, (l) => (sameRegionAws(l) && l.peerName === target ? l.vpcId : null));
    const vpcs = groups.map((g) => ({ vpcId: g.vpcId, vpcName: g.vpcName, region: g.region, detail: null, bytes: g.bytes, dollars: g.dollars, newCost: 0, estimatedSavings: g.dollars, services: servicesOf(g) }));
    const o = opportunity(
      "gateway_endpoint",
      target,
      `${target} through NAT gateways → a ${target} gateway endpoint`,
      `Add a ${target} gateway endpoint to each VPC below and route its private subnets to it: gateway endpoints are free, so the NAT processing and any cross-AZ hop to the NAT go away.`,
      vpcs,
    );
    if (o) found.push(o);
  }

  const apis = awsServiceName("AMAZON");
  {
    const groups = group(natHops, (l) => (sameRegionAws(l) && !NOT_ENDPOINT_TARGETS.has(l.peerName) ? `${l.vpcId}\u0001${l.peerName}` : null));
    const vpcs = groups.map((g) => {
      const azs = Math.max(1, g.azs.size);
      const endpointHours = azs * hours * book.rate("interface_endpoint_hour", g.region);
      const processing = (g.bytes / BYTES_PER_GB) * book.rate("interface_endpoint_gb", g.region);
      const newCost = endpointHours + processing;
      return {
        vpcId: g.vpcId,
        vpcName: g.vpcName,
        region: g.region,
        detail: `one interface endpoint in ${azs} AZ${azs === 1 ? "" : "s"}: $${endpointHours.toFixed(2)} of endpoint hours and $${processing.toFixed(2)} of processing per endpoint service (ECR needs two: ecr.api and ecr.dkr, and its layers come from S3)`,
        bytes: g.bytes,
        dollars: g.dollars,
        newCost,
        estimatedSavings: g.dollars - newCost,
        services: servicesOf(g),
      };
    });
    const o = opportunity(
      "interface_endpoint",
      apis,
      `ECR and other AWS APIs through NAT gateways → interface endpoints`,
      "Add interface endpoints (ecr.api, ecr.dkr, sts, sqs … whichever these services call) to each VPC below: they process the bytes for about a fifth of the NAT gateway's rate, for an hourly fee per AZ. Flow logs cannot tell which AWS API an address serves (they share AWS's AMAZON ranges): check the services' SDK calls to pick the endpoints.",
      vpcs,
    );
    if (o) found.push(o);
  }

  {
    const crossAz = natHops.filter((l) => l.path === "cross_az" && !(sameRegionAws(l) && (GATEWAY_TARGETS.has(l.peerName) || !NOT_ENDPOINT_TARGETS.has(l.peerName))));
    const groups = group(
      crossAz,
      (l) => `${l.vpcId}\u0001${l.availabilityZone ?? "?"}\u0001${l.via}`,
      (l) => `clients in ${l.availabilityZone ?? "an unknown AZ"} use ${l.via}`,
    );
    const vpcs = groups.map((g) => {
      const newCost = hours * book.rate("nat_gateway_hour", g.region);
      // These lines are cross-AZ hops only: their bytes are the crossing bytes.
      const bytes = crossAz.filter((l) => l.vpcId === g.vpcId && `clients in ${l.availabilityZone ?? "an unknown AZ"} use ${l.via}` === g.detail).reduce((a, l) => a + l.bytes, 0);
      const services = servicesOf(g).map((s) => ({ ...s, bytes: crossAz.filter((l) => l.vpcId === g.vpcId && l.service === s.service && `clients in ${l.availabilityZone ?? "an unknown AZ"} use ${l.via}` === g.detail).reduce((a, l) => a + l.bytes, 0) }));
      return { vpcId: g.vpcId, vpcName: g.vpcName, region: g.region, detail: g.detail, bytes, dollars: g.dollars, newCost, estimatedSavings: g.dollars - newCost, services };
    });
    const o = opportunity(
      "nat_same_az",
      "NAT gateways in another AZ",
      "Cross-AZ traffic to a NAT gateway in another AZ → a NAT gateway per AZ",
      "Give each AZ below its own NAT gateway and route its private subnets to it: the cross-AZ charge ($0.01/GB each way) goes away, for the new gateway's hourly fee (the estimate subtracts it).",
      vpcs,
    );
    if (o) found.push(o);
  }
  return found.sort((a, b) => b.estimatedSavings - a.estimatedSavings);
}
