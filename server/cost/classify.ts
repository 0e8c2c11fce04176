/**
 * Which charges a flow record causes: each observation (one or many identical flow records, already
 * resolved to endpoints by the enrichment) becomes the billed hops it is responsible for. Pure code.
 *
 * A byte is counted once per billed hop. The same bytes are usually logged several times (both ENIs
 * of an intra-VPC conversation; a NAT gateway's interface on both of its sides, on top of the
 * client's own interface; an interface endpoint's interface and its client), so every record takes
 * responsibility only for the hops nobody else logs better:
 *
 * 1. REJECT records move no billable data: path `rejected` (counted, free).
 * 2. A record on a **NAT gateway** interface whose other side is inside the VPC (the client→NAT or
 *    NAT→client half) bills `nat_processing` for the NAT (both directions are processed), attributed
 *    to the client; when the client's AZ differs from the NAT's, it also bills `cross_az`. The
 *    destination beyond the NAT is pkt-dstaddr / pkt-srcaddr when the format logs them, else the
 *    rollup infers it from the client's own records (see rollup.ts). The NAT↔internet half of the
 *    NAT's records is the same bytes again: no hop.
 * 3. A record on an **interface endpoint** (PrivateLink) interface bills `interface_endpoint`
 *    processing (both directions), attributed to the client, plus `cross_az` when their AZs differ.
 * 4. A record on a **Transit Gateway** attachment interface receiving from inside its VPC bills
 *    `transit_gateway` processing to the sender; the other direction is the receiver's side: no hop.
 * 5. Any other interface:
 *    - to or from a NAT gateway, interface endpoint or Transit Gateway interface: no hop (rules 2–4);
 *    - sending to an interface of the inventory: same AZ → `same_az` (free); other AZ → `cross_az`,
 *      both directions' charges ($0.01 out + $0.01 in) attributed to the sender (free when one side
 *      is an Application Load Balancer: `alb_cross_az`); other region → `inter_region` at the
 *      sender's region's rate;
 *    - receiving from an interface of the inventory: no hop (the sender's record bills it);
 *    - sending to or receiving from a private address nobody in the inventory holds: `inbound`
 *      when receiving (free), `unclassified` when sending (no AZ known: free, shown);
 *    - sending to AWS in the same region: `gateway_endpoint` when traffic-path says so (7, or 2 to
 *      S3/DynamoDB), `regional_public` for EC2 addresses (public or Elastic IPs), else `aws_regional`
 *      (free); to AWS in another region: `inter_region` at the sender's rate; to anything else
 *      (the internet, known networks such as SaaS, the office VPN): `internet_egress`;
 *    - receiving from AWS in another region: `inter_region` at that region's rate (the sender pays,
 *      and it is presumed to be the organisation's own bucket or service); from anywhere else:
 *      `inbound` (data in is free).
 * 6. A record on an interface the inventory does not know: `unclassified` (free, shown).
 *
 * Every hop is attributed to a party (the service, team, account, VPC and region that pays), names
 * its peer (the other end) and, for NAT/endpoint/TGW hops, the interface it went through (`via`).
 */
import type { AwsEndpoint, Endpoint, InterfaceEndpoint } from "../enrichment/lookup";

export const COST_PATHS = {
  internet_egress: { label: "Internet egress", billed: true },
  nat_processing: { label: "NAT gateway processing", billed: true },
  cross_az: { label: "Cross-AZ", billed: true },
  inter_region: { label: "Inter-region", billed: true },
  interface_endpoint: { label: "Interface endpoint processing", billed: true },
  transit_gateway: { label: "Transit Gateway processing", billed: true },
  regional_public: { label: "Same region over public IPs", billed: true },
  gateway_endpoint: { label: "Gateway endpoint", billed: true },
  nat_gateway_hours: { label: "NAT gateway hours", billed: true },
  interface_endpoint_hours: { label: "Interface endpoint hours", billed: true },
  transit_gateway_hours: { label: "Transit Gateway attachment hours", billed: true },
  aws_regional: { label: "AWS service, same region (free)", billed: false },
  same_az: { label: "Same AZ (free)", billed: false },
  alb_cross_az: { label: "Cross-AZ behind an ALB (free)", billed: false },
  inbound: { label: "Inbound (free)", billed: false },
  rejected: { label: "Rejected (no transfer)", billed: false },
  unclassified: { label: "Unclassified", billed: false },
} as const;

export type CostPath = keyof typeof COST_PATHS;
export const COST_PATH_NAMES = Object.keys(COST_PATHS) as CostPath[];

/** Who pays for a hop: a service of the inventory, or a stand-in when the address is unknown. */
export interface CostParty {
  accountId: string;
  region: string;
  vpcId: string;
  vpcName: string | null;
  service: string;
  team: string;
  availabilityZone: string | null;
}

export const UNMAPPED_SERVICE = "(unmapped interface)";
export const UNKNOWN_SERVICE = "(unknown address)";
export const NO_TEAM = "(no team)";

export type PeerClass = "service" | "aws" | "known" | "internet" | "private" | "unknown";

/** The other end of a hop, as reports group it. */
export interface CostPeer {
  peerClass: PeerClass;
  /** A service, an AWS service (S3, DynamoDB, AWS APIs …), a known network's name, `internet` … */
  name: string;
  /** The peer's region when known (interfaces, AWS). */
  region: string | null;
}

export interface BilledHop {
  party: CostParty;
  path: CostPath;
  /** Of the bytes, relative to the party: `out` it sent them, `in` it received them. */
  direction: "out" | "in";
  /** null: the destination beyond a NAT gateway was not logged (the rollup may infer it). */
  peer: CostPeer | null;
  /** The NAT gateway, endpoint or Transit Gateway interface the bytes went through. */
  via: string | null;
  /** Its interface type (nat_gateway, vpc_endpoint, transit_gateway). */
  viaKind: string | null;
  /** The region whose price applies (null for free paths). */
  priceRegion: string | null;
  bytes: number;
  packets: number;
  flows: number;
  /** The party's interface (for inferring destinations beyond a NAT gateway; not stored). */
  partyInterfaceId: string | null;
  /** The NAT gateway / endpoint / Transit Gateway interface (not stored). */
  viaInterfaceId: string | null;
  /** The peer was inferred (a NAT gateway's destination when pkt-dstaddr is not logged). */
  inferred?: boolean;
}

/** One flow record (or the sum of identical ones) with both ends resolved. */
export interface FlowObservation {
  /** The interface that logged the record; null when the inventory does not know it. */
  own: InterfaceEndpoint | null;
  /** Whether srcaddr / dstaddr is an address of the logging interface. */
  srcIsOwn: boolean;
  dstIsOwn: boolean;
  src: Endpoint;
  dst: Endpoint;
  /** pkt-srcaddr / pkt-dstaddr when logged (null when absent or the same as srcaddr/dstaddr). */
  pktSrc: Endpoint | null;
  pktDst: Endpoint | null;
  action: "ACCEPT" | "REJECT";
  /** flow-direction when logged. */
  flowDirection: "ingress" | "egress" | null;
  trafficPath: number | null;
  bytes: number;
  packets: number;
  flows: number;
}

const INFRASTRUCTURE_TYPES = new Set(["nat_gateway", "vpc_endpoint", "transit_gateway"]);

/** The party for an interface of the inventory. */
export function partyOf(endpoint: InterfaceEndpoint): CostParty {
  return {
    accountId: endpoint.accountId,
    region: endpoint.region,
    vpcId: endpoint.vpcId,
    vpcName: endpoint.vpcName,
    service: endpoint.service ?? UNMAPPED_SERVICE,
    team: endpoint.team ?? NO_TEAM,
    availabilityZone: endpoint.availabilityZone,
  };
}

/** A stand-in party for a private address nobody in the inventory holds, seen by `seenBy`. */
function unknownParty(seenBy: InterfaceEndpoint): CostParty {
  return { ...partyOf(seenBy), service: UNKNOWN_SERVICE, team: NO_TEAM, availabilityZone: null };
}

const AWS_SERVICE_NAMES: Record<string, string> = {
  S3: "S3",
  DYNAMODB: "DynamoDB",
  AMAZON: "AWS APIs (ECR, STS, SQS …)",
  EC2: "EC2 (public IPs)",
  CLOUDFRONT: "CloudFront",
  ROUTE53: "Route 53",
};

/** How a report names an AWS service of ip-ranges.json. */
export function awsServiceName(service: string): string {
  return AWS_SERVICE_NAMES[service] ?? service;
}

/** The peer for an endpoint. */
export function peerOf(endpoint: Endpoint): CostPeer {
  switch (endpoint.kind) {
    case "interface":
      return { peerClass: "service", name: endpoint.service ?? UNMAPPED_SERVICE, region: endpoint.region };
    case "aws":
      return { peerClass: "aws", name: awsServiceName(endpoint.service), region: endpoint.region === "GLOBAL" ? null : endpoint.region };
    case "known":
      return { peerClass: "known", name: endpoint.name, region: null };
    case "internet":
      return { peerClass: "internet", name: "internet", region: null };
    case "private":
      return { peerClass: "private", name: endpoint.vpcName ? `private address in ${endpoint.vpcName}` : "private address, unknown", region: null };
    case "invalid":
      return { peerClass: "unknown", name: "not an address", region: null };
  }
}

const isInternal = (e: Endpoint): boolean => e.kind === "interface" || e.kind === "private";

/** The label of the interface a hop went through, e.g. `NAT gateway nat-0abc… (eu-west-3a)`. */
export function viaLabel(endpoint: InterfaceEndpoint): string {
  return `${endpoint.service ?? endpoint.interfaceId}${endpoint.availabilityZone ? ` (${endpoint.availabilityZone})` : ""}`;
}

/** Whether two interfaces are in different AZs: by AZ id when both have one (names differ per account), else by name within an account. */
export function differentAz(a: InterfaceEndpoint, b: InterfaceEndpoint): boolean | undefined {
  if (a.availabilityZoneId && b.availabilityZoneId) return a.availabilityZoneId !== b.availabilityZoneId;
  if (a.availabilityZone && b.availabilityZone && a.accountId === b.accountId) return a.availabilityZone !== b.availabilityZone;
  return undefined;
}

const isAlb = (e: InterfaceEndpoint) => e.description.startsWith("ELB app/");

/** The billed hops of one observation (see the file comment for the rules). */
export function classifyObservation(obs: FlowObservation): BilledHop[] {
  const { own } = obs;
  const amounts = { bytes: obs.bytes, packets: obs.packets, flows: obs.flows, partyInterfaceId: own?.interfaceId ?? null, viaInterfaceId: null as string | null };
  let direction = obs.flowDirection ?? (obs.srcIsOwn && !obs.dstIsOwn ? "egress" : obs.dstIsOwn && !obs.srcIsOwn ? "ingress" : null);
  if (direction === null && own?.interfaceType === "transit_gateway") {
    // Traffic through a Transit Gateway attachment shows neither of its addresses: it enters the
    // Transit Gateway when the sender is inside the attachment's VPC.
    const src = obs.src;
    direction = (src.kind === "interface" && src.vpcId === own.vpcId) || (src.kind === "private" && src.vpcId === own.vpcId) ? "ingress" : "egress";
  }

  if (own === null || direction === null) {
    // Rule 6 (and records whose own side cannot be told): shown, never priced.
    const party: CostParty | null = own ? partyOf(own) : null;
    if (!party) return [];
    return [{ party, path: obs.action === "REJECT" ? "rejected" : "unclassified", direction: "out", peer: peerOf(obs.dst), via: null, viaKind: null, priceRegion: null, ...amounts }];
  }
  const remote = direction === "egress" ? obs.dst : obs.src;
  const out = direction === "egress" ? "out" : "in";

  if (INFRASTRUCTURE_TYPES.has(own.interfaceType)) {
    if (!isInternal(remote)) return []; // the outer half of a NAT gateway: the same bytes as the inner half
    const party = remote.kind === "interface" ? partyOf(remote) : unknownParty(own);
    amounts.partyInterfaceId = remote.kind === "interface" ? remote.interfaceId : null;
    amounts.viaInterfaceId = own.interfaceId;
    // From the client's point of view: it sent the bytes the NAT/endpoint received.
    const clientDirection = direction === "ingress" ? "out" : "in";
    if (obs.action === "REJECT") return [{ party, path: "rejected", direction: clientDirection, peer: peerOf(own), via: viaLabel(own), viaKind: own.interfaceType, priceRegion: null, ...amounts }];
    const hops: BilledHop[] = [];
    if (own.interfaceType === "nat_gateway") {
      const beyond = direction === "ingress" ? obs.pktDst : obs.pktSrc;
      const peer = beyond && !isInternal(beyond) && !(beyond.kind === "interface" && beyond === own) ? peerOf(beyond) : null;
      hops.push({ party, path: "nat_processing", direction: clientDirection, peer, via: viaLabel(own), viaKind: own.interfaceType, priceRegion: own.region, ...amounts });
    } else if (own.interfaceType === "vpc_endpoint") {
      hops.push({ party, path: "interface_endpoint", direction: clientDirection, peer: peerOf(own), via: viaLabel(own), viaKind: own.interfaceType, priceRegion: own.region, ...amounts });
    } else {
      if (direction === "egress") return []; // a Transit Gateway delivering into its VPC: the sender's side paid
      const target = obs.pktDst ?? obs.dst;
      hops.push({ party, path: "transit_gateway", direction: "out", peer: peerOf(target), via: viaLabel(own), viaKind: own.interfaceType, priceRegion: own.region, ...amounts });
    }
    if (remote.kind === "interface" && own.interfaceType !== "transit_gateway" && differentAz(remote, own) === true) {
      hops.push({ ...hops[0], path: "cross_az", priceRegion: own.region } as BilledHop);
    }
    return hops;
  }

  const party = partyOf(own);
  if (obs.action === "REJECT") return [{ party, path: "rejected", direction: out, peer: peerOf(remote), via: null, viaKind: null, priceRegion: null, ...amounts }];
  const hop = (path: CostPath, priceRegion: string | null, peer: CostPeer = peerOf(remote)): BilledHop[] => [
    { party, path, direction: out, peer, via: null, viaKind: null, priceRegion, ...amounts },
  ];

  if (remote.kind === "interface") {
    if (INFRASTRUCTURE_TYPES.has(remote.interfaceType)) return [];
    if (direction === "ingress") return [];
    if (remote.region !== own.region) return hop("inter_region", own.region);
    const crossAz = differentAz(own, remote);
    if (crossAz === true) return isAlb(own) || isAlb(remote) ? hop("alb_cross_az", null) : hop("cross_az", own.region);
    if (crossAz === false) return hop("same_az", null);
    return hop("unclassified", null);
  }
  if (remote.kind === "private") return direction === "ingress" ? hop("inbound", null) : hop("unclassified", null);
  if (remote.kind === "invalid") return hop("unclassified", null);

  if (direction === "ingress") {
    if (remote.kind === "aws" && remote.region !== own.region && remote.region !== "GLOBAL") return hop("inter_region", remote.region);
    return hop("inbound", null);
  }
  if (remote.kind === "aws") return awsEgress(obs, own, remote, hop);
  return hop("internet_egress", own.region);
}

function awsEgress(obs: FlowObservation, own: InterfaceEndpoint, remote: AwsEndpoint, hop: (path: CostPath, priceRegion: string | null) => BilledHop[]): BilledHop[] {
  if (remote.region === "GLOBAL") return hop("aws_regional", null); // CloudFront and other global edges: no transfer charge from AWS origins
  if (remote.region !== own.region) return hop("inter_region", own.region);
  const gatewayService = remote.service === "S3" || remote.service === "DYNAMODB";
  if (obs.trafficPath === 7 || (obs.trafficPath === 2 && gatewayService)) return hop("gateway_endpoint", own.region);
  if (remote.service === "EC2") return hop("regional_public", own.region);
  return hop("aws_regional", null);
}
