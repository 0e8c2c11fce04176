import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW_FORMAT, parseFlowFormat } from "../flows/format";
import { createFlowRecord, parseFlowRecord } from "../flows/record";
import { mappingRule } from "../inventory/mapping-rules";
import { endpointLabel, enrichFlow, enrichedFlowJson } from "./enrich";
import { EnrichmentLookup, type InventorySnapshot } from "./lookup";
import { T0, address, emptySnapshot, networkInterface } from "./snapshot-builder";

const PROD = "111111111111";
const STAGING = "222222222222";
const SHARED = "333333333333";
const sec = (ms: number) => ms / 1000;
const HOUR = 3_600_000;

/**
 * prod vpc-prod 10.0.0.0/16 and staging vpc-stg 10.0.0.0/16 overlap; shared vpc-shared 10.1.0.0/16
 * is peered. A Lambda address churns between two ENIs; a bastion has an Elastic IP.
 */
function organisation(): InventorySnapshot {
  const snapshot = emptySnapshot();
  snapshot.accounts = [
    { id: PROD, name: "prod", environment: "production", team: "platform" },
    { id: STAGING, name: "staging", environment: "staging", team: "platform" },
    { id: SHARED, name: "shared", environment: "shared", team: "network" },
  ];
  snapshot.vpcs = [
    { id: "vpc-prod", accountId: PROD, region: "eu-west-3", name: "prod-main", cidrBlocks: ["10.0.0.0/16"], ipv6CidrBlocks: ["2a05:d012:abc::/56"], isDefault: false, state: "available", tags: {} },
    { id: "vpc-stg", accountId: STAGING, region: "eu-west-3", name: "staging-main", cidrBlocks: ["10.0.0.0/16"], ipv6CidrBlocks: [], isDefault: false, state: "available", tags: {} },
    { id: "vpc-shared", accountId: SHARED, region: "eu-west-3", name: "shared-services", cidrBlocks: ["10.1.0.0/16"], ipv6CidrBlocks: [], isDefault: false, state: "available", tags: {} },
  ];
  snapshot.subnets = [
    { id: "subnet-a", vpcId: "vpc-prod", accountId: PROD, region: "eu-west-3", availabilityZone: "eu-west-3a", availabilityZoneId: "euw3-az1", cidrBlock: "10.0.1.0/24", ipv6CidrBlocks: [], name: "prod-private-a", tags: {} },
  ];
  snapshot.services = [{ name: "payments-api", team: "payments", description: null }];
  snapshot.interfaces = [
    networkInterface({ id: "eni-pay", vpcId: "vpc-prod", accountId: PROD, subnetId: "subnet-a", tags: { service: "payments-api" } }, [
      address("10.0.1.10"),
      address("2a05:d012:abc:1::10"),
    ]),
    networkInterface({ id: "eni-orders-stg", vpcId: "vpc-stg", accountId: STAGING, tags: { service: "orders", team: "orders" } }, [address("10.0.1.10")]),
    networkInterface({ id: "eni-ldap", vpcId: "vpc-shared", accountId: SHARED, tags: { Name: "ldap" } }, [address("10.1.2.3")]),
    networkInterface(
      { id: "eni-nat", vpcId: "vpc-prod", accountId: PROD, interfaceType: "nat_gateway", description: "Interface for NAT Gateway nat-0abc123", requesterManaged: true },
      [address("10.0.0.5"), address("15.236.10.20", { kind: "public_ipv4" })],
    ),
    networkInterface(
      { id: "eni-bastion", vpcId: "vpc-prod", accountId: PROD, tags: { Name: "bastion" } },
      [address("10.0.0.30"), address("13.38.1.2", { kind: "public_ipv4" })],
    ),
    // 10.0.3.50 belonged to one Lambda ENI until T0+2h, then (seen from T0+3h) to another.
    networkInterface(
      { id: "eni-lambda-old", vpcId: "vpc-prod", accountId: PROD, interfaceType: "lambda", description: "AWS Lambda VPC ENI-invoice-renderer-5a2e7c9c-1a8e-4b1f-9f83-0d65b8a3d9a2", endedAt: T0 + 2 * HOUR },
      [address("10.0.3.50", { endedAt: T0 + 2 * HOUR, lastSeen: T0 + HOUR })],
    ),
    networkInterface(
      { id: "eni-lambda-new", vpcId: "vpc-prod", accountId: PROD, interfaceType: "lambda", description: "AWS Lambda VPC ENI-receipt-mailer-0d65b8a3-1a8e-4b1f-9f83-5a2e7c9c1a8e", firstSeen: T0 + 3 * HOUR },
      [address("10.0.3.50", { firstSeen: T0 + 3 * HOUR, lastSeen: T0 + 3 * HOUR })],
    ),
    networkInterface({ id: "eni-eks-node", vpcId: "vpc-prod", accountId: PROD, tags: { "cluster.k8s.amazonaws.com/name": "prod-eks" }, description: "aws-K8S-i-0123" }, [
      address("10.0.4.10"),
      address("10.0.4.16/28"),
    ]),
    networkInterface({ id: "eni-mystery", vpcId: "vpc-prod", accountId: PROD }, [address("10.0.5.5")]),
  ];
  snapshot.awsRanges = [
    { prefix: "52.95.128.0/21", service: "AMAZON", region: "eu-west-3", networkBorderGroup: "eu-west-3" },
    { prefix: "52.95.128.0/21", service: "S3", region: "eu-west-3", networkBorderGroup: "eu-west-3" },
    { prefix: "3.5.0.0/16", service: "EC2", region: "eu-west-3", networkBorderGroup: "eu-west-3" },
  ];
  snapshot.knownNetworks = [
    { cidr: "3.5.100.0/24", name: "Datadog intake", category: "saas" },
    { cidr: "192.168.0.0/16", name: "office VPN", category: "office" },
  ];
  return snapshot;
}

const lookup = new EnrichmentLookup(organisation());
const at = sec(T0 + HOUR);

function flow(line: string) {
  const record = parseFlowRecord(line, DEFAULT_FLOW_FORMAT);
  if (!record) throw new Error(`bad test line ${line}`);
  return enrichFlow(record, lookup);
}
const v2 = (eni: string, src: string, dst: string, time = at, account = PROD) => `2 ${account} ${eni} ${src} ${dst} 44321 443 6 10 5000 ${time} ${time + 60} ACCEPT OK`;

describe("enrichFlow", () => {
  const cases: { name: string; line: string; src: string; dst: string; direction?: string }[] = [
    { name: "prod interface to S3 (overlapping VPCs: the prod one)", line: v2("eni-pay", "10.0.1.10", "52.95.130.4"), src: "payments-api", dst: "S3 eu-west-3", direction: "egress" },
    { name: "staging interface with the same address (the staging one)", line: v2("eni-orders-stg", "10.0.1.10", "8.8.8.8", at, STAGING), src: "orders", dst: "internet", direction: "egress" },
    { name: "ingress to prod from the peered shared VPC", line: v2("eni-pay", "10.1.2.3", "10.0.1.10"), src: "ldap", dst: "payments-api", direction: "ingress" },
    { name: "an unknown address inside the flow's VPC", line: v2("eni-pay", "10.0.1.10", "10.0.200.1"), src: "payments-api", dst: "private in prod-main" },
    { name: "a private address in no VPC: the office VPN", line: v2("eni-pay", "192.168.3.4", "10.0.1.10"), src: "office VPN", dst: "payments-api" },
    { name: "a private address nobody knows", line: v2("eni-pay", "172.20.0.1", "10.0.1.10"), src: "private, unknown", dst: "payments-api" },
    { name: "a known network inside an AWS range wins (more specific)", line: v2("eni-pay", "10.0.1.10", "3.5.100.7"), src: "payments-api", dst: "Datadog intake" },
    { name: "EC2 range outside the known network", line: v2("eni-pay", "10.0.1.10", "3.5.7.7"), src: "payments-api", dst: "EC2 eu-west-3" },
    { name: "NAT gateway named as the NAT gateway", line: v2("eni-nat", "10.0.0.5", "52.95.128.9"), src: "NAT gateway nat-0abc123", dst: "S3 eu-west-3" },
    { name: "an Elastic IP of ours seen from outside", line: v2("eni-pay", "10.0.1.10", "13.38.1.2"), src: "payments-api", dst: "bastion" },
    { name: "Lambda address before its first ENI was seen: the first holder", line: v2("eni-pay", "10.0.1.10", "10.0.3.50", sec(T0 - HOUR)), src: "payments-api", dst: "invoice-renderer" },
    { name: "Lambda address while the first ENI held it", line: v2("eni-pay", "10.0.1.10", "10.0.3.50", sec(T0 + HOUR)), src: "payments-api", dst: "invoice-renderer" },
    { name: "Lambda address after the first ENI was deleted: the next holder", line: v2("eni-pay", "10.0.1.10", "10.0.3.50", sec(T0 + 2.5 * HOUR)), src: "payments-api", dst: "receipt-mailer" },
    { name: "Lambda address later", line: v2("eni-pay", "10.0.1.10", "10.0.3.50", sec(T0 + 30 * HOUR)), src: "payments-api", dst: "receipt-mailer" },
    { name: "a pod address from the node's delegated prefix", line: v2("eni-pay", "10.0.4.20", "10.0.1.10"), src: "EKS prod-eks nodes", dst: "payments-api" },
    { name: "an interface no rule maps is still named by id", line: v2("eni-mystery", "10.0.5.5", "10.0.1.10"), src: "eni-mystery (unmapped)", dst: "payments-api", direction: "egress" },
    { name: "IPv6 to the prod interface", line: v2("eni-pay", "2600:1f18::1", "2a05:d012:abc:1::10"), src: "internet", dst: "payments-api", direction: "ingress" },
    { name: "IPv6 unknown inside the VPC's IPv6 block", line: v2("eni-pay", "2a05:d012:abc:9::1", "2a05:d012:abc:1::10"), src: "private in prod-main", dst: "payments-api" },
    { name: "an interface the inventory does not know: the account decides overlaps", line: v2("eni-unknown", "10.0.1.10", "8.8.4.4", at, STAGING), src: "orders", dst: "internet" },
    { name: "unknown interface, account with no candidate: ambiguous", line: v2("eni-unknown", "10.0.1.10", "8.8.4.4", at, "999999999999"), src: "private (several VPCs)", dst: "internet" },
    { name: "not an address", line: v2("eni-pay", "10.0.1.10", "300.1.1.1"), src: "payments-api", dst: "not an address" },
  ];
  it.each(cases)("$name", ({ line, src, dst, direction }) => {
    const enriched = flow(line);
    expect(endpointLabel(enriched.src)).toBe(src);
    expect(endpointLabel(enriched.dst)).toBe(dst);
    if (direction) expect(enriched.direction).toBe(direction);
  });

  it("gives the interface's place, team from the service registry, and account", () => {
    const enriched = flow(v2("eni-pay", "10.0.1.10", "52.95.130.4"));
    expect(enriched.src).toMatchObject({
      kind: "interface",
      interfaceId: "eni-pay",
      service: "payments-api",
      team: "payments",
      rule: "Tag service",
      accountId: PROD,
      accountName: "prod",
      environment: "production",
      vpcId: "vpc-prod",
      vpcName: "prod-main",
      subnetId: "subnet-a",
      subnetName: "prod-private-a",
      availabilityZone: "eu-west-3a",
      availabilityZoneId: "euw3-az1",
      region: "eu-west-3",
    });
    expect(enriched.dst).toMatchObject({ kind: "aws", service: "S3", services: ["S3", "AMAZON"], region: "eu-west-3", prefix: "52.95.128.0/21" });
    // Team: the interface's own team tag when the service is not registered; else the account's team.
    expect(flow(v2("eni-orders-stg", "10.0.1.10", "8.8.8.8", at, STAGING)).src).toMatchObject({ team: "orders" });
    expect(flow(v2("eni-ldap", "10.1.2.3", "8.8.8.8", at, SHARED)).src).toMatchObject({ team: "network" });
  });

  it("marks a deleted interface", () => {
    expect(flow(v2("eni-pay", "10.0.1.10", "10.0.3.50", sec(T0 + HOUR))).dst).toMatchObject({ interfaceId: "eni-lambda-old", deletedAt: T0 + 2 * HOUR });
  });

  it("names the packet-level ends through a NAT gateway", () => {
    const format = parseFlowFormat("version account-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr start action log-status");
    const record = parseFlowRecord(`3 ${PROD} eni-nat 10.0.1.10 10.0.0.5 10.0.1.10 52.95.129.1 ${at} ACCEPT OK`, format);
    const enriched = enrichFlow(record!, lookup);
    expect(endpointLabel(enriched.src)).toBe("payments-api");
    expect(endpointLabel(enriched.dst)).toBe("NAT gateway nat-0abc123");
    expect(enriched.pktSrc).toBeNull();
    expect(endpointLabel(enriched.pktDst)).toBe("S3 eu-west-3");
    expect(enriched.direction).toBe("ingress");
  });

  it("takes flow-direction from the record when logged, and resolves by vpc-id when the interface is unknown", () => {
    const format = parseFlowFormat("version vpc-id interface-id srcaddr dstaddr start flow-direction");
    const record = parseFlowRecord(`5 vpc-stg eni-gone 10.0.1.10 10.0.9.9 ${at} egress`, format)!;
    const enriched = enrichFlow(record, lookup);
    expect(endpointLabel(enriched.src)).toBe("orders");
    expect(endpointLabel(enriched.dst)).toBe("private in staging-main");
    expect(enriched.direction).toBe("egress");
  });

  it("resolves at a given time instead of the record's", () => {
    const record = parseFlowRecord(v2("eni-pay", "10.0.1.10", "10.0.3.50", sec(T0 + HOUR)), DEFAULT_FLOW_FORMAT)!;
    expect(endpointLabel(enrichFlow(record, lookup, { at: sec(T0 + 5 * HOUR) }).dst)).toBe("receipt-mailer");
  });

  it("handles NODATA records (no addresses)", () => {
    const record = parseFlowRecord(`2 ${PROD} eni-pay - - - - - - - ${at} ${at + 600} - NODATA`, DEFAULT_FLOW_FORMAT)!;
    const enriched = enrichFlow(record, lookup);
    expect(enriched).toMatchObject({ src: null, dst: null, direction: null });
    expect(enriched.interface?.service).toBe("payments-api");
  });

  it("applies saved rules before the built-in ones", () => {
    const snapshot = organisation();
    snapshot.rules = [mappingRule({ name: "Bastion is ops", tagKey: "Name", tagValue: "bastion", service: "ops-bastion", team: "ops" }, "r1")];
    const custom = new EnrichmentLookup(snapshot);
    const enriched = enrichFlow(createFlowRecord({ interfaceId: "eni-bastion", srcAddr: "10.0.0.30", dstAddr: "8.8.8.8", start: at }), custom);
    expect(enriched.src).toMatchObject({ service: "ops-bastion", team: "ops", rule: "Bastion is ops" });
  });

  it("counts what it built", () => {
    expect(lookup.stats).toMatchObject({ interfaces: 9, mappedInterfaces: 8, prefixes: 4 });
  });

  it("writes JSON with labels, decoded values and only present fields", () => {
    const json = enrichedFlowJson(flow(v2("eni-pay", "10.0.1.10", "52.95.130.4")));
    expect(json).toMatchObject({
      record: { interfaceId: "eni-pay", bytes: 5000 },
      decoded: { protocol: "TCP", service: "https" },
      direction: "egress",
      src: { address: "10.0.1.10", label: "payments-api", kind: "interface" },
      dst: { address: "52.95.130.4", label: "S3 eu-west-3", kind: "aws" },
    });
    expect(json.record).not.toHaveProperty("vpcId");
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe("interface ids", () => {
  const ids = [
    "eni-0a1b2c3d4e5f60718",
    "eni-0a1b2c3d4e5f60719",
    "eni-1a1b2c3d4e5f60718",
    "eni-0a1b2c3d",
    "eni-00a1b2c3d",
    "eni-0A1B2C3D4E5F60718",
    "eni-f",
    "weird-interface",
  ];
  const snapshot = emptySnapshot();
  snapshot.interfaces = ids.map((id, i) => networkInterface({ id, vpcId: "vpc-1", tags: { service: `svc-${i}` } }, [address(`10.9.0.${i + 1}`)]));
  const table = new EnrichmentLookup(snapshot);

  it.each(ids.map((id, i) => [id, `svc-${i}`]))("finds %s exactly", (id, service) => {
    expect(table.interface(id)?.endpoint.service).toBe(service);
    // An id cut out of a longer line (a V8 slice, not the same string object) is found too.
    expect(table.interface(` ${id} `.slice(1, -1))?.endpoint.service).toBe(service);
  });

  it.each(["eni-0a1b2c3d4e5f6071", "eni-0a1b2c3d4e5f607180", "eni-0a1b2c3e", "eni-", "eni-0a1b2c3d4e5f6071g", "ENI-0a1b2c3d"])("does not confuse %s", (id) => {
    expect(table.interface(id)).toBeUndefined();
  });

  it("lists every interface once", () => {
    expect(table.interfaceEndpoints().map((e) => e.interfaceId).sort()).toEqual([...ids].sort());
  });
});
