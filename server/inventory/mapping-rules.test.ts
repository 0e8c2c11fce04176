import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAPPING_RULES,
  type MappableInterface,
  compileMappingRules,
  mapInterface,
  mappingRule,
  mappingRuleProblems,
} from "./mapping-rules";

function eni(fields: Partial<MappableInterface>): MappableInterface {
  return {
    id: "eni-0a1b2c3d4e5f60718",
    accountId: "111111111111",
    region: "eu-west-3",
    vpcId: "vpc-1",
    subnetId: "subnet-1",
    availabilityZone: "eu-west-3a",
    interfaceType: "interface",
    description: "",
    requesterManaged: false,
    requesterId: null,
    instanceId: null,
    securityGroups: [],
    tags: {},
    addresses: ["10.20.1.17"],
    ...fields,
  };
}

const defaults = compileMappingRules(DEFAULT_MAPPING_RULES);

describe("the built-in rules", () => {
  const cases: { name: string; iface: Partial<MappableInterface>; service: string | undefined; rule?: string }[] = [
    { name: "tag service", iface: { tags: { service: "payments-api", Name: "payments-1" } }, service: "payments-api", rule: "Tag service" },
    { name: "tag app", iface: { tags: { app: "checkout" } }, service: "checkout" },
    { name: "tag application", iface: { tags: { application: "ledger" } }, service: "ledger" },
    { name: "service wins over app", iface: { tags: { app: "x", service: "y" } }, service: "y" },
    { name: "ECS managed tag", iface: { description: "arn:aws:ecs:eu-west-3:111111111111:attachment/1c2d", tags: { "aws:ecs:serviceName": "orders-worker" } }, service: "orders-worker" },
    { name: "ALB", iface: { description: "ELB app/payments-public/50dc6c495c0c9188", interfaceType: "interface", requesterManaged: true }, service: "payments-public (ALB)" },
    { name: "NLB", iface: { description: "ELB net/ingress-nlb/0123456789abcdef", interfaceType: "network_load_balancer" }, service: "ingress-nlb (NLB)" },
    { name: "GWLB", iface: { description: "ELB gwy/inspection/0123456789abcdef", interfaceType: "gateway_load_balancer" }, service: "inspection (GWLB)" },
    { name: "classic ELB", iface: { description: "ELB legacy-web" }, service: "legacy-web (CLB)" },
    { name: "NAT gateway", iface: { description: "Interface for NAT Gateway nat-0a1b2c3d4e5f60718", interfaceType: "nat_gateway" }, service: "NAT gateway nat-0a1b2c3d4e5f60718" },
    { name: "VPC endpoint", iface: { description: "VPC Endpoint Interface vpce-0123456789abcdef0", interfaceType: "vpc_endpoint" }, service: "VPC endpoint vpce-0123456789abcdef0" },
    { name: "Lambda with the ENI's UUID", iface: { description: "AWS Lambda VPC ENI-invoice-renderer-5a2e7c9c-1a8e-4b1f-9f83-0d65b8a3d9a2", interfaceType: "lambda" }, service: "invoice-renderer" },
    { name: "Lambda without a UUID", iface: { description: "AWS Lambda VPC ENI-thumbnailer", interfaceType: "lambda" }, service: "thumbnailer" },
    { name: "ECS task named by its security group", iface: { description: "arn:aws:ecs:eu-west-3:111111111111:attachment/1c2d-3e4f", securityGroups: [{ id: "sg-1", name: "orders-api" }] }, service: "ECS task orders-api" },
    { name: "RDS", iface: { description: "RDSNetworkInterface", requesterManaged: true, securityGroups: [{ id: "sg-2", name: "orders-db" }] }, service: "RDS orders-db" },
    { name: "EFS", iface: { description: "EFS mount target for fs-0123abcd (fsmt-0123abcd)" }, service: "EFS fs-0123abcd" },
    { name: "EKS control plane", iface: { description: "Amazon EKS prod-eks" }, service: "EKS prod-eks control plane" },
    { name: "ElastiCache node", iface: { description: "ElastiCache sessions-0002-001" }, service: "ElastiCache sessions" },
    { name: "ElastiCache other name", iface: { description: "ElastiCache sessions-001" }, service: "ElastiCache sessions-001" },
    { name: "Transit Gateway", iface: { description: "Network Interface for Transit Gateway Attachment tgw-attach-0123abcd", interfaceType: "transit_gateway" }, service: "Transit Gateway tgw-attach-0123abcd" },
    { name: "EKS node (VPC CNI tag)", iface: { description: "aws-K8S-i-0123456789abcdef0", tags: { "cluster.k8s.amazonaws.com/name": "prod-eks" } }, service: "EKS prod-eks nodes" },
    { name: "Name tag last among tags", iface: { tags: { Name: "bastion" } }, service: "bastion", rule: "Tag Name" },
    { name: "AWS description beats a Name tag", iface: { description: "Interface for NAT Gateway nat-0abc", tags: { Name: "nat-a" } }, service: "NAT gateway nat-0abc" },
    { name: "type fallback", iface: { interfaceType: "vpc_endpoint", description: "something new" }, service: "VPC endpoint" },
    { name: "a bare instance ENI stays unmapped", iface: { instanceId: "i-0123" }, service: undefined },
    { name: "an empty tag value does not name a service", iface: { tags: { service: " ", Name: "web-1" } }, service: "web-1" },
  ];
  it.each(cases)("$name", ({ iface, service, rule }) => {
    const mapping = mapInterface(eni(iface), defaults);
    expect(mapping?.service).toBe(service);
    if (rule) expect(mapping?.ruleName).toBe(rule);
  });
});

describe("saved rules", () => {
  const conditions: { name: string; rule: Parameters<typeof mappingRule>[0]; iface: Partial<MappableInterface>; matches: boolean }[] = [
    { name: "tag key and value regex", rule: { name: "r", tagKey: "team", tagValue: "pay.*", service: "payments" }, iface: { tags: { team: "payments" } }, matches: true },
    { name: "tag value must match whole", rule: { name: "r", tagKey: "team", tagValue: "pay", service: "payments" }, iface: { tags: { team: "payments" } }, matches: false },
    { name: "interface type", rule: { name: "r", interfaceType: "lambda", service: "fn" }, iface: { interfaceType: "lambda" }, matches: true },
    { name: "interface type differs", rule: { name: "r", interfaceType: "lambda", service: "fn" }, iface: { interfaceType: "interface" }, matches: false },
    { name: "subnet", rule: { name: "r", subnetId: "subnet-1", service: "s" }, iface: {}, matches: true },
    { name: "VPC", rule: { name: "r", vpcId: "vpc-2", service: "s" }, iface: {}, matches: false },
    { name: "account", rule: { name: "r", accountId: "111111111111", service: "s" }, iface: {}, matches: true },
    { name: "CIDR containing an address", rule: { name: "r", cidr: "10.20.0.0/16", service: "s" }, iface: {}, matches: true },
    { name: "CIDR not containing it", rule: { name: "r", cidr: "10.21.0.0/16", service: "s" }, iface: {}, matches: false },
    { name: "IPv6 CIDR", rule: { name: "r", cidr: "2a05:d012::/32", service: "s" }, iface: { addresses: ["10.0.0.1", "2a05:d012:1::5"] }, matches: true },
    { name: "security group by id", rule: { name: "r", securityGroup: "sg-9", service: "s" }, iface: { securityGroups: [{ id: "sg-9", name: "web" }] }, matches: true },
    { name: "security group by name", rule: { name: "r", securityGroup: "web", service: "s" }, iface: { securityGroups: [{ id: "sg-9", name: "web" }] }, matches: true },
    { name: "requester-managed", rule: { name: "r", requesterManaged: true, service: "s" }, iface: { requesterManaged: false }, matches: false },
    { name: "all conditions must hold", rule: { name: "r", interfaceType: "lambda", vpcId: "vpc-1", service: "s" }, iface: { interfaceType: "interface" }, matches: false },
    { name: "a template whose tag is missing does not match", rule: { name: "r", vpcId: "vpc-1", service: "{tag:service}" }, iface: {}, matches: false },
  ];
  it.each(conditions)("$name", ({ rule, iface, matches }) => {
    const compiled = compileMappingRules([mappingRule(rule, "id-1")]);
    expect(mapInterface(eni(iface), compiled) !== undefined).toBe(matches);
  });

  it("fills templates from description groups, tags and attributes", () => {
    const rule = mappingRule(
      { name: "r", descriptionPattern: "^batch (\\w+) (\\w+)$", service: "{1}-{2} in {vpc}", team: "{tag:owner}" },
      "id-2",
    );
    const mapping = mapInterface(eni({ description: "batch nightly export", tags: { owner: "data" } }), compileMappingRules([rule]));
    expect(mapping).toEqual({ service: "nightly-export in vpc-1", team: "data", ruleId: "id-2", ruleName: "r", builtIn: false });
    // A team template that cannot be filled leaves the team to the fallbacks; the rule still matches.
    expect(mapInterface(eni({ description: "batch a b" }), compileMappingRules([rule]))?.team).toBeNull();
  });

  it("is first match wins, and skips disabled rules", () => {
    const rules = compileMappingRules([
      mappingRule({ name: "off", enabled: false, vpcId: "vpc-1", service: "disabled" }, "a"),
      mappingRule({ name: "first", vpcId: "vpc-1", service: "first" }, "b"),
      mappingRule({ name: "second", vpcId: "vpc-1", service: "second" }, "c"),
    ]);
    expect(mapInterface(eni({}), rules)?.service).toBe("first");
  });

  it("names every problem of a bad rule", () => {
    const problems = mappingRuleProblems(
      mappingRule({ name: " ", descriptionPattern: "(unclosed", tagValue: "x", cidr: "10.0.0.0/99", accountId: "12", service: "{2} {nope}" }),
    );
    expect(problems.map((p) => p.field).sort()).toEqual(["accountId", "cidr", "descriptionPattern", "name", "service", "tagValue"]);
    expect(problems.find((p) => p.field === "service")?.message).toMatch(/\{nope\} is not a placeholder/);
    expect(mappingRuleProblems(mappingRule({ name: "r", service: "{1}" }))[0]?.message).toMatch(/no description pattern/);
    expect(() => compileMappingRules([mappingRule({ name: "bad", descriptionPattern: "(", service: "x" }, "id")])).toThrow(/"bad" is not valid/);
  });

  it("has valid built-in rules with unique ids", () => {
    for (const rule of DEFAULT_MAPPING_RULES) expect(mappingRuleProblems(rule), rule.name).toEqual([]);
    expect(new Set(DEFAULT_MAPPING_RULES.map((r) => r.id)).size).toBe(DEFAULT_MAPPING_RULES.length);
  });
});
