/**
 * Reading the inventory for people: summaries, lists with search, and one interface's history.
 * Service names come from the compiled enrichment lookup (the mapping rules evaluated once per
 * inventory stamp), so every page names interfaces exactly as enrichment does.
 */
import type { Database } from "../db/client";
import { getEnrichmentLookup } from "../enrichment/loader";
import type { InterfaceEndpoint } from "../enrichment/lookup";
import { AppError } from "../errors";
import type { SecurityGroupRef } from "./model";

export interface InventoryDeps {
  db: Database;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** Words of `q` (case-insensitive) must each appear in one of `fields`. */
export function matchesSearch(q: string | undefined, fields: readonly (string | null | undefined)[]): boolean {
  const words = (q ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return true;
  const haystack = fields.filter((f): f is string => typeof f === "string").join("\n").toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export interface InventorySummary {
  stamp: number;
  accounts: number;
  vpcs: number;
  subnets: number;
  interfaces: number;
  deletedInterfaces: number;
  unmappedInterfaces: number;
  services: number;
  knownNetworks: number;
  awsRanges: number;
  flowLogFormats: number;
  lastImport: { at: string; file: string; kind: string; by: string } | null;
}

export async function inventorySummary({ db }: InventoryDeps): Promise<InventorySummary> {
  const lookup = await getEnrichmentLookup(db);
  const endpoints = lookup.interfaceEndpoints();
  const current = endpoints.filter((e) => e.deletedAt === null);
  const last = await db.inventoryImport.findFirst({ orderBy: { importedAt: "desc" } });
  return {
    stamp: lookup.version,
    accounts: await db.awsAccount.count(),
    vpcs: await db.vpc.count({ where: { deletedAt: null } }),
    subnets: await db.subnet.count({ where: { deletedAt: null } }),
    interfaces: current.length,
    deletedInterfaces: endpoints.length - current.length,
    unmappedInterfaces: current.filter((e) => e.service === null).length,
    services: new Set(current.map((e) => e.service).filter((s) => s !== null)).size,
    knownNetworks: await db.knownNetwork.count(),
    awsRanges: await db.awsIpRange.count(),
    flowLogFormats: await db.flowLogFormat.count(),
    lastImport: last ? { at: last.importedAt.toISOString(), file: last.fileName, kind: last.kind, by: last.importedBy } : null,
  };
}

export async function listAccounts({ db }: InventoryDeps, input: { q?: string }) {
  const lookup = await getEnrichmentLookup(db);
  const accounts = await db.awsAccount.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] });
  const vpcs = await db.vpc.groupBy({ by: ["accountId"], where: { deletedAt: null }, _count: { _all: true } });
  const interfaces = new Map<string, number>();
  for (const e of lookup.interfaceEndpoints()) if (e.deletedAt === null) interfaces.set(e.accountId, (interfaces.get(e.accountId) ?? 0) + 1);
  return accounts
    .filter((a) => matchesSearch(input.q, [a.id, a.name, a.environment, a.team]))
    .map((a) => ({
      id: a.id,
      name: a.name,
      environment: a.environment,
      team: a.team,
      vpcs: vpcs.find((v) => v.accountId === a.id)?._count._all ?? 0,
      interfaces: interfaces.get(a.id) ?? 0,
    }));
}

export async function listVpcs({ db }: InventoryDeps, input: { q?: string; accountId?: string; includeDeleted?: boolean }) {
  const vpcs = await db.vpc.findMany({
    where: { ...(input.accountId ? { accountId: input.accountId } : {}), ...(input.includeDeleted ? {} : { deletedAt: null }) },
    orderBy: [{ accountId: "asc" }, { name: "asc" }, { id: "asc" }],
  });
  const accounts = new Map((await db.awsAccount.findMany()).map((a) => [a.id, a]));
  const subnets = await db.subnet.groupBy({ by: ["vpcId"], where: { deletedAt: null }, _count: { _all: true } });
  const interfaces = await db.networkInterface.groupBy({ by: ["vpcId"], where: { deletedAt: null }, _count: { _all: true } });
  return vpcs
    .map((v) => ({
      id: v.id,
      name: v.name,
      accountId: v.accountId,
      accountName: accounts.get(v.accountId)?.name ?? null,
      region: v.region,
      cidrBlocks: v.cidrBlocks,
      ipv6CidrBlocks: v.ipv6CidrBlocks,
      isDefault: v.isDefault,
      subnets: subnets.find((s) => s.vpcId === v.id)?._count._all ?? 0,
      interfaces: interfaces.find((i) => i.vpcId === v.id)?._count._all ?? 0,
      firstSeen: v.firstSeen.toISOString(),
      lastSeen: v.lastSeen.toISOString(),
      deletedAt: iso(v.deletedAt),
    }))
    .filter((v) => matchesSearch(input.q, [v.id, v.name, v.accountId, v.accountName, v.region, ...v.cidrBlocks, ...v.ipv6CidrBlocks]));
}

export async function listSubnets({ db }: InventoryDeps, input: { q?: string; vpcId?: string; includeDeleted?: boolean }) {
  const subnets = await db.subnet.findMany({
    where: { ...(input.vpcId ? { vpcId: input.vpcId } : {}), ...(input.includeDeleted ? {} : { deletedAt: null }) },
    orderBy: [{ vpcId: "asc" }, { availabilityZone: "asc" }, { name: "asc" }],
  });
  const vpcNames = new Map((await db.vpc.findMany({ select: { id: true, name: true } })).map((v) => [v.id, v.name]));
  const interfaces = await db.networkInterface.groupBy({ by: ["subnetId"], where: { deletedAt: null }, _count: { _all: true } });
  return subnets
    .map((s) => ({
      id: s.id,
      name: s.name,
      vpcId: s.vpcId,
      vpcName: vpcNames.get(s.vpcId) ?? null,
      accountId: s.accountId,
      region: s.region,
      availabilityZone: s.availabilityZone,
      availabilityZoneId: s.availabilityZoneId,
      cidrBlock: s.cidrBlock,
      ipv6CidrBlocks: s.ipv6CidrBlocks,
      interfaces: interfaces.find((i) => i.subnetId === s.id)?._count._all ?? 0,
      deletedAt: iso(s.deletedAt),
    }))
    .filter((s) => matchesSearch(input.q, [s.id, s.name, s.vpcId, s.vpcName, s.accountId, s.availabilityZone, s.availabilityZoneId, s.cidrBlock, ...s.ipv6CidrBlocks]));
}

export interface InterfaceListInput {
  q?: string;
  accountId?: string;
  vpcId?: string;
  subnetId?: string;
  service?: string;
  status?: "current" | "deleted" | "all";
  mapping?: "all" | "mapped" | "unmapped";
  limit?: number;
  offset?: number;
}

export interface InterfaceRow {
  id: string;
  service: string | null;
  team: string | null;
  rule: string | null;
  interfaceType: string;
  description: string;
  accountId: string;
  accountName: string | null;
  vpcId: string;
  vpcName: string | null;
  subnetId: string | null;
  availabilityZone: string | null;
  privateIp: string | null;
  publicIp: string | null;
  addresses: string[];
  requesterManaged: boolean;
  instanceId: string | null;
  firstSeen: string;
  lastSeen: string;
  deletedAt: string | null;
}

export async function listInterfaces({ db }: InventoryDeps, input: InterfaceListInput): Promise<{ total: number; rows: InterfaceRow[] }> {
  const lookup = await getEnrichmentLookup(db);
  const status = input.status ?? "current";
  const rows = await db.networkInterface.findMany({
    where: {
      ...(input.accountId ? { accountId: input.accountId } : {}),
      ...(input.vpcId ? { vpcId: input.vpcId } : {}),
      ...(input.subnetId ? { subnetId: input.subnetId } : {}),
      ...(status === "current" ? { deletedAt: null } : status === "deleted" ? { deletedAt: { not: null } } : {}),
    },
    include: { addresses: { where: { removedAt: null }, orderBy: [{ primary: "desc" }, { id: "asc" }], select: { address: true } } },
    orderBy: [{ vpcId: "asc" }, { id: "asc" }],
  });
  const matched = rows
    .map((row): InterfaceRow => {
      const endpoint: InterfaceEndpoint | undefined = lookup.interface(row.id)?.endpoint;
      return {
        id: row.id,
        service: endpoint?.service ?? null,
        team: endpoint?.team ?? null,
        rule: endpoint?.rule ?? null,
        interfaceType: row.interfaceType,
        description: row.description,
        accountId: row.accountId,
        accountName: endpoint?.accountName ?? null,
        vpcId: row.vpcId,
        vpcName: endpoint?.vpcName ?? null,
        subnetId: row.subnetId,
        availabilityZone: row.availabilityZone,
        privateIp: row.privateIp,
        publicIp: row.publicIp,
        addresses: row.addresses.map((a) => a.address),
        requesterManaged: row.requesterManaged,
        instanceId: row.instanceId,
        firstSeen: row.firstSeen.toISOString(),
        lastSeen: row.lastSeen.toISOString(),
        deletedAt: iso(row.deletedAt),
      };
    })
    .filter((row) => (input.mapping === "mapped" ? row.service !== null : input.mapping === "unmapped" ? row.service === null : true))
    .filter((row) => (input.service ? row.service === input.service : true))
    .filter((row) =>
      matchesSearch(input.q, [row.id, row.service, row.team, row.interfaceType, row.description, row.accountId, row.accountName, row.vpcId, row.vpcName, row.subnetId, row.instanceId, ...row.addresses]),
    );
  const offset = input.offset ?? 0;
  return { total: matched.length, rows: matched.slice(offset, offset + (input.limit ?? 100)) };
}

export async function listServices({ db }: InventoryDeps, input: { q?: string }) {
  const lookup = await getEnrichmentLookup(db);
  const registry = new Map((await db.service.findMany()).map((s) => [s.name, s]));
  const byService = new Map<string, { interfaces: number; teams: Set<string>; accounts: Set<string>; types: Set<string>; rules: Set<string> }>();
  for (const e of lookup.interfaceEndpoints()) {
    if (e.deletedAt !== null || e.service === null) continue;
    const entry = byService.get(e.service) ?? { interfaces: 0, teams: new Set(), accounts: new Set(), types: new Set(), rules: new Set() };
    entry.interfaces++;
    if (e.team) entry.teams.add(e.team);
    entry.accounts.add(e.accountName ?? e.accountId);
    entry.types.add(e.interfaceType);
    if (e.rule) entry.rules.add(e.rule);
    byService.set(e.service, entry);
  }
  const names = new Set([...byService.keys(), ...registry.keys()]);
  return [...names]
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const seen = byService.get(name);
      const registered = registry.get(name);
      return {
        name,
        team: registered?.team ?? (seen && seen.teams.size === 1 ? ([...seen.teams][0] as string) : seen && seen.teams.size > 1 ? [...seen.teams].sort().join(", ") : null),
        description: registered?.description ?? null,
        registered: registered !== undefined,
        interfaces: seen?.interfaces ?? 0,
        accounts: seen ? [...seen.accounts].sort() : [],
        interfaceTypes: seen ? [...seen.types].sort() : [],
        rules: seen ? [...seen.rules].sort() : [],
      };
    })
    .filter((s) => matchesSearch(input.q, [s.name, s.team, s.description, ...s.accounts, ...s.interfaceTypes]));
}

export async function listKnownNetworks({ db }: InventoryDeps, input: { q?: string }) {
  const rows = await db.knownNetwork.findMany({ orderBy: [{ category: "asc" }, { name: "asc" }] });
  return rows.map(({ cidr, name, category }) => ({ cidr, name, category })).filter((n) => matchesSearch(input.q, [n.cidr, n.name, n.category]));
}

export async function listFlowLogFormats({ db }: InventoryDeps) {
  const rows = await db.flowLogFormat.findMany({ orderBy: { flowLogId: "asc" } });
  return rows.map((r) => ({ flowLogId: r.flowLogId, format: r.format, source: r.source, updatedAt: r.updatedAt.toISOString() }));
}

export async function listImports({ db }: InventoryDeps, input: { limit?: number }) {
  const rows = await db.inventoryImport.findMany({ orderBy: { importedAt: "desc" }, take: input.limit ?? 20 });
  return rows.map((r) => ({ id: r.id, file: r.fileName, kind: r.kind, observedAt: r.observedAt.toISOString(), importedAt: r.importedAt.toISOString(), importedBy: r.importedBy, summary: r.summary as Record<string, unknown> }));
}

export interface InterfaceHistoryEvent {
  at: string;
  what: string;
}

/** One interface: its attributes, mapping, every address with its validity, and a history in time order. */
export async function interfaceDetail({ db }: InventoryDeps, id: string) {
  const row = await db.networkInterface.findUnique({ where: { id }, include: { addresses: { orderBy: [{ firstSeen: "asc" }, { id: "asc" }] } } });
  if (!row) throw new AppError("NOT_FOUND", `No interface ${id} in the inventory. Import the describe-network-interfaces output of its account and region.`);
  const lookup = await getEnrichmentLookup(db);
  const endpoint = lookup.interface(id)?.endpoint;
  const subnet = row.subnetId ? await db.subnet.findUnique({ where: { id: row.subnetId } }) : null;
  const history: InterfaceHistoryEvent[] = [{ at: row.firstSeen.toISOString(), what: "first seen" }];
  for (const a of row.addresses) {
    if (a.firstSeen.getTime() > row.firstSeen.getTime()) history.push({ at: a.firstSeen.toISOString(), what: `address ${a.address} added` });
    if (a.removedAt && (row.deletedAt === null || a.removedAt.getTime() < row.deletedAt.getTime())) history.push({ at: a.removedAt.toISOString(), what: `address ${a.address} removed` });
  }
  history.push({ at: row.lastSeen.toISOString(), what: "last seen" });
  if (row.deletedAt) history.push({ at: row.deletedAt.toISOString(), what: "deleted (no longer listed)" });
  history.sort((a, b) => a.at.localeCompare(b.at));
  // Who else held this interface's addresses (ENIs churn: the same address, other owners).
  const otherHolders = await db.interfaceAddress.findMany({
    where: { address: { in: [...new Set(row.addresses.map((a) => a.address))] }, interfaceId: { not: id }, interface: { vpcId: row.vpcId } },
    orderBy: { firstSeen: "asc" },
    select: { address: true, interfaceId: true, firstSeen: true, removedAt: true },
  });
  return {
    id: row.id,
    service: endpoint?.service ?? null,
    team: endpoint?.team ?? null,
    rule: endpoint?.rule ?? null,
    accountId: row.accountId,
    accountName: endpoint?.accountName ?? null,
    environment: endpoint?.environment ?? null,
    region: row.region,
    vpcId: row.vpcId,
    vpcName: endpoint?.vpcName ?? null,
    subnetId: row.subnetId,
    subnetName: subnet?.name ?? null,
    availabilityZone: row.availabilityZone,
    availabilityZoneId: subnet?.availabilityZoneId ?? null,
    interfaceType: row.interfaceType,
    description: row.description,
    requesterManaged: row.requesterManaged,
    requesterId: row.requesterId,
    status: row.status,
    macAddress: row.macAddress,
    privateDnsName: row.privateDnsName,
    privateIp: row.privateIp,
    publicIp: row.publicIp,
    instanceId: row.instanceId,
    attachmentId: row.attachmentId,
    attachmentStatus: row.attachmentStatus,
    securityGroups: row.securityGroups as unknown as SecurityGroupRef[],
    tags: row.tags as Record<string, string>,
    firstSeen: row.firstSeen.toISOString(),
    lastSeen: row.lastSeen.toISOString(),
    deletedAt: iso(row.deletedAt),
    addresses: row.addresses.map((a) => ({
      address: a.address,
      kind: a.kind,
      primary: a.primary,
      firstSeen: a.firstSeen.toISOString(),
      lastSeen: a.lastSeen.toISOString(),
      removedAt: iso(a.removedAt),
    })),
    otherHolders: otherHolders.map((h) => ({ address: h.address, interfaceId: h.interfaceId, firstSeen: h.firstSeen.toISOString(), removedAt: iso(h.removedAt) })),
    history,
  };
}
