/**
 * The flow filter in network terms, as people build it in Explore and as the URL carries it:
 * for each field, values to keep (any of them) and values to leave out (none of them); fields are
 * combined with AND. Inventory terms (VPC, subnet, service, team) are resolved to flow logs,
 * interfaces and addresses by resolve.ts; everything else compiles straight to LogQL (builder.ts).
 *
 * Pure code with no server-only dependencies: the browser imports it too.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { PROTOCOL_NAMES } from "../flows/decode";

export const FILTER_FIELDS = [
  "account",
  "vpc",
  "subnet",
  "flowLog",
  "interface",
  "service",
  "team",
  "srcService",
  "dstService",
  "srcTeam",
  "dstTeam",
  "src",
  "dst",
  "srcPort",
  "dstPort",
  "protocol",
  "action",
  "direction",
  "text",
] as const;

export type FilterField = (typeof FILTER_FIELDS)[number];

export interface FilterValues {
  /** Keep flows matching any of these. */
  in: string[];
  /** Leave out flows matching any of these. */
  out: string[];
}

export type FlowFilter = Partial<Record<FilterField, FilterValues>>;

export interface FilterFieldInfo {
  label: string;
  /** What a value is, for the builder's placeholder and error messages. */
  example: string;
  hint: string;
}

export const FILTER_FIELD_INFO: Readonly<Record<FilterField, FilterFieldInfo>> = {
  account: { label: "Account", example: "123456789012", hint: "the AWS account that delivers the flow log (the __aws_s3_vpc_flow_owner label)" },
  vpc: { label: "VPC", example: "vpc-0a1b2c3d", hint: "flows in the flow logs of this VPC" },
  subnet: { label: "Subnet", example: "subnet-0a1b2c3d", hint: "flows logged on interfaces of this subnet" },
  flowLog: { label: "Flow log", example: "fl-0a1b2c3d", hint: "the flow log id (the __aws_s3_vpc_flow label)" },
  interface: { label: "Interface", example: "eni-0a1b2c3d", hint: "flows logged on this network interface" },
  service: { label: "Service", example: "payments-api", hint: "flows logged on the service's interfaces (both directions)" },
  team: { label: "Team", example: "payments", hint: "flows logged on the interfaces of the team's services" },
  srcService: { label: "Source service", example: "payments-api", hint: "the source address belonged to the service at the time" },
  dstService: { label: "Destination service", example: "ledger", hint: "the destination address belonged to the service at the time" },
  srcTeam: { label: "Source team", example: "payments", hint: "the source address belonged to one of the team's services" },
  dstTeam: { label: "Destination team", example: "payments", hint: "the destination address belonged to one of the team's services" },
  src: { label: "Source IP", example: "10.0.0.0/8", hint: "an address, a CIDR or a range a-b" },
  dst: { label: "Destination IP", example: "52.95.0.0/16", hint: "an address, a CIDR or a range a-b" },
  srcPort: { label: "Source port", example: "443", hint: "a port or a range such as 1024-65535" },
  dstPort: { label: "Destination port", example: "5432", hint: "a port or a range such as 8000-8999" },
  protocol: { label: "Protocol", example: "tcp", hint: "a protocol name (tcp, udp, icmp) or IANA number" },
  action: { label: "Action", example: "REJECT", hint: "ACCEPT or REJECT" },
  direction: { label: "Direction", example: "egress", hint: "ingress or egress, as the flow-direction field says" },
  text: { label: "Text", example: "5.188.10.77", hint: "text anywhere in the flow record" },
};

const PROTOCOL_NUMBERS = new Map([...PROTOCOL_NAMES].map(([number, name]) => [name.toLowerCase(), number]));

const IPV4 = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
const IPV6 = String.raw`[0-9a-fA-F:]*:[0-9a-fA-F:.]*`;
const ADDRESS = new RegExp(String.raw`^(?:${IPV4}|${IPV6})$`);
const CIDR = new RegExp(String.raw`^(?:${IPV4}/(?:3[0-2]|[12]?\d)|${IPV6}/(?:12[0-8]|1[01]\d|[1-9]?\d))$`);
const RANGE = new RegExp(String.raw`^(?:${IPV4}-${IPV4}|${IPV6}-${IPV6})$`);

export type AddressValueKind = "address" | "cidr" | "range";

/** What an IP filter value is: one address, a CIDR or a range; undefined when it is none. */
export function addressValueKind(value: string): AddressValueKind | undefined {
  if (ADDRESS.test(value)) return "address";
  if (CIDR.test(value)) return "cidr";
  if (RANGE.test(value)) return "range";
  return undefined;
}

/** A port (`443`) or an inclusive range (`1024-65535`). */
export function parsePortValue(value: string): { from: number; to: number } | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from > 65535 || to > 65535 || to < from) return undefined;
  return { from, to };
}

function bad(field: FilterField, value: string, why: string): AppError {
  const info = FILTER_FIELD_INFO[field];
  return new AppError("BAD_REQUEST", `"${value}" is not a valid ${info.label.toLowerCase()} filter: ${why} (e.g. ${info.example}).`, {
    details: { field, value },
  });
}

/**
 * The canonical form of a filter value (protocol names become numbers, actions upper case …);
 * throws BAD_REQUEST, naming the field, for a value the field cannot take.
 */
export function normalizeFilterValue(field: FilterField, raw: string): string {
  const value = raw.trim();
  if (value === "") throw bad(field, raw, "it is empty");
  switch (field) {
    case "account":
      if (!/^\d{12}$/.test(value)) throw bad(field, value, "an AWS account id has 12 digits");
      return value;
    case "vpc":
      if (!/^vpc-[0-9a-f]+$/.test(value)) throw bad(field, value, "a VPC id is vpc- and hex digits");
      return value;
    case "subnet":
      if (!/^subnet-[0-9a-f]+$/.test(value)) throw bad(field, value, "a subnet id is subnet- and hex digits");
      return value;
    case "flowLog":
      if (!/^fl-[0-9a-f]+$/.test(value)) throw bad(field, value, "a flow log id is fl- and hex digits");
      return value;
    case "interface":
      if (!/^eni-[0-9a-f]+$/.test(value)) throw bad(field, value, "an interface id is eni- and hex digits");
      return value;
    case "src":
    case "dst":
      if (!addressValueKind(value)) throw bad(field, value, "expected an IPv4 or IPv6 address, a CIDR or a range a-b");
      return value.toLowerCase();
    case "srcPort":
    case "dstPort": {
      const port = parsePortValue(value);
      if (!port) throw bad(field, value, "expected a port from 0 to 65535 or a range from-to");
      return port.from === port.to ? String(port.from) : `${port.from}-${port.to}`;
    }
    case "protocol": {
      if (/^\d{1,3}$/.test(value) && Number(value) <= 255) return String(Number(value));
      const number = PROTOCOL_NUMBERS.get(value.toLowerCase());
      if (number === undefined) throw bad(field, value, "expected a protocol name such as tcp, udp, icmp or its IANA number");
      return String(number);
    }
    case "action": {
      const action = value.toUpperCase();
      if (action !== "ACCEPT" && action !== "REJECT") throw bad(field, value, "expected ACCEPT or REJECT");
      return action;
    }
    case "direction": {
      const direction = value.toLowerCase();
      if (direction !== "ingress" && direction !== "egress") throw bad(field, value, "expected ingress or egress");
      return direction;
    }
    default:
      return value;
  }
}

/** The filter with every value normalised, duplicates and empty fields removed; throws on a bad value. */
export function normalizeFilter(filter: FlowFilter): FlowFilter {
  const out: FlowFilter = {};
  for (const field of FILTER_FIELDS) {
    const values = filter[field];
    if (!values) continue;
    const keep = [...new Set(values.in.map((v) => normalizeFilterValue(field, v)))];
    const drop = [...new Set(values.out.map((v) => normalizeFilterValue(field, v)))];
    if (keep.length + drop.length > 0) out[field] = { in: keep, out: drop };
  }
  return out;
}

export function isFilterEmpty(filter: FlowFilter): boolean {
  return FILTER_FIELDS.every((field) => !filter[field] || (filter[field].in.length === 0 && filter[field].out.length === 0));
}

/** The filter plus one value kept (`exclude` false) or left out (true); the opposite entry of the same value goes. */
export function withFilterValue(filter: FlowFilter, field: FilterField, value: string, exclude = false): FlowFilter {
  const current = filter[field] ?? { in: [], out: [] };
  const next: FilterValues = exclude
    ? { in: current.in.filter((v) => v !== value), out: current.out.includes(value) ? current.out : [...current.out, value] }
    : { in: current.in.includes(value) ? current.in : [...current.in, value], out: current.out.filter((v) => v !== value) };
  return { ...filter, [field]: next };
}

/** The filter without one value. */
export function withoutFilterValue(filter: FlowFilter, field: FilterField, value: string, excluded: boolean): FlowFilter {
  const current = filter[field];
  if (!current) return filter;
  const next = excluded ? { in: current.in, out: current.out.filter((v) => v !== value) } : { in: current.in.filter((v) => v !== value), out: current.out };
  const copy = { ...filter };
  if (next.in.length + next.out.length === 0) delete copy[field];
  else copy[field] = next;
  return copy;
}

/**
 * One field's values as the URL writes them: kept values as they are, left-out values prefixed
 * with `!`; a kept value that itself starts with `!` or `\` gets a `\` in front.
 */
export function encodeFilterValues(values: FilterValues): string[] {
  return [...values.in.map((v) => (v.startsWith("!") || v.startsWith("\\") ? `\\${v}` : v)), ...values.out.map((v) => `!${v}`)];
}

export function decodeFilterValues(items: readonly string[]): FilterValues {
  const values: FilterValues = { in: [], out: [] };
  for (const item of items) {
    if (item.startsWith("!")) values.out.push(item.slice(1));
    else if (item.startsWith("\\")) values.in.push(item.slice(1));
    else values.in.push(item);
  }
  return values;
}

const filterValuesSchema = z.object({ in: z.array(z.string().max(500)).max(2000), out: z.array(z.string().max(500)).max(2000) });

/** The filter as tRPC inputs take it. */
export const flowFilterSchema = z.object(
  Object.fromEntries(FILTER_FIELDS.map((field) => [field, filterValuesSchema.optional()])) as Record<FilterField, z.ZodOptional<typeof filterValuesSchema>>,
);
