/**
 * Reading inventory files, pure: the format is detected from the content, every record is
 * validated, and each problem names its file, record (JSON path or CSV line) and field.
 *
 * Formats (see README "Inventory import"):
 * - `aws ec2 describe-network-interfaces` JSON (`{"NetworkInterfaces": [...]}`)
 * - `aws ec2 describe-vpcs` JSON (`{"Vpcs": [...]}`), `aws ec2 describe-subnets` JSON (`{"Subnets": [...]}`)
 * - AWS's ip-ranges.json (`{"syncToken", "createDate", "prefixes", "ipv6_prefixes"}`)
 * - `aws organizations list-accounts` JSON (`{"Accounts": [...]}`; optional `Tags` environment/team)
 * - `aws ec2 describe-flow-logs` JSON (`{"FlowLogs": [...]}`): each flow log's record format
 * - CSV with a header: `cidr,name,category` (known networks; the header may be omitted),
 *   `account_id,name,environment,team` (accounts), `service,team,description` (services)
 */
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { parseCidr, parseIPv4 } from "../../enrichment/ip";
import type {
  AwsIpRange,
  InventoryAccount,
  InventoryAddress,
  InventoryInterface,
  InventoryService,
  InventorySubnet,
  InventoryVpc,
  KnownNetwork,
} from "../model";
import { regionOfAvailabilityZone, tagsToObject } from "../model";
import { DEFAULT_FLOW_FORMAT, parseFlowFormat } from "../../flows/format";
import { arrayElementLines, lineAndColumn } from "./json-lines";

export interface ImportProblem {
  file: string;
  /** Where in the file: a JSON path such as `NetworkInterfaces[3].PrivateIpAddress`, or `line 12`. */
  location: string;
  /** The line the record (or the syntax error) is on, when known. */
  line?: number;
  /** The field at fault, e.g. `PrivateIpAddress` or `cidr`. */
  field?: string;
  message: string;
}

export interface ParsedInterface {
  iface: InventoryInterface;
  addresses: InventoryAddress[];
}

export type InventoryFileContent =
  | { kind: "network-interfaces"; interfaces: ParsedInterface[]; complete: boolean }
  | { kind: "vpcs"; vpcs: InventoryVpc[]; complete: boolean }
  | { kind: "subnets"; subnets: InventorySubnet[]; complete: boolean }
  | { kind: "ip-ranges"; syncToken: string; createDate: string; ranges: AwsIpRange[] }
  | { kind: "known-networks"; networks: KnownNetwork[] }
  | { kind: "accounts"; accounts: InventoryAccount[] }
  | { kind: "services"; services: InventoryService[] }
  | { kind: "flow-logs"; flowLogs: { flowLogId: string; format: string; resourceId: string | null }[] };

export type InventoryFileKind = InventoryFileContent["kind"];

export const INVENTORY_FILE_KINDS: Record<InventoryFileKind, string> = {
  "network-interfaces": "aws ec2 describe-network-interfaces",
  vpcs: "aws ec2 describe-vpcs",
  subnets: "aws ec2 describe-subnets",
  "ip-ranges": "AWS ip-ranges.json",
  "known-networks": "known networks CSV",
  accounts: "accounts",
  services: "services CSV",
  "flow-logs": "aws ec2 describe-flow-logs (record formats)",
};

export type ParsedInventoryFile = { ok: true; file: string; content: InventoryFileContent } | { ok: false; file: string; kind?: InventoryFileKind; problems: ImportProblem[] };

// ─── AWS CLI JSON shapes (only what flowlens reads; other keys are ignored) ─────────────────

const ipv4 = z.string().refine((v) => parseIPv4(v) >= 0, "not an IPv4 address");
const ipv6 = z.string().refine((v) => ipaddr.IPv6.isValid(v) && !v.includes("%"), "not an IPv6 address");
const cidr = (family: 4 | 6) => z.string().refine((v) => v.includes("/") && parseCidr(v)?.family === family, `not an IPv${family} CIDR block`);
const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]+$`), `not a ${prefix}-… id`);
const accountId = z.string().regex(/^\d{12}$/, "not a 12-digit AWS account id");
const zone = z.string().refine((v) => regionOfAvailabilityZone(v) !== undefined, "not an Availability Zone name such as eu-west-3a");
const tags = z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional();
const association = z.object({ PublicIp: ipv4.optional() }).optional();

const networkInterfaceSchema = z.object({
  NetworkInterfaceId: id("eni"),
  OwnerId: accountId,
  VpcId: id("vpc"),
  SubnetId: id("subnet").optional(),
  AvailabilityZone: zone,
  InterfaceType: z.string().min(1).optional(),
  Description: z.string().optional(),
  RequesterManaged: z.boolean().optional(),
  RequesterId: z.string().optional(),
  Status: z.string().optional(),
  MacAddress: z.string().optional(),
  PrivateDnsName: z.string().optional(),
  PrivateIpAddress: ipv4.optional(),
  Association: association,
  Attachment: z
    .object({
      AttachmentId: z.string().optional(),
      InstanceId: z.string().optional(),
      InstanceOwnerId: z.string().optional(),
      Status: z.string().optional(),
    })
    .optional(),
  Groups: z.array(z.object({ GroupId: id("sg"), GroupName: z.string().optional() })).optional(),
  PrivateIpAddresses: z.array(z.object({ PrivateIpAddress: ipv4, Primary: z.boolean().optional(), Association: association })).optional(),
  Ipv6Addresses: z.array(z.object({ Ipv6Address: ipv6 })).optional(),
  Ipv4Prefixes: z.array(z.object({ Ipv4Prefix: cidr(4) })).optional(),
  Ipv6Prefixes: z.array(z.object({ Ipv6Prefix: cidr(6) })).optional(),
  TagSet: tags,
});

const cidrAssociationState = z.object({ State: z.string().optional() }).optional();

const vpcSchema = z.object({
  VpcId: id("vpc"),
  OwnerId: accountId,
  CidrBlock: cidr(4).optional(),
  CidrBlockAssociationSet: z.array(z.object({ CidrBlock: cidr(4), CidrBlockState: cidrAssociationState })).optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.object({ Ipv6CidrBlock: cidr(6).optional(), Ipv6CidrBlockState: cidrAssociationState })).optional(),
  IsDefault: z.boolean().optional(),
  State: z.string().optional(),
  Tags: tags,
});

const subnetSchema = z.object({
  SubnetId: id("subnet"),
  VpcId: id("vpc"),
  OwnerId: accountId,
  AvailabilityZone: zone,
  AvailabilityZoneId: z.string().optional(),
  CidrBlock: cidr(4).optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.object({ Ipv6CidrBlock: cidr(6), Ipv6CidrBlockState: cidrAssociationState })).optional(),
  Tags: tags,
});

const ipRangeSchema = z.object({ ip_prefix: cidr(4), region: z.string().min(1), service: z.string().min(1), network_border_group: z.string().optional() });
const ipv6RangeSchema = z.object({ ipv6_prefix: cidr(6), region: z.string().min(1), service: z.string().min(1), network_border_group: z.string().optional() });
const flowLogSchema = z.object({
  FlowLogId: id("fl"),
  ResourceId: z.string().optional(),
  LogFormat: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parseFlowFormat(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
});
const organizationAccountSchema = z.object({ Id: accountId, Name: z.string().optional(), Status: z.string().optional(), Tags: tags });

// ─── helpers ────────────────────────────────────────────────────────────────────────────────

const associated = (state: { State?: string } | undefined) => state?.State === undefined || state.State === "associated" || state.State === "associating";
const blank = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value.trim());

function normalizeIPv6(text: string): string {
  return ipaddr.IPv6.parse(text).toRFC5952String();
}

/** zod's messages in our words: "missing" for absent required fields, the expected type otherwise. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    return /received undefined/.test(issue.message) ? "missing" : `should be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
  }
  return issue.message;
}

/** Validates every element of `items` with `schema`, collecting problems with their JSON path and line. */
function validateRecords<S extends z.ZodType, T>(
  file: string,
  text: string,
  key: string,
  items: unknown[],
  schema: S,
  convert: (value: z.infer<S>) => T,
  problems: ImportProblem[],
): T[] {
  const lines = arrayElementLines(text, key);
  const results: T[] = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      results.push(convert(parsed.data));
      return;
    }
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      const field = [...issue.path].reverse().find((p) => typeof p === "string");
      problems.push({
        file,
        location: `${key}[${index}]${path}`,
        line: lines[index],
        field: field === undefined ? undefined : String(field),
        message: issueMessage(issue),
      });
    }
  });
  return results;
}

function duplicates<T>(file: string, key: string, items: T[], idOf: (item: T) => string, text: string, problems: ImportProblem[]): void {
  const lines = arrayElementLines(text, key);
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const value = idOf(item);
    const first = seen.get(value);
    if (first !== undefined) {
      problems.push({ file, location: `${key}[${index}]`, line: lines[index], message: `${value} is listed twice (also ${key}[${first}]); a file describes each one once.` });
    } else {
      seen.set(value, index);
    }
  });
}

function convertInterface(raw: z.infer<typeof networkInterfaceSchema>): ParsedInterface {
  const region = regionOfAvailabilityZone(raw.AvailabilityZone) as string;
  const addresses: InventoryAddress[] = [];
  const seen = new Set<string>();
  const add = (address: string, kind: InventoryAddress["kind"], primary: boolean) => {
    const key = `${kind}:${address}`;
    if (seen.has(key)) return;
    seen.add(key);
    addresses.push({ address, kind, primary });
  };
  for (const entry of raw.PrivateIpAddresses ?? []) {
    add(entry.PrivateIpAddress, "private_ipv4", entry.Primary ?? entry.PrivateIpAddress === raw.PrivateIpAddress);
    if (entry.Association?.PublicIp) add(entry.Association.PublicIp, "public_ipv4", entry.Primary ?? false);
  }
  if (raw.PrivateIpAddress) add(raw.PrivateIpAddress, "private_ipv4", true);
  if (raw.Association?.PublicIp) add(raw.Association.PublicIp, "public_ipv4", true);
  for (const entry of raw.Ipv6Addresses ?? []) add(normalizeIPv6(entry.Ipv6Address), "ipv6", false);
  for (const entry of raw.Ipv4Prefixes ?? []) add((parseCidr(entry.Ipv4Prefix) as { cidr: string }).cidr, "ipv4_prefix", false);
  for (const entry of raw.Ipv6Prefixes ?? []) add((parseCidr(entry.Ipv6Prefix) as { cidr: string }).cidr, "ipv6_prefix", false);
  return {
    iface: {
      id: raw.NetworkInterfaceId,
      accountId: raw.OwnerId,
      region,
      vpcId: raw.VpcId,
      subnetId: raw.SubnetId ?? null,
      availabilityZone: raw.AvailabilityZone,
      interfaceType: raw.InterfaceType ?? "interface",
      description: raw.Description ?? "",
      requesterManaged: raw.RequesterManaged ?? false,
      requesterId: blank(raw.RequesterId),
      status: blank(raw.Status),
      macAddress: blank(raw.MacAddress),
      privateDnsName: blank(raw.PrivateDnsName),
      privateIp: raw.PrivateIpAddress ?? null,
      publicIp: raw.Association?.PublicIp ?? null,
      instanceId: blank(raw.Attachment?.InstanceId),
      instanceOwnerId: blank(raw.Attachment?.InstanceOwnerId),
      attachmentId: blank(raw.Attachment?.AttachmentId),
      attachmentStatus: blank(raw.Attachment?.Status),
      securityGroups: (raw.Groups ?? []).map((g) => ({ id: g.GroupId, name: g.GroupName ?? g.GroupId })),
      tags: tagsToObject(raw.TagSet),
    },
    addresses,
  };
}

function convertVpc(raw: z.infer<typeof vpcSchema>): InventoryVpc {
  const v4 = (raw.CidrBlockAssociationSet ?? []).filter((a) => associated(a.CidrBlockState)).map((a) => a.CidrBlock);
  if (raw.CidrBlock && !v4.includes(raw.CidrBlock)) v4.unshift(raw.CidrBlock);
  const v6 = (raw.Ipv6CidrBlockAssociationSet ?? []).filter((a) => associated(a.Ipv6CidrBlockState) && a.Ipv6CidrBlock).map((a) => a.Ipv6CidrBlock as string);
  const tagObject = tagsToObject(raw.Tags);
  return {
    id: raw.VpcId,
    accountId: raw.OwnerId,
    region: null,
    name: blank(tagObject.Name),
    cidrBlocks: v4.map((c) => (parseCidr(c) as { cidr: string }).cidr),
    ipv6CidrBlocks: v6.map((c) => (parseCidr(c) as { cidr: string }).cidr),
    isDefault: raw.IsDefault ?? false,
    state: blank(raw.State),
    tags: tagObject,
  };
}

function convertSubnet(raw: z.infer<typeof subnetSchema>): InventorySubnet {
  const tagObject = tagsToObject(raw.Tags);
  return {
    id: raw.SubnetId,
    vpcId: raw.VpcId,
    accountId: raw.OwnerId,
    region: regionOfAvailabilityZone(raw.AvailabilityZone) as string,
    availabilityZone: raw.AvailabilityZone,
    availabilityZoneId: blank(raw.AvailabilityZoneId),
    cidrBlock: raw.CidrBlock ? (parseCidr(raw.CidrBlock) as { cidr: string }).cidr : null,
    ipv6CidrBlocks: (raw.Ipv6CidrBlockAssociationSet ?? []).filter((a) => associated(a.Ipv6CidrBlockState)).map((a) => (parseCidr(a.Ipv6CidrBlock) as { cidr: string }).cidr),
    name: blank(tagObject.Name),
    tags: tagObject,
  };
}

// ─── CSV ────────────────────────────────────────────────────────────────────────────────────

/** Splits CSV text into rows of fields (RFC 4180 quoting), with each row's line number. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endRow = () => {
    fields.push(field);
    if (rowHasContent || fields.length > 1 || field.trim() !== "") rows.push({ line: rowLine, fields: fields.map((f) => f.trim()) });
    fields = [];
    field = "";
    rowHasContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      rowHasContent = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      rowHasContent = true;
    } else if (c === "\n") {
      endRow();
      line++;
      rowLine = line;
    } else if (c !== "\r") {
      field += c;
    }
  }
  endRow();
  return rows.filter((row) => !(row.fields.length === 1 && row.fields[0] === "") && !row.fields[0]?.startsWith("#"));
}

const CSV_HEADERS: { kind: "known-networks" | "accounts" | "services"; columns: string[]; aliases?: string[][] }[] = [
  { kind: "known-networks", columns: ["cidr", "name", "category"] },
  { kind: "accounts", columns: ["account_id", "name", "environment", "team"], aliases: [["id", "account", "accountid"], [], ["env"], ["owner", "owning_team"]] },
  { kind: "services", columns: ["service", "team", "description"], aliases: [["name"], ["owner"], []] },
];

function parseCsvFile(file: string, text: string): ParsedInventoryFile {
  const rows = parseCsv(text);
  const problems: ImportProblem[] = [];
  if (rows.length === 0) return { ok: false, file, problems: [{ file, location: "line 1", line: 1, message: "The file is empty." }] };
  const header = (rows[0] as { fields: string[] }).fields.map((f) => f.toLowerCase().replace(/[\s-]+/g, "_"));
  let spec = CSV_HEADERS.find((candidate) =>
    candidate.columns.every((column, i) => header.includes(column) || (candidate.aliases?.[i] ?? []).some((alias) => header.includes(alias))),
  );
  let body = rows.slice(1);
  let columnIndex: number[];
  if (spec) {
    columnIndex = spec.columns.map((column, i) => {
      const names = [column, ...(spec?.aliases?.[i] ?? [])];
      return header.findIndex((h) => names.includes(h));
    });
  } else if (parseCidr(rows[0]?.fields[0] ?? "")) {
    // Known networks without a header line.
    spec = CSV_HEADERS[0] as (typeof CSV_HEADERS)[number];
    body = rows;
    columnIndex = [0, 1, 2];
  } else {
    return {
      ok: false,
      file,
      problems: [
        {
          file,
          location: "line 1",
          line: rows[0]?.line ?? 1,
          message:
            "This CSV has no header flowlens knows. Use cidr,name,category (known networks), account_id,name,environment,team (accounts) " +
            "or service,team,description (services).",
        },
      ],
    };
  }
  const column = (row: { fields: string[] }, i: number) => {
    const index = columnIndex[i] as number;
    return index < 0 ? "" : (row.fields[index] ?? "");
  };
  const names = spec.columns;
  const keyed = new Map<string, number>();
  const records: string[][] = [];
  for (const row of body) {
    const values = names.map((_, i) => column(row, i));
    const problem = (field: string, message: string) => problems.push({ file, location: `line ${row.line}`, line: row.line, field, message });
    if (spec.kind === "known-networks") {
      const range = parseCidr(values[0] as string);
      if (!range) problem("cidr", `"${values[0]}" is not a CIDR block such as 203.0.113.0/24.`);
      if (values[1] === "") problem("name", "missing: every known network needs a name.");
      if (values[2] === "") problem("category", "missing: give a category such as office, vpn, saas or partner.");
      if (range) values[0] = range.cidr;
    } else if (spec.kind === "accounts") {
      if (!/^\d{12}$/.test(values[0] as string)) problem("account_id", `"${values[0]}" is not a 12-digit AWS account id.`);
    } else if (values[0] === "") {
      problem("service", "missing: every row names a service.");
    }
    const key = values[0] as string;
    const first = keyed.get(key);
    if (key !== "" && first !== undefined) problem(names[0] as string, `${key} is listed twice (also on line ${first}).`);
    keyed.set(key, row.line);
    records.push(values);
  }
  if (problems.length > 0) return { ok: false, file, kind: spec.kind, problems };
  const orNull = (value: string | undefined) => (value === undefined || value === "" ? null : value);
  switch (spec.kind) {
    case "known-networks":
      return { ok: true, file, content: { kind: "known-networks", networks: records.map(([c, name, category]) => ({ cidr: c as string, name: name as string, category: category as string })) } };
    case "accounts":
      return {
        ok: true,
        file,
        content: { kind: "accounts", accounts: records.map(([accountIdValue, name, environment, team]) => ({ id: accountIdValue as string, name: orNull(name), environment: orNull(environment), team: orNull(team) })) },
      };
    case "services":
      return { ok: true, file, content: { kind: "services", services: records.map(([name, team, description]) => ({ name: name as string, team: orNull(team), description: orNull(description) })) } };
  }
}

// ─── detection ──────────────────────────────────────────────────────────────────────────────

function arrayUnder(file: string, data: Record<string, unknown>, key: string, problems: ImportProblem[]): unknown[] {
  const value = data[key];
  if (!Array.isArray(value)) {
    problems.push({ file, location: key, field: key, message: `${key} must be a list.` });
    return [];
  }
  return value;
}

/** Reads one inventory file, detecting its format from the content. */
export function parseInventoryFile(file: string, text: string): ParsedInventoryFile {
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed === "") return { ok: false, file, problems: [{ file, location: "line 1", line: 1, message: "The file is empty." }] };
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return parseCsvFile(file, text.replace(/^\uFEFF/, ""));

  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message);
    const where = offset ? lineAndColumn(text, Number(offset[1])) : undefined;
    return {
      ok: false,
      file,
      problems: [{ file, location: where ? `line ${where.line}, column ${where.column}` : "JSON", line: where?.line, message: `The file is not valid JSON: ${message}` }],
    };
  }
  const problems: ImportProblem[] = [];
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, file, problems: [{ file, location: "JSON", message: "Expected a JSON object as the AWS CLI prints it, e.g. {\"NetworkInterfaces\": [...]}." }] };
  }
  const object = data as Record<string, unknown>;
  const complete = !("NextToken" in object);
  if ("NetworkInterfaces" in object) {
    const items = arrayUnder(file, object, "NetworkInterfaces", problems);
    const interfaces = validateRecords(file, text, "NetworkInterfaces", items, networkInterfaceSchema, convertInterface, problems);
    if (problems.length === 0) duplicates(file, "NetworkInterfaces", interfaces, (i) => i.iface.id, text, problems);
    return problems.length > 0 ? { ok: false, file, kind: "network-interfaces", problems } : { ok: true, file, content: { kind: "network-interfaces", interfaces, complete } };
  }
  if ("Vpcs" in object) {
    const items = arrayUnder(file, object, "Vpcs", problems);
    const vpcs = validateRecords(file, text, "Vpcs", items, vpcSchema, convertVpc, problems);
    if (problems.length === 0) duplicates(file, "Vpcs", vpcs, (v) => v.id, text, problems);
    return problems.length > 0 ? { ok: false, file, kind: "vpcs", problems } : { ok: true, file, content: { kind: "vpcs", vpcs, complete } };
  }
  if ("Subnets" in object) {
    const items = arrayUnder(file, object, "Subnets", problems);
    const subnets = validateRecords(file, text, "Subnets", items, subnetSchema, convertSubnet, problems);
    if (problems.length === 0) duplicates(file, "Subnets", subnets, (s) => s.id, text, problems);
    return problems.length > 0 ? { ok: false, file, kind: "subnets", problems } : { ok: true, file, content: { kind: "subnets", subnets, complete } };
  }
  if ("prefixes" in object && ("syncToken" in object || "createDate" in object)) {
    const v4 = validateRecords(file, text, "prefixes", arrayUnder(file, object, "prefixes", problems), ipRangeSchema, (r): AwsIpRange => ({
      prefix: (parseCidr(r.ip_prefix) as { cidr: string }).cidr,
      service: r.service,
      region: r.region,
      networkBorderGroup: r.network_border_group ?? null,
    }), problems);
    const v6 =
      "ipv6_prefixes" in object
        ? validateRecords(file, text, "ipv6_prefixes", arrayUnder(file, object, "ipv6_prefixes", problems), ipv6RangeSchema, (r): AwsIpRange => ({
            prefix: (parseCidr(r.ipv6_prefix) as { cidr: string }).cidr,
            service: r.service,
            region: r.region,
            networkBorderGroup: r.network_border_group ?? null,
          }), problems)
        : [];
    if (problems.length > 0) return { ok: false, file, kind: "ip-ranges", problems };
    return { ok: true, file, content: { kind: "ip-ranges", syncToken: String(object.syncToken ?? ""), createDate: String(object.createDate ?? ""), ranges: [...v4, ...v6] } };
  }
  if ("FlowLogs" in object) {
    const flowLogs = validateRecords(file, text, "FlowLogs", arrayUnder(file, object, "FlowLogs", problems), flowLogSchema, (f) => ({
      flowLogId: f.FlowLogId,
      // A flow log created without a LogFormat writes the default format.
      format: parseFlowFormat(f.LogFormat ?? DEFAULT_FLOW_FORMAT.text).header,
      resourceId: blank(f.ResourceId),
    }), problems);
    if (problems.length === 0) duplicates(file, "FlowLogs", flowLogs, (f) => f.flowLogId, text, problems);
    return problems.length > 0 ? { ok: false, file, kind: "flow-logs", problems } : { ok: true, file, content: { kind: "flow-logs", flowLogs } };
  }
  if ("Accounts" in object) {
    const accounts = validateRecords(file, text, "Accounts", arrayUnder(file, object, "Accounts", problems), organizationAccountSchema, (a): InventoryAccount => {
      const tagObject = tagsToObject(a.Tags);
      return {
        id: a.Id,
        name: blank(a.Name),
        environment: blank(tagObject.environment ?? tagObject.Environment ?? tagObject.env),
        team: blank(tagObject.team ?? tagObject.Team ?? tagObject.owner),
      };
    }, problems);
    if (problems.length === 0) duplicates(file, "Accounts", accounts, (a) => a.id, text, problems);
    return problems.length > 0 ? { ok: false, file, kind: "accounts", problems } : { ok: true, file, content: { kind: "accounts", accounts } };
  }
  return {
    ok: false,
    file,
    problems: [
      {
        file,
        location: "JSON",
        message:
          `The JSON has keys ${Object.keys(object).slice(0, 5).map((k) => JSON.stringify(k)).join(", ") || "(none)"}, which is none of the formats flowlens imports: ` +
          "the output of aws ec2 describe-network-interfaces / describe-vpcs / describe-subnets / describe-flow-logs, aws organizations list-accounts, or AWS's ip-ranges.json.",
      },
    ],
  };
}
