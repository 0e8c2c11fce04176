/**
 * Filter → conditions: each filter field in terms the builder writes. Inventory terms are looked
 * up in a resolution (resolve.ts fills it from the inventory for the time range):
 *
 * | filter field | compiled to |
 * |---|---|
 * | account, flow log | stream labels `__aws_s3_vpc_flow_owner`, `__aws_s3_vpc_flow` |
 * | VPC | `vpc_id` when the format logs it, else the VPC's flow logs |
 * | subnet | `subnet_id` when the format logs it, else the subnet's interfaces |
 * | interface, service, team | `interface_id` (the interfaces of the service or team in the range) |
 * | source/destination service or team | `srcaddr`/`dstaddr`: the addresses they held in the range |
 * | source/destination IP | `srcaddr`/`dstaddr` exact, or `ip()` for CIDRs, ranges and IPv6 |
 * | ports, protocol, action, direction | `srcport`/`dstport`, `protocol`, `action`, `flow_direction` |
 * | text | line filters |
 *
 * Pure code.
 */
import type { FlowCondition } from "./builder";
import { FLOW_LOG_LABEL, OWNER_LABEL } from "./builder";
import { FILTER_FIELDS, FILTER_FIELD_INFO, type FilterField, type FlowFilter } from "./filter";

/** What inventory terms stand for in a time range, keyed `field=value` (see resolutionKey). */
export type FilterResolution = ReadonlyMap<string, readonly string[]>;

export const resolutionKey = (field: FilterField, value: string) => `${field}=${value}`;

/** Fields whose values need the inventory. */
export const RESOLVED_FIELDS: readonly FilterField[] = ["vpc", "subnet", "service", "team", "srcService", "dstService", "srcTeam", "dstTeam"];

function union(resolution: FilterResolution, field: FilterField, values: readonly string[]): { found: string[]; missing: string[] } {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const value of values) {
    const items = resolution.get(resolutionKey(field, value));
    if (items === undefined || items.length === 0) missing.push(value);
    else for (const item of items) found.add(item);
  }
  return { found: [...found].sort(), missing };
}

function nothingFor(field: FilterField, values: readonly string[], what: string): FlowCondition {
  const label = FILTER_FIELD_INFO[field].label;
  return { kind: "nothing", origin: field, reason: `${label} ${values.join(", ")}: ${what} in this time range, so no flow can match.` };
}

function compileField(field: FilterField, values: readonly string[], negate: boolean, resolution: FilterResolution): FlowCondition[] {
  const v = [...values];
  switch (field) {
    case "account":
      return [{ kind: "stream", label: OWNER_LABEL, values: v, negate, origin: field }];
    case "flowLog":
      return [{ kind: "stream", label: FLOW_LOG_LABEL, values: v, negate, origin: field }];
    case "vpc": {
      const { found } = union(resolution, field, v);
      const options: FlowCondition[] = [{ kind: "equals", field: "vpc-id", values: v, negate, origin: field }];
      if (found.length > 0) options.push({ kind: "stream", label: FLOW_LOG_LABEL, values: found, negate, origin: field });
      else if (!negate) options.push(nothingFor(field, v, "no flow log of it has records"));
      return [{ kind: "anyOf", origin: field, options }];
    }
    case "subnet": {
      const { found } = union(resolution, field, v);
      const options: FlowCondition[] = [{ kind: "equals", field: "subnet-id", values: v, negate, origin: field }];
      if (found.length > 0) options.push({ kind: "equals", field: "interface-id", values: found, negate, origin: field });
      else if (!negate) options.push(nothingFor(field, v, "no interface of the inventory was in it"));
      return [{ kind: "anyOf", origin: field, options }];
    }
    case "interface":
      return [{ kind: "equals", field: "interface-id", values: v, negate, origin: field }];
    case "service":
    case "team": {
      const { found } = union(resolution, field, v);
      if (found.length === 0) return negate ? [] : [nothingFor(field, v, "no interface of the inventory belonged to it")];
      return [{ kind: "equals", field: "interface-id", values: found, negate, origin: field }];
    }
    case "srcService":
    case "srcTeam":
    case "dstService":
    case "dstTeam": {
      const { found } = union(resolution, field, v);
      if (found.length === 0) return negate ? [] : [nothingFor(field, v, "no address of the inventory belonged to it")];
      const addressField = field.startsWith("src") ? "srcaddr" : "dstaddr";
      return [{ kind: "address", field: addressField, values: found, negate, origin: field }];
    }
    case "src":
      return [{ kind: "address", field: "srcaddr", values: v, negate, origin: field }];
    case "dst":
      return [{ kind: "address", field: "dstaddr", values: v, negate, origin: field }];
    case "srcPort":
      return [{ kind: "port", field: "srcport", values: v, negate, origin: field }];
    case "dstPort":
      return [{ kind: "port", field: "dstport", values: v, negate, origin: field }];
    case "protocol":
      return [{ kind: "equals", field: "protocol", values: v, negate, origin: field }];
    case "action":
      return [{ kind: "equals", field: "action", values: v, negate, origin: field }];
    case "direction":
      return [{ kind: "equals", field: "flow-direction", values: v, negate, origin: field }];
    case "text":
      return [{ kind: "text", values: v, negate, origin: field }];
  }
}

/** The conditions of a (normalised) filter, inventory terms looked up in `resolution`. */
export function compileFilter(filter: FlowFilter, resolution: FilterResolution = new Map()): FlowCondition[] {
  const conditions: FlowCondition[] = [];
  for (const field of FILTER_FIELDS) {
    const values = filter[field];
    if (!values) continue;
    if (values.in.length > 0) conditions.push(...compileField(field, values.in, false, resolution));
    if (values.out.length > 0) conditions.push(...compileField(field, values.out, true, resolution));
  }
  return conditions;
}
