/**
 * Importing inventory files into PostgreSQL: all files of one import in one transaction (a file
 * with any problem, or any failure, writes nothing), with a dry run that does the same work and
 * rolls it back, so its report is exactly what applying would do.
 *
 * What a file means:
 * - describe-network-interfaces / describe-subnets: the complete list for each (account, region)
 *   it contains. Listed things are created or updated (last seen = the import's time); things of
 *   those accounts and regions it no longer lists are marked deleted, never removed. Interface
 *   addresses keep their own validity (an address gone from an interface is marked removed).
 * - describe-vpcs: the same, for VPCs whose region is known (from --region, or from their subnets
 *   or interfaces: describe-vpcs does not print regions).
 * - ip-ranges.json and the known-networks CSV replace the whole set.
 * - accounts and services files create or update what they list; describe-flow-logs sets each
 *   listed flow log's record format (source "configured").
 */
import type { Database } from "../../db/client";
import type { Prisma } from "../../db/generated/client";
import { AppError } from "../../errors";
import type { InventoryAccount, InventoryAddress, InventoryInterface, InventoryService, InventorySubnet, InventoryVpc, KnownNetwork, AwsIpRange } from "../model";
import { saveFlowLogFormat } from "../flow-log-formats";
import { bumpInventoryStamp, currentInventoryStamp } from "../stamp";
import { INVENTORY_FILE_KINDS, type ImportProblem, type InventoryFileContent, type InventoryFileKind, type ParsedInterface, parseInventoryFile } from "./formats";

type Tx = Prisma.TransactionClient;

export interface InventoryFileInput {
  /** The file's name, used in every message about it. */
  name: string;
  text: string;
  /** The region a describe-vpcs file was taken in, when known (the sync from AWS knows it). */
  region?: string;
}

export interface ImportInventoryOptions {
  db: Database;
  files: InventoryFileInput[];
  /** When the files were taken from AWS; default now. A file older than what is stored is refused. */
  observedAt?: Date;
  /** Report what would change and write nothing. */
  dryRun: boolean;
  /** Who imports (the portal user, or `cli`). */
  importedBy: string;
  /** The region of describe-vpcs files (the AWS CLI does not print it). */
  region?: string;
}

export interface FileChangeSummary {
  file: string;
  kind: InventoryFileKind;
  /** The format in words, e.g. "aws ec2 describe-network-interfaces". */
  format: string;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** A few ids or names of each change, for the preview. */
  samples: { created: string[]; updated: string[]; deleted: string[] };
  /** Things worth knowing: address changes, scope, why nothing was marked deleted … */
  notes: string[];
}

export interface ImportResult {
  ok: boolean;
  /** True when the changes were written (not a dry run, no problems). */
  applied: boolean;
  dryRun: boolean;
  observedAt: string;
  problems: ImportProblem[];
  files: FileChangeSummary[];
  /** The inventory stamp after the import (unchanged after a dry run). */
  stamp: number | null;
}

const SAMPLE = 8;
const ORDER: InventoryFileKind[] = ["accounts", "services", "flow-logs", "subnets", "vpcs", "network-interfaces", "known-networks", "ip-ranges"];

class Rollback extends Error {}

function summary(file: string, kind: InventoryFileKind, records: number): FileChangeSummary {
  return { file, kind, format: INVENTORY_FILE_KINDS[kind], records, created: 0, updated: 0, unchanged: 0, deleted: 0, samples: { created: [], updated: [], deleted: [] }, notes: [] };
}

function note(s: FileChangeSummary, change: "created" | "updated" | "deleted", what: string): void {
  s[change]++;
  if (s.samples[change].length < SAMPLE) s.samples[change].push(what);
}

const json = (value: unknown) => value as Prisma.InputJsonValue;
/** JSON text with object keys sorted: PostgreSQL's jsonb does not keep the order keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const scopeKey = (accountId: string, region: string) => `${accountId}/${region}`;

/** Parses, validates and imports the files; see the file comment for what each kind means. */
export async function importInventory(options: ImportInventoryOptions): Promise<ImportResult> {
  const observedAt = options.observedAt ?? new Date();
  if (Number.isNaN(observedAt.getTime())) throw new AppError("BAD_REQUEST", "The import time is not a valid date.");
  const parsed = options.files.map((file) => parseInventoryFile(file.name, file.text));
  const problems = parsed.flatMap((p) => (p.ok ? [] : p.problems));
  const result: ImportResult = { ok: false, applied: false, dryRun: options.dryRun, observedAt: observedAt.toISOString(), problems, files: [], stamp: null };
  if (options.files.length === 0) {
    result.problems.push({ file: "(none)", location: "", message: "No files to import." });
    return result;
  }
  if (problems.length > 0) return result;

  const contents = parsed
    .map((p, index) => ({ index, file: p.file, region: options.files[index]?.region, content: (p as { content: InventoryFileContent }).content }))
    .sort((a, b) => ORDER.indexOf(a.content.kind) - ORDER.indexOf(b.content.kind) || a.index - b.index);

  try {
    await options.db.$transaction(
      async (tx) => {
        // One import at a time: two imports of the same account would race on "not listed = deleted".
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('flowlens:inventory-import'))`;
        const changes: FileChangeSummary[] = [];
        for (const { file, region, content } of contents) {
          const s = await applyContent(tx, file, content, observedAt, region ?? options.region, result.problems);
          changes.push(s);
        }
        result.files = [...changes].sort((a, b) => options.files.findIndex((f) => f.name === a.file) - options.files.findIndex((f) => f.name === b.file));
        if (result.problems.length > 0) throw new Rollback();
        const changed = changes.some((c) => c.created + c.updated + c.deleted > 0 || c.notes.some((n) => n.startsWith("addresses")));
        for (const c of changes) {
          await tx.inventoryImport.create({
            data: { fileName: c.file, kind: c.kind, observedAt, importedBy: options.importedBy, summary: json({ ...c, samples: undefined }) },
          });
        }
        result.stamp = changed ? await bumpInventoryStamp(tx) : await currentInventoryStamp(tx);
        if (options.dryRun) throw new Rollback();
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
    result.ok = true;
    result.applied = true;
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    result.ok = result.problems.length === 0;
    if (options.dryRun) result.stamp = null;
  }
  return result;
}

async function applyContent(tx: Tx, file: string, content: InventoryFileContent, at: Date, region: string | undefined, problems: ImportProblem[]): Promise<FileChangeSummary> {
  switch (content.kind) {
    case "accounts":
      return applyAccounts(tx, file, content.accounts);
    case "services":
      return applyServices(tx, file, content.services);
    case "subnets":
      return applySubnets(tx, file, content.subnets, content.complete, at, problems);
    case "vpcs":
      return applyVpcs(tx, file, content.vpcs, content.complete, at, region, problems);
    case "network-interfaces":
      return applyInterfaces(tx, file, content.interfaces, content.complete, at, problems);
    case "known-networks":
      return applyKnownNetworks(tx, file, content.networks);
    case "ip-ranges":
      return applyIpRanges(tx, file, content.ranges, content.syncToken, content.createDate);
    case "flow-logs":
      return applyFlowLogs(tx, file, content.flowLogs);
  }
}

// ─── accounts, services ─────────────────────────────────────────────────────────────────────

async function ensureAccounts(tx: Tx, ids: Iterable<string>): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length > 0) await tx.awsAccount.createMany({ data: unique.map((id) => ({ id })), skipDuplicates: true });
}

async function applyAccounts(tx: Tx, file: string, accounts: InventoryAccount[]): Promise<FileChangeSummary> {
  const s = summary(file, "accounts", accounts.length);
  const existing = new Map((await tx.awsAccount.findMany({ where: { id: { in: accounts.map((a) => a.id) } } })).map((a) => [a.id, a]));
  for (const account of accounts) {
    const before = existing.get(account.id);
    const data = { name: account.name, environment: account.environment, team: account.team };
    if (!before) {
      await tx.awsAccount.create({ data: { id: account.id, ...data } });
      note(s, "created", `${account.id} ${account.name ?? ""}`.trim());
    } else if (before.name !== data.name || before.environment !== data.environment || before.team !== data.team) {
      await tx.awsAccount.update({ where: { id: account.id }, data: { ...data, updatedAt: new Date() } });
      note(s, "updated", `${account.id} ${account.name ?? ""}`.trim());
    } else {
      s.unchanged++;
    }
  }
  return s;
}

async function applyServices(tx: Tx, file: string, services: InventoryService[]): Promise<FileChangeSummary> {
  const s = summary(file, "services", services.length);
  const existing = new Map((await tx.service.findMany({ where: { name: { in: services.map((x) => x.name) } } })).map((x) => [x.name, x]));
  for (const service of services) {
    const before = existing.get(service.name);
    if (!before) {
      await tx.service.create({ data: service });
      note(s, "created", service.name);
    } else if (before.team !== service.team || before.description !== service.description) {
      await tx.service.update({ where: { name: service.name }, data: { team: service.team, description: service.description, updatedAt: new Date() } });
      note(s, "updated", service.name);
    } else {
      s.unchanged++;
    }
  }
  return s;
}

async function applyFlowLogs(tx: Tx, file: string, flowLogs: { flowLogId: string; format: string }[]): Promise<FileChangeSummary> {
  const s = summary(file, "flow-logs", flowLogs.length);
  const existing = new Map((await tx.flowLogFormat.findMany({ where: { flowLogId: { in: flowLogs.map((f) => f.flowLogId) } } })).map((f) => [f.flowLogId, f]));
  for (const flowLog of flowLogs) {
    const before = existing.get(flowLog.flowLogId);
    if (before?.format === flowLog.format) {
      s.unchanged++;
      continue;
    }
    await saveFlowLogFormat(tx, flowLog.flowLogId, flowLog.format, "configured");
    note(s, before ? "updated" : "created", flowLog.flowLogId);
  }
  return s;
}

// ─── things with validity: subnets, VPCs, interfaces ─────────────────────────────────────────

/** Refuses a file older than what is stored for its scopes: "not listed" would then undo newer knowledge. */
function refuseOlder(file: string, at: Date, latest: { lastSeen: Date; scope: string } | undefined, what: string, problems: ImportProblem[]): boolean {
  if (!latest || latest.lastSeen.getTime() <= at.getTime()) return false;
  problems.push({
    file,
    location: "file",
    message:
      `This file is older than the inventory: ${what} of ${latest.scope} were last seen at ${latest.lastSeen.toISOString()}, after this import's time ` +
      `${at.toISOString()}. Import snapshots in time order (or give the time the file was taken with --observed-at).`,
  });
  return true;
}

async function applySubnets(tx: Tx, file: string, subnets: InventorySubnet[], complete: boolean, at: Date, problems: ImportProblem[]): Promise<FileChangeSummary> {
  const s = summary(file, "subnets", subnets.length);
  const scopes = new Set(subnets.map((x) => scopeKey(x.accountId, x.region)));
  const scopeFilter = [...scopes].map((key) => {
    const [accountId, region] = key.split("/") as [string, string];
    return { accountId, region };
  });
  const existing = await tx.subnet.findMany({ where: { OR: [{ id: { in: subnets.map((x) => x.id) } }, ...scopeFilter] } });
  const newest = existing.filter((e) => scopes.has(scopeKey(e.accountId, e.region))).sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime())[0];
  if (refuseOlder(file, at, newest && { lastSeen: newest.lastSeen, scope: scopeKey(newest.accountId, newest.region) }, "subnets", problems)) return s;
  await ensureAccounts(tx, subnets.map((x) => x.accountId));
  const byId = new Map(existing.map((e) => [e.id, e]));
  const seenUnchanged: string[] = [];
  for (const subnet of subnets) {
    const before = byId.get(subnet.id);
    const data = { ...subnet, tags: json(subnet.tags) };
    if (!before) {
      await tx.subnet.create({ data: { ...data, firstSeen: at, lastSeen: at } });
      note(s, "created", subnet.name ? `${subnet.id} (${subnet.name})` : subnet.id);
      continue;
    }
    const same =
      before.deletedAt === null &&
      before.vpcId === subnet.vpcId &&
      before.accountId === subnet.accountId &&
      before.region === subnet.region &&
      before.availabilityZone === subnet.availabilityZone &&
      before.availabilityZoneId === subnet.availabilityZoneId &&
      before.cidrBlock === subnet.cidrBlock &&
      sameList(before.ipv6CidrBlocks, subnet.ipv6CidrBlocks) &&
      before.name === subnet.name &&
      sameJson(before.tags, subnet.tags);
    if (same) {
      s.unchanged++;
      seenUnchanged.push(subnet.id);
    } else {
      await tx.subnet.update({ where: { id: subnet.id }, data: { ...data, lastSeen: at, deletedAt: null } });
      note(s, "updated", subnet.id);
    }
  }
  if (seenUnchanged.length > 0) await tx.subnet.updateMany({ where: { id: { in: seenUnchanged } }, data: { lastSeen: at } });
  const listed = new Set(subnets.map((x) => x.id));
  const gone = existing.filter((e) => e.deletedAt === null && !listed.has(e.id) && scopes.has(scopeKey(e.accountId, e.region)));
  if (!complete) {
    if (gone.length > 0) s.notes.push(`the file has a NextToken (one page of a paginated answer): ${gone.length} subnets it does not list were not marked deleted`);
  } else if (gone.length > 0) {
    await tx.subnet.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { deletedAt: at } });
    for (const g of gone) note(s, "deleted", g.id);
  }
  // describe-vpcs does not print regions: the subnets tell them.
  for (const [vpcId, region] of new Map(subnets.map((x) => [x.vpcId, x.region]))) {
    await tx.vpc.updateMany({ where: { id: vpcId, region: null }, data: { region } });
  }
  if (scopes.size > 0) s.notes.push(`describes ${[...scopes].join(", ")}`);
  return s;
}

async function applyVpcs(tx: Tx, file: string, vpcs: InventoryVpc[], complete: boolean, at: Date, region: string | undefined, problems: ImportProblem[]): Promise<FileChangeSummary> {
  const s = summary(file, "vpcs", vpcs.length);
  const ids = vpcs.map((v) => v.id);
  const existing = await tx.vpc.findMany({ where: { OR: [{ id: { in: ids } }, { accountId: { in: [...new Set(vpcs.map((v) => v.accountId))] } }] } });
  const byId = new Map(existing.map((e) => [e.id, e]));
  // Region of each VPC: given, else what its subnets or interfaces say, else what we knew.
  const subnetRegions = await tx.subnet.findMany({ where: { vpcId: { in: ids } }, select: { vpcId: true, region: true }, distinct: ["vpcId"] });
  const interfaceRegions = await tx.networkInterface.findMany({ where: { vpcId: { in: ids } }, select: { vpcId: true, region: true }, distinct: ["vpcId"] });
  const known = new Map<string, string>();
  for (const row of [...interfaceRegions, ...subnetRegions]) known.set(row.vpcId, row.region);
  const regionOf = (vpc: InventoryVpc) => region ?? known.get(vpc.id) ?? byId.get(vpc.id)?.region ?? null;
  const scopes = new Set<string>();
  let unknownRegion = 0;
  for (const vpc of vpcs) {
    const r = regionOf(vpc);
    if (r) scopes.add(scopeKey(vpc.accountId, r));
    else unknownRegion++;
  }
  const inScope = existing.filter((e) => e.region !== null && scopes.has(scopeKey(e.accountId, e.region)));
  const newest = inScope.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime())[0];
  if (refuseOlder(file, at, newest && { lastSeen: newest.lastSeen, scope: scopeKey(newest.accountId, newest.region as string) }, "VPCs", problems)) return s;
  await ensureAccounts(tx, vpcs.map((v) => v.accountId));
  const seenUnchanged: string[] = [];
  for (const vpc of vpcs) {
    const before = byId.get(vpc.id);
    const data = { ...vpc, region: regionOf(vpc), tags: json(vpc.tags) };
    if (!before) {
      await tx.vpc.create({ data: { ...data, firstSeen: at, lastSeen: at } });
      note(s, "created", vpc.name ? `${vpc.id} (${vpc.name})` : vpc.id);
      continue;
    }
    const same =
      before.deletedAt === null &&
      before.accountId === vpc.accountId &&
      before.region === data.region &&
      before.name === vpc.name &&
      sameList(before.cidrBlocks, vpc.cidrBlocks) &&
      sameList(before.ipv6CidrBlocks, vpc.ipv6CidrBlocks) &&
      before.isDefault === vpc.isDefault &&
      before.state === vpc.state &&
      sameJson(before.tags, vpc.tags);
    if (same) {
      s.unchanged++;
      seenUnchanged.push(vpc.id);
    } else {
      await tx.vpc.update({ where: { id: vpc.id }, data: { ...data, lastSeen: at, deletedAt: null } });
      note(s, "updated", vpc.id);
    }
  }
  if (seenUnchanged.length > 0) await tx.vpc.updateMany({ where: { id: { in: seenUnchanged } }, data: { lastSeen: at } });
  const listed = new Set(ids);
  const gone = inScope.filter((e) => e.deletedAt === null && !listed.has(e.id));
  if (!complete) {
    if (gone.length > 0) s.notes.push(`the file has a NextToken (one page of a paginated answer): ${gone.length} VPCs it does not list were not marked deleted`);
  } else if (gone.length > 0) {
    await tx.vpc.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { deletedAt: at } });
    for (const g of gone) note(s, "deleted", g.id);
  }
  if (unknownRegion > 0) {
    s.notes.push(
      `${unknownRegion} VPCs have no known region yet (describe-vpcs does not print it): import their subnets or interfaces, or give --region; VPCs of unknown region are never marked deleted`,
    );
  }
  return s;
}

type StoredAddress = { id: bigint; interfaceId: string; address: string; kind: InventoryAddress["kind"]; primary: boolean };

function interfaceChanged(before: Record<string, unknown>, after: InventoryInterface): boolean {
  for (const [key, value] of Object.entries(after)) {
    if (key === "id") continue;
    const stored = before[key];
    if (key === "securityGroups" || key === "tags" ? !sameJson(stored, value) : stored !== value) return true;
  }
  return false;
}

async function applyInterfaces(tx: Tx, file: string, interfaces: ParsedInterface[], complete: boolean, at: Date, problems: ImportProblem[]): Promise<FileChangeSummary> {
  const s = summary(file, "network-interfaces", interfaces.length);
  const scopes = new Set(interfaces.map((x) => scopeKey(x.iface.accountId, x.iface.region)));
  const scopeFilter = [...scopes].map((key) => {
    const [accountId, region] = key.split("/") as [string, string];
    return { accountId, region };
  });
  if (interfaces.length === 0) {
    s.notes.push("the file lists no interfaces, so it says nothing about which account and region it describes: nothing was marked deleted");
    return s;
  }
  const existing = await tx.networkInterface.findMany({ where: { OR: [{ id: { in: interfaces.map((x) => x.iface.id) } }, ...scopeFilter] } });
  const newest = existing.filter((e) => scopes.has(scopeKey(e.accountId, e.region))).sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime())[0];
  if (refuseOlder(file, at, newest && { lastSeen: newest.lastSeen, scope: scopeKey(newest.accountId, newest.region) }, "interfaces", problems)) return s;
  await ensureAccounts(tx, interfaces.map((x) => x.iface.accountId));

  const byId = new Map(existing.map((e) => [e.id, e]));
  const openAddresses = (await tx.interfaceAddress.findMany({
    where: { interfaceId: { in: existing.map((e) => e.id) }, removedAt: null },
    select: { id: true, interfaceId: true, address: true, kind: true, primary: true },
  })) as StoredAddress[];
  const addressesOf = new Map<string, StoredAddress[]>();
  for (const a of openAddresses) addressesOf.set(a.interfaceId, [...(addressesOf.get(a.interfaceId) ?? []), a]);

  const toCreate: Prisma.NetworkInterfaceCreateManyInput[] = [];
  const addressesToCreate: Prisma.InterfaceAddressCreateManyInput[] = [];
  const unchangedIds: string[] = [];
  const keptAddressIds: bigint[] = [];
  const removedAddressIds: bigint[] = [];
  let addressesAdded = 0;

  for (const { iface, addresses } of interfaces) {
    const before = byId.get(iface.id);
    const data = { ...iface, securityGroups: json(iface.securityGroups), tags: json(iface.tags) };
    const newAddress = (a: InventoryAddress) => addressesToCreate.push({ interfaceId: iface.id, address: a.address, kind: a.kind, primary: a.primary, firstSeen: at, lastSeen: at });
    if (!before) {
      toCreate.push({ ...data, firstSeen: at, lastSeen: at });
      addresses.forEach(newAddress);
      note(s, "created", iface.id);
      continue;
    }
    if (before.deletedAt !== null || interfaceChanged(before as unknown as Record<string, unknown>, iface)) {
      await tx.networkInterface.update({ where: { id: iface.id }, data: { ...data, lastSeen: at, deletedAt: null } });
      note(s, "updated", before.deletedAt !== null ? `${iface.id} (listed again)` : iface.id);
    } else {
      s.unchanged++;
      unchangedIds.push(iface.id);
    }
    const stored = new Map((addressesOf.get(iface.id) ?? []).map((a) => [`${a.kind}:${a.address}`, a]));
    for (const a of addresses) {
      const match = stored.get(`${a.kind}:${a.address}`);
      if (match && match.primary === a.primary) {
        keptAddressIds.push(match.id);
        stored.delete(`${a.kind}:${a.address}`);
      } else {
        if (match) {
          removedAddressIds.push(match.id);
          stored.delete(`${a.kind}:${a.address}`);
        }
        newAddress(a);
        addressesAdded++;
      }
    }
    for (const left of stored.values()) removedAddressIds.push(left.id);
  }
  if (toCreate.length > 0) await tx.networkInterface.createMany({ data: toCreate });
  if (unchangedIds.length > 0) await tx.networkInterface.updateMany({ where: { id: { in: unchangedIds } }, data: { lastSeen: at } });

  const listed = new Set(interfaces.map((x) => x.iface.id));
  const gone = existing.filter((e) => e.deletedAt === null && !listed.has(e.id) && scopes.has(scopeKey(e.accountId, e.region)));
  if (!complete) {
    if (gone.length > 0) s.notes.push(`the file has a NextToken (one page of a paginated answer): ${gone.length} interfaces it does not list were not marked deleted`);
  } else if (gone.length > 0) {
    await tx.networkInterface.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { deletedAt: at } });
    for (const g of gone) {
      note(s, "deleted", g.id);
      for (const a of addressesOf.get(g.id) ?? []) removedAddressIds.push(a.id);
    }
  }
  if (keptAddressIds.length > 0) await tx.interfaceAddress.updateMany({ where: { id: { in: keptAddressIds } }, data: { lastSeen: at } });
  if (removedAddressIds.length > 0) await tx.interfaceAddress.updateMany({ where: { id: { in: removedAddressIds } }, data: { removedAt: at } });
  if (addressesToCreate.length > 0) await tx.interfaceAddress.createMany({ data: addressesToCreate });
  if (addressesAdded > 0 || removedAddressIds.length > 0) {
    s.notes.push(`addresses: ${addressesAdded} added to known interfaces, ${removedAddressIds.length} removed`);
  }
  s.notes.push(`describes ${[...scopes].join(", ")}`);
  return s;
}

// ─── replaced sets: known networks, AWS ranges ──────────────────────────────────────────────

async function applyKnownNetworks(tx: Tx, file: string, networks: KnownNetwork[]): Promise<FileChangeSummary> {
  const s = summary(file, "known-networks", networks.length);
  const existing = await tx.knownNetwork.findMany();
  const byCidr = new Map(existing.map((e) => [e.cidr, e]));
  for (const network of networks) {
    const before = byCidr.get(network.cidr);
    if (!before) {
      await tx.knownNetwork.create({ data: network });
      note(s, "created", `${network.cidr} ${network.name}`);
    } else if (before.name !== network.name || before.category !== network.category) {
      await tx.knownNetwork.update({ where: { cidr: network.cidr }, data: { name: network.name, category: network.category } });
      note(s, "updated", `${network.cidr} ${network.name}`);
    } else {
      s.unchanged++;
    }
  }
  const listed = new Set(networks.map((n) => n.cidr));
  const gone = existing.filter((e) => !listed.has(e.cidr));
  if (gone.length > 0) await tx.knownNetwork.deleteMany({ where: { cidr: { in: gone.map((g) => g.cidr) } } });
  for (const g of gone) note(s, "deleted", `${g.cidr} ${g.name}`);
  s.notes.push("the file is the list of known networks: networks it does not list are removed");
  return s;
}

async function applyIpRanges(tx: Tx, file: string, ranges: AwsIpRange[], syncToken: string, createDate: string): Promise<FileChangeSummary> {
  const s = summary(file, "ip-ranges", ranges.length);
  const key = (r: { prefix: string; service: string; region: string; networkBorderGroup: string | null }) => `${r.prefix} ${r.service} ${r.region} ${r.networkBorderGroup ?? ""}`;
  const existing = await tx.awsIpRange.findMany({ select: { prefix: true, service: true, region: true, networkBorderGroup: true } });
  const before = new Set(existing.map(key));
  const after = new Set(ranges.map(key));
  for (const r of ranges) if (!before.has(key(r))) note(s, "created", `${r.prefix} ${r.service} ${r.region}`);
  for (const r of existing) if (!after.has(key(r))) note(s, "deleted", `${r.prefix} ${r.service} ${r.region}`);
  s.unchanged = ranges.length - s.created;
  if (s.created + s.deleted > 0) {
    await tx.awsIpRange.deleteMany({});
    for (let i = 0; i < ranges.length; i += 5000) await tx.awsIpRange.createMany({ data: ranges.slice(i, i + 5000) });
  }
  s.notes.push(`ip-ranges.json of ${createDate || "unknown date"} (syncToken ${syncToken || "none"}); it replaces the previous set`);
  return s;
}
