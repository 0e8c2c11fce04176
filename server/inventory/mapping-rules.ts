/**
 * Service mapping rules: which service (and team) a network interface belongs to. Pure code.
 *
 * Rules are ordered and the first that matches wins: the rules people save (PostgreSQL, in their
 * order) and then the built-in rules below, which work with no configuration (the common tag keys
 * and AWS's own descriptions of the interfaces its services create). A rule matches when every
 * condition it sets holds and its service template can be filled.
 *
 * Templates: `{tag:KEY}` a tag's value, `{1}` … `{9}` groups of the description pattern,
 * `{description}`, `{type}` (interface type), `{group}` (first security group's name), `{instance}`,
 * `{id}` (interface id), `{requester}`, `{subnet}`, `{vpc}`, `{account}`, `{az}`.
 */
import { AppError } from "../errors";
import { type CidrRange, parseCidr } from "../enrichment/ip";
import type { InventoryInterface } from "./model";

/** The editable part of a rule. `null` conditions are not checked. */
export interface MappingRuleFields {
  name: string;
  enabled: boolean;
  tagKey: string | null;
  /** Regular expression the whole tag value must match (needs tagKey). */
  tagValue: string | null;
  /** Regular expression searched in the description; its groups feed `{1}` … */
  descriptionPattern: string | null;
  interfaceType: string | null;
  requesterManaged: boolean | null;
  accountId: string | null;
  vpcId: string | null;
  subnetId: string | null;
  /** Matches when one of the interface's private addresses is inside. */
  cidr: string | null;
  /** A security group id (`sg-…`) or name. */
  securityGroup: string | null;
  service: string;
  team: string | null;
}

export interface MappingRule extends MappingRuleFields {
  id: string;
  builtIn: boolean;
}

/** An interface with its current addresses, as the rules see it. */
export interface MappableInterface extends Pick<
  InventoryInterface,
  | "id"
  | "accountId"
  | "region"
  | "vpcId"
  | "subnetId"
  | "availabilityZone"
  | "interfaceType"
  | "description"
  | "requesterManaged"
  | "requesterId"
  | "instanceId"
  | "securityGroups"
  | "tags"
> {
  /** Current private addresses (IPv4 and IPv6). */
  addresses: readonly string[];
}

export interface ServiceMapping {
  service: string;
  /** From the rule's team template; null when the rule names none (the caller falls back to the service's or account's team). */
  team: string | null;
  ruleId: string;
  ruleName: string;
  builtIn: boolean;
}

export interface RuleProblem {
  field: keyof MappingRuleFields;
  message: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const SIMPLE_PLACEHOLDERS = new Set(["description", "type", "group", "instance", "id", "requester", "subnet", "vpc", "account", "az"]);

function templateProblems(template: string, field: "service" | "team", hasPattern: boolean): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (SIMPLE_PLACEHOLDERS.has(name)) continue;
    if (/^tag:.+$/.test(name)) continue;
    if (/^[1-9]$/.test(name)) {
      if (!hasPattern) problems.push({ field, message: `{${name}} refers to a group of the description pattern, but the rule has no description pattern.` });
      continue;
    }
    problems.push({
      field,
      message: `{${name}} is not a placeholder. Use {tag:KEY}, {1}…{9} (description pattern groups), {description}, {type}, {group}, {instance}, {id}, {requester}, {subnet}, {vpc}, {account} or {az}.`,
    });
  }
  return problems;
}

function regexProblem(pattern: string, field: "tagValue" | "descriptionPattern"): RuleProblem | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return { field, message: `not a valid regular expression: ${(error as Error).message}` };
  }
}

/** Everything wrong with a rule, each with the field it is about (empty when the rule is good). */
export function mappingRuleProblems(rule: MappingRuleFields): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (rule.name.trim() === "") problems.push({ field: "name", message: "Give the rule a name." });
  if (rule.service.trim() === "") problems.push({ field: "service", message: "Say which service the rule names, e.g. payments-api or {tag:service}." });
  if (rule.tagValue !== null && rule.tagKey === null) problems.push({ field: "tagValue", message: "A tag value needs a tag key." });
  if (rule.tagValue !== null) {
    const problem = regexProblem(rule.tagValue, "tagValue");
    if (problem) problems.push(problem);
  }
  if (rule.descriptionPattern !== null) {
    const problem = regexProblem(rule.descriptionPattern, "descriptionPattern");
    if (problem) problems.push(problem);
  }
  if (rule.cidr !== null && !parseCidr(rule.cidr)) problems.push({ field: "cidr", message: `"${rule.cidr}" is not a CIDR such as 10.20.0.0/16.` });
  if (rule.accountId !== null && !/^\d{12}$/.test(rule.accountId)) problems.push({ field: "accountId", message: "An AWS account id has 12 digits." });
  problems.push(...templateProblems(rule.service, "service", rule.descriptionPattern !== null));
  if (rule.team !== null) problems.push(...templateProblems(rule.team, "team", rule.descriptionPattern !== null));
  return problems;
}

export interface CompiledRule {
  rule: MappingRule;
  tagValue: RegExp | undefined;
  description: RegExp | undefined;
  cidr: CidrRange | undefined;
}

/** Compiles rules for evaluation; a bad rule stops with its name and problems. */
export function compileMappingRules(rules: readonly MappingRule[]): CompiledRule[] {
  return rules
    .filter((rule) => rule.enabled)
    .map((rule) => {
      const problems = mappingRuleProblems(rule);
      if (problems.length > 0) {
        throw new AppError("BAD_REQUEST", `The mapping rule "${rule.name}" is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, {
          details: { ruleId: rule.id, problems },
        });
      }
      return {
        rule,
        tagValue: rule.tagValue === null ? undefined : new RegExp(`^(?:${rule.tagValue})$`),
        description: rule.descriptionPattern === null ? undefined : new RegExp(rule.descriptionPattern),
        cidr: rule.cidr === null ? undefined : parseCidr(rule.cidr),
      };
    });
}

function addressInside(address: string, range: CidrRange): boolean {
  const value = parseCidr(address);
  return value !== undefined && value.family === range.family && value.first >= range.first && value.first <= range.last;
}

function fill(template: string, iface: MappableInterface, groups: RegExpExecArray | null): string | undefined {
  let missing = false;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    let value: string | null | undefined;
    if (name.startsWith("tag:")) value = iface.tags[name.slice(4)];
    else if (/^[1-9]$/.test(name)) value = groups?.[Number(name)];
    else if (name === "description") value = iface.description;
    else if (name === "type") value = iface.interfaceType;
    else if (name === "group") value = iface.securityGroups[0]?.name;
    else if (name === "instance") value = iface.instanceId;
    else if (name === "id") value = iface.id;
    else if (name === "requester") value = iface.requesterId;
    else if (name === "subnet") value = iface.subnetId;
    else if (name === "vpc") value = iface.vpcId;
    else if (name === "account") value = iface.accountId;
    else if (name === "az") value = iface.availabilityZone;
    if (value === undefined || value === null || value.trim() === "") {
      missing = true;
      return "";
    }
    return value.trim();
  });
  const trimmed = text.trim();
  return missing || trimmed === "" ? undefined : trimmed;
}

/** The service this rule gives the interface, or undefined when the rule does not match it. */
export function applyMappingRule(iface: MappableInterface, compiled: CompiledRule): ServiceMapping | undefined {
  const { rule } = compiled;
  if (rule.interfaceType !== null && iface.interfaceType !== rule.interfaceType) return undefined;
  if (rule.requesterManaged !== null && iface.requesterManaged !== rule.requesterManaged) return undefined;
  if (rule.accountId !== null && iface.accountId !== rule.accountId) return undefined;
  if (rule.vpcId !== null && iface.vpcId !== rule.vpcId) return undefined;
  if (rule.subnetId !== null && iface.subnetId !== rule.subnetId) return undefined;
  if (rule.securityGroup !== null && !iface.securityGroups.some((g) => g.id === rule.securityGroup || g.name === rule.securityGroup)) return undefined;
  if (rule.tagKey !== null) {
    const value = iface.tags[rule.tagKey];
    if (value === undefined) return undefined;
    if (compiled.tagValue && !compiled.tagValue.test(value)) return undefined;
  }
  let groups: RegExpExecArray | null = null;
  if (compiled.description) {
    groups = compiled.description.exec(iface.description);
    if (!groups) return undefined;
  }
  if (compiled.cidr) {
    const range = compiled.cidr;
    if (!iface.addresses.some((address) => addressInside(address, range))) return undefined;
  }
  const service = fill(rule.service, iface, groups);
  if (service === undefined) return undefined;
  return { service, team: rule.team === null ? null : (fill(rule.team, iface, groups) ?? null), ruleId: rule.id, ruleName: rule.name, builtIn: rule.builtIn };
}

/** The first rule that matches the interface decides its service; undefined when none does. */
export function mapInterface(iface: MappableInterface, rules: readonly CompiledRule[]): ServiceMapping | undefined {
  for (const compiled of rules) {
    const mapping = applyMappingRule(iface, compiled);
    if (mapping) return mapping;
  }
  return undefined;
}

const NO_CONDITIONS = {
  enabled: true,
  tagKey: null,
  tagValue: null,
  descriptionPattern: null,
  interfaceType: null,
  requesterManaged: null,
  accountId: null,
  vpcId: null,
  subnetId: null,
  cidr: null,
  securityGroup: null,
  team: null,
} as const;

/** A rule with only the given fields set: for the built-ins, tests and the editor's blank rule. */
export function mappingRule(fields: Partial<MappingRuleFields> & Pick<MappingRuleFields, "name" | "service">, id = "", builtIn = false): MappingRule {
  return { ...NO_CONDITIONS, ...fields, id, builtIn };
}

const builtIn = (slug: string, fields: Partial<MappingRuleFields> & Pick<MappingRuleFields, "name" | "service">) => mappingRule(fields, `builtin:${slug}`, true);
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * The built-in rules, evaluated after the saved ones: owner tags first, then AWS's descriptions
 * of the interfaces its services create (which also names AWS-managed infrastructure: a NAT
 * gateway's interface is that NAT gateway), then the Name tag, then the interface type.
 */
export const DEFAULT_MAPPING_RULES: readonly MappingRule[] = [
  builtIn("tag-service", { name: "Tag service", tagKey: "service", service: "{tag:service}" }),
  builtIn("tag-app", { name: "Tag app", tagKey: "app", service: "{tag:app}" }),
  builtIn("tag-application", { name: "Tag application", tagKey: "application", service: "{tag:application}" }),
  builtIn("tag-k8s-name", { name: "Tag app.kubernetes.io/name", tagKey: "app.kubernetes.io/name", service: "{tag:app.kubernetes.io/name}" }),
  builtIn("tag-ecs-service", { name: "ECS service (managed tag)", tagKey: "aws:ecs:serviceName", service: "{tag:aws:ecs:serviceName}" }),
  builtIn("alb", { name: "Application Load Balancer", descriptionPattern: "^ELB app/([^/]+)/", service: "{1} (ALB)" }),
  builtIn("nlb", { name: "Network Load Balancer", descriptionPattern: "^ELB net/([^/]+)/", service: "{1} (NLB)" }),
  builtIn("gwlb", { name: "Gateway Load Balancer", descriptionPattern: "^ELB gwy/([^/]+)/", service: "{1} (GWLB)" }),
  builtIn("clb", { name: "Classic Load Balancer", descriptionPattern: "^ELB ([^/\\s]+)$", service: "{1} (CLB)" }),
  builtIn("nat-gateway", { name: "NAT gateway", descriptionPattern: "^Interface for NAT Gateway (nat-[0-9a-f]+)", service: "NAT gateway {1}" }),
  builtIn("vpc-endpoint", { name: "Interface VPC endpoint", descriptionPattern: "^VPC Endpoint Interface (vpce-[0-9a-f]+)", service: "VPC endpoint {1}" }),
  builtIn("lambda", { name: "Lambda function", descriptionPattern: `^AWS Lambda VPC ENI-(.+?)(?:-${UUID})?$`, service: "{1}" }),
  builtIn("ecs-task", { name: "ECS task (awsvpc)", descriptionPattern: "^arn:aws[a-z-]*:ecs:[^:]+:\\d+:attachment/", service: "ECS task {group}" }),
  builtIn("rds", { name: "RDS database", descriptionPattern: "^RDSNetworkInterface$", service: "RDS {group}" }),
  builtIn("efs", { name: "EFS mount target", descriptionPattern: "^EFS mount target for (fs-[0-9a-f]+)", service: "EFS {1}" }),
  builtIn("eks-control-plane", { name: "EKS control plane", descriptionPattern: "^Amazon EKS (\\S+)", service: "EKS {1} control plane" }),
  builtIn("elasticache", { name: "ElastiCache cluster", descriptionPattern: "^ElastiCache (\\S+?)(?:-\\d{4}-\\d{3})?$", service: "ElastiCache {1}" }),
  builtIn("transit-gateway", { name: "Transit Gateway attachment", descriptionPattern: "^Network Interface for Transit Gateway Attachment (tgw-attach-[0-9a-f]+)", service: "Transit Gateway {1}" }),
  builtIn("route53-resolver", { name: "Route 53 Resolver endpoint", descriptionPattern: "^Route 53 Resolver: (rslvr-(?:in|out)-[0-9a-f]+)", service: "Route 53 Resolver {1}" }),
  builtIn("eks-nodes", { name: "EKS nodes (VPC CNI)", tagKey: "cluster.k8s.amazonaws.com/name", service: "EKS {tag:cluster.k8s.amazonaws.com/name} nodes" }),
  builtIn("eks-managed-nodes", { name: "EKS managed node group", tagKey: "eks:cluster-name", service: "EKS {tag:eks:cluster-name} nodes" }),
  builtIn("tag-name", { name: "Tag Name", tagKey: "Name", service: "{tag:Name}" }),
  builtIn("type-nat-gateway", { name: "Type nat_gateway", interfaceType: "nat_gateway", service: "NAT gateway" }),
  builtIn("type-vpc-endpoint", { name: "Type vpc_endpoint", interfaceType: "vpc_endpoint", service: "VPC endpoint" }),
  builtIn("type-transit-gateway", { name: "Type transit_gateway", interfaceType: "transit_gateway", service: "Transit Gateway" }),
  builtIn("type-api-gateway", { name: "Type api_gateway_managed", interfaceType: "api_gateway_managed", service: "API Gateway" }),
  builtIn("type-global-accelerator", { name: "Type global_accelerator_managed", interfaceType: "global_accelerator_managed", service: "Global Accelerator" }),
];
