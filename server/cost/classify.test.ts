import { describe, expect, it } from "vitest";
import type { AwsEndpoint, Endpoint, InterfaceEndpoint } from "../enrichment/lookup";
import { type BilledHop, type FlowObservation, classifyObservation } from "./classify";

function iface(id: string, values: Partial<InterfaceEndpoint> = {}): InterfaceEndpoint {
  return {
    kind: "interface",
    interfaceId: id,
    interfaceType: "interface",
    description: "",
    service: id,
    team: "team-of-" + id,
    rule: null,
    accountId: "111111111111",
    accountName: "prod",
    environment: "prod",
    vpcId: "vpc-1",
    vpcName: "prod-core",
    subnetId: "subnet-a",
    subnetName: null,
    availabilityZone: "eu-west-3a",
    availabilityZoneId: "euw3-az1",
    region: "eu-west-3",
    instanceId: null,
    deletedAt: null,
    ...values,
  };
}
const inAz = (letter: "a" | "b" | "c") => ({ availabilityZone: `eu-west-3${letter}`, availabilityZoneId: `euw3-az${" abc".indexOf(letter)}` });
const aws = (service: string, region: string): AwsEndpoint => ({ kind: "aws", service, services: [service, "AMAZON"], region, prefix: "x/24" });
const internet: Endpoint = { kind: "internet" };
const datadog: Endpoint = { kind: "known", name: "Datadog", category: "saas", cidr: "34.107.172.0/24" };
const unknownPrivate: Endpoint = { kind: "private", vpcId: "vpc-1", vpcName: "prod-core", reason: "unknown" };

const app = iface("checkout", inAz("a"));
const appB = iface("payments-api", inAz("b"));
const appA2 = iface("ledger", inAz("a"));
const nat = iface("nat-gw", { interfaceType: "nat_gateway", description: "Interface for NAT Gateway nat-1", service: "NAT gateway nat-1", ...inAz("b") });
const vpce = iface("vpce-ecr", { interfaceType: "vpc_endpoint", description: "VPC Endpoint Interface vpce-1", service: "VPC endpoint vpce-1", ...inAz("c") });
const tgw = iface("tgw-eni", { interfaceType: "transit_gateway", description: "Network Interface for Transit Gateway Attachment tgw-attach-1", service: "tgw", ...inAz("a") });
const alb = iface("alb", { description: "ELB app/shop/123", ...inAz("b") });
const usApp = iface("edge-api", { region: "us-east-1", vpcId: "vpc-2", vpcName: "prod-edge-us", availabilityZone: "us-east-1a", availabilityZoneId: "use1-az4" });

function observe(own: InterfaceEndpoint | null, src: Endpoint, dst: Endpoint, more: Partial<FlowObservation> = {}): FlowObservation {
  return {
    own,
    srcIsOwn: own !== null && src === own,
    dstIsOwn: own !== null && dst === own,
    src,
    dst,
    pktSrc: null,
    pktDst: null,
    action: "ACCEPT",
    flowDirection: null,
    trafficPath: null,
    bytes: 1000,
    packets: 10,
    flows: 1,
    ...more,
  };
}

/** A hop in short: "service path direction → peer [via] @priceRegion". */
function brief(hop: BilledHop): string {
  return `${hop.party.service} ${hop.path} ${hop.direction} → ${hop.peer?.name ?? "?"}${hop.via ? ` [${hop.via}]` : ""}${hop.priceRegion ? ` @${hop.priceRegion}` : ""}`;
}

describe("classifyObservation: which hops a flow record bills", () => {
  const cases: { name: string; obs: FlowObservation; hops: string[] }[] = [
    // NAT gateway: the inner half bills processing (both directions), the outer half nothing.
    { name: "client → NAT (NAT's interface, ingress): NAT processing out, and cross-AZ (client in a, NAT in b)", obs: observe(nat, app, nat, { pktDst: aws("S3", "eu-west-3") }), hops: ["checkout nat_processing out → S3 [NAT gateway nat-1 (eu-west-3b)] @eu-west-3", "checkout cross_az out → S3 [NAT gateway nat-1 (eu-west-3b)] @eu-west-3"] },
    { name: "NAT → client (NAT's interface, egress): NAT processing in, cross-AZ in", obs: observe(nat, nat, app, { pktSrc: aws("S3", "eu-west-3") }), hops: ["checkout nat_processing in → S3 [NAT gateway nat-1 (eu-west-3b)] @eu-west-3", "checkout cross_az in → S3 [NAT gateway nat-1 (eu-west-3b)] @eu-west-3"] },
    { name: "client in the NAT's own AZ: processing only", obs: observe(nat, appB, nat, { pktDst: internet }), hops: ["payments-api nat_processing out → internet [NAT gateway nat-1 (eu-west-3b)] @eu-west-3"] },
    { name: "NAT → internet (outer half): the same bytes again, no hop", obs: observe(nat, nat, internet), hops: [] },
    { name: "internet → NAT (outer half): no hop", obs: observe(nat, internet, nat), hops: [] },
    { name: "NAT without pkt-dstaddr logged: processing with the destination left to inference", obs: observe(nat, appB, nat), hops: ["payments-api nat_processing out → ? [NAT gateway nat-1 (eu-west-3b)] @eu-west-3"] },
    // The client's own records of NAT-routed traffic bill the external leg.
    { name: "client → S3 same region (its own record, through NAT): free", obs: observe(app, app, aws("S3", "eu-west-3"), { trafficPath: 1 }), hops: ["checkout aws_regional out → S3"] },
    { name: "client → S3 through a gateway endpoint (traffic-path 7)", obs: observe(app, app, aws("S3", "eu-west-3"), { trafficPath: 7 }), hops: ["checkout gateway_endpoint out → S3 @eu-west-3"] },
    { name: "client → S3 in another region: inter-region at the sender's rate", obs: observe(app, app, aws("S3", "eu-west-1")), hops: ["checkout inter_region out → S3 @eu-west-3"] },
    { name: "S3 in another region → client: inter-region at the sending region's rate", obs: observe(app, aws("S3", "eu-west-1"), app), hops: ["checkout inter_region in → S3 @eu-west-1"] },
    { name: "S3 same region → client: free", obs: observe(app, aws("S3", "eu-west-3"), app), hops: ["checkout inbound in → S3"] },
    { name: "client → EC2 public IP same region: regional public", obs: observe(app, app, aws("EC2", "eu-west-3")), hops: ["checkout regional_public out → EC2 (public IPs) @eu-west-3"] },
    { name: "client → internet: internet egress", obs: observe(app, app, internet), hops: ["checkout internet_egress out → internet @eu-west-3"] },
    { name: "client → SaaS (known network): internet egress", obs: observe(app, app, datadog), hops: ["checkout internet_egress out → Datadog @eu-west-3"] },
    { name: "internet → client: data in is free", obs: observe(app, internet, app), hops: ["checkout inbound in → internet"] },
    // Intra-VPC: both ENIs log the bytes; the sender bills them once.
    { name: "same AZ: free, billed on the sender", obs: observe(app, app, appA2), hops: ["checkout same_az out → ledger"] },
    { name: "same AZ, receiver's record: nothing", obs: observe(appA2, app, appA2), hops: [] },
    { name: "cross-AZ a → b: billed on the sender (both directions' charges)", obs: observe(app, app, appB), hops: ["checkout cross_az out → payments-api @eu-west-3"] },
    { name: "cross-AZ b → a (the response): billed on its sender", obs: observe(appB, appB, app), hops: ["payments-api cross_az out → checkout @eu-west-3"] },
    { name: "cross-AZ, receiver's record: nothing", obs: observe(appB, app, appB), hops: [] },
    { name: "cross-AZ behind an ALB: free", obs: observe(alb, alb, app), hops: ["alb alb_cross_az out → checkout"] },
    { name: "other region (inter-region peering)", obs: observe(usApp, usApp, appB), hops: ["edge-api inter_region out → payments-api @us-east-1"] },
    { name: "AZ ids decide across accounts (same name, other zone)", obs: observe(app, app, iface("other-account", { accountId: "222222222222", availabilityZone: "eu-west-3a", availabilityZoneId: "euw3-az3" })), hops: ["checkout cross_az out → other-account @eu-west-3"] },
    // Interface endpoints.
    { name: "client → interface endpoint (endpoint's record): processing out + cross-AZ", obs: observe(vpce, app, vpce), hops: ["checkout interface_endpoint out → VPC endpoint vpce-1 [VPC endpoint vpce-1 (eu-west-3c)] @eu-west-3", "checkout cross_az out → VPC endpoint vpce-1 [VPC endpoint vpce-1 (eu-west-3c)] @eu-west-3"] },
    { name: "interface endpoint → client (endpoint's record): processing in + cross-AZ", obs: observe(vpce, vpce, app), hops: ["checkout interface_endpoint in → VPC endpoint vpce-1 [VPC endpoint vpce-1 (eu-west-3c)] @eu-west-3", "checkout cross_az in → VPC endpoint vpce-1 [VPC endpoint vpce-1 (eu-west-3c)] @eu-west-3"] },
    { name: "client's own record to the endpoint: nothing (the endpoint's record bills it)", obs: observe(app, app, vpce), hops: [] },
    // Transit Gateway.
    { name: "sender → TGW attachment (TGW's record): processing", obs: observe(tgw, app, usApp), hops: ["checkout transit_gateway out → edge-api [tgw (eu-west-3a)] @eu-west-3"] },
    { name: "TGW attachment → receiver: nothing", obs: observe(tgw, usApp, app, { flowDirection: "egress" }), hops: [] },
    // Others.
    { name: "rejected: counted, free", obs: observe(app, internet, app, { action: "REJECT" }), hops: ["checkout rejected in → internet"] },
    { name: "rejected at a NAT: attributed to the client", obs: observe(nat, app, nat, { action: "REJECT" }), hops: ["checkout rejected out → NAT gateway nat-1 [NAT gateway nat-1 (eu-west-3b)]"] },
    { name: "a private address nobody holds, received: free", obs: observe(app, unknownPrivate, app), hops: ["checkout inbound in → private address in prod-core"] },
    { name: "a private address nobody holds, sent to: unclassified (no AZ known)", obs: observe(app, app, unknownPrivate), hops: ["checkout unclassified out → private address in prod-core"] },
    { name: "an interface the inventory does not know: nothing to attribute", obs: observe(null, internet, internet), hops: [] },
    { name: "flow-direction decides when neither address is the interface's known one (a secondary IP)", obs: observe(app, unknownPrivate, internet, { flowDirection: "egress" }), hops: ["checkout internet_egress out → internet @eu-west-3"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(classifyObservation(c.obs).map(brief)).toEqual(c.hops);
    });
  }

  it("keeps the amounts on every hop", () => {
    const hops = classifyObservation(observe(nat, app, nat, { bytes: 5_000_000, packets: 4000, flows: 3 }));
    expect(hops.map((h) => [h.bytes, h.packets, h.flows])).toEqual([[5_000_000, 4000, 3], [5_000_000, 4000, 3]]);
  });
});
