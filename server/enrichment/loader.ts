/**
 * Reads the inventory from PostgreSQL into an InventorySnapshot and keeps one compiled
 * EnrichmentLookup per process, rebuilt when the inventory stamp moves (every import and every
 * rule change bumps it). The portal, the CLI and rollups all call `getEnrichmentLookup`.
 */
import type { Database } from "../db/client";
import type { MappingRule } from "../inventory/mapping-rules";
import type { InventoryAddress, SecurityGroupRef } from "../inventory/model";
import { currentInventoryStamp, localStampBumps } from "../inventory/stamp";
import { EnrichmentLookup, type InventorySnapshot, type SnapshotInterface } from "./lookup";

const ms = (date: Date | null) => (date === null ? null : date.getTime());

type RuleRow = Awaited<ReturnType<Database["serviceMappingRule"]["findMany"]>>[number];

/** A saved rule row as a MappingRule. */
export function ruleFromRow(row: RuleRow): MappingRule {
  return {
    id: row.id,
    builtIn: false,
    name: row.name,
    enabled: row.enabled,
    tagKey: row.tagKey,
    tagValue: row.tagValue,
    descriptionPattern: row.descriptionPattern,
    interfaceType: row.interfaceType,
    requesterManaged: row.requesterManaged,
    accountId: row.accountId,
    vpcId: row.vpcId,
    subnetId: row.subnetId,
    cidr: row.cidr,
    securityGroup: row.securityGroup,
    service: row.service,
    team: row.team,
  };
}

/** The saved mapping rules in evaluation order. */
export async function loadSavedRules(db: Database): Promise<MappingRule[]> {
  const rows = await db.serviceMappingRule.findMany({ orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
  return rows.map(ruleFromRow);
}

/** The whole inventory, read in one repeatable-read transaction so the snapshot is consistent. */
export async function loadInventorySnapshot(db: Database): Promise<InventorySnapshot> {
  return db.$transaction(
    async (tx) => {
      // One after another: a transaction is one connection.
      const version = await currentInventoryStamp(tx);
      const accounts = await tx.awsAccount.findMany();
      const vpcs = await tx.vpc.findMany();
      const subnets = await tx.subnet.findMany();
      const interfaces = await tx.networkInterface.findMany();
      const addresses = await tx.interfaceAddress.findMany({ orderBy: { id: "asc" } });
      const services = await tx.service.findMany();
      const knownNetworks = await tx.knownNetwork.findMany();
      const awsRanges = await tx.awsIpRange.findMany({ select: { prefix: true, service: true, region: true, networkBorderGroup: true } });
      const rules = await tx.serviceMappingRule.findMany({ orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
      const addressesOf = new Map<string, SnapshotInterface["addresses"]>();
      for (const a of addresses) {
        const list = addressesOf.get(a.interfaceId) ?? [];
        list.push({ address: a.address, kind: a.kind as InventoryAddress["kind"], primary: a.primary, firstSeen: a.firstSeen.getTime(), lastSeen: a.lastSeen.getTime(), endedAt: ms(a.removedAt) });
        addressesOf.set(a.interfaceId, list);
      }
      return {
        version,
        accounts: accounts.map(({ id, name, environment, team }) => ({ id, name, environment, team })),
        vpcs: vpcs.map((v) => ({ ...v, tags: v.tags as Record<string, string> })),
        subnets: subnets.map((s) => ({ ...s, tags: s.tags as Record<string, string> })),
        interfaces: interfaces.map((i) => ({
          ...i,
          securityGroups: i.securityGroups as unknown as SecurityGroupRef[],
          tags: i.tags as Record<string, string>,
          firstSeen: i.firstSeen.getTime(),
          lastSeen: i.lastSeen.getTime(),
          endedAt: ms(i.deletedAt),
          addresses: addressesOf.get(i.id) ?? [],
        })),
        services: services.map(({ name, team, description }) => ({ name, team, description })),
        knownNetworks: knownNetworks.map(({ cidr, name, category }) => ({ cidr, name, category })),
        awsRanges,
        rules: rules.map(ruleFromRow),
      };
    },
    { isolationLevel: "RepeatableRead", timeout: 120_000 },
  );
}

interface CachedLookup {
  lookup: EnrichmentLookup | undefined;
  building: Promise<EnrichmentLookup> | undefined;
  checkedAt: number;
  /** localStampBumps() when the stamp was last checked. */
  bumpsSeen: number;
}

const holder = globalThis as unknown as { flowlensEnrichmentLookup?: WeakMap<Database, CachedLookup> };

/** How long a lookup is used without asking PostgreSQL whether the stamp moved. */
const RECHECK_MS = 2_000;

/**
 * This process's compiled lookup for `db`: built on first use, rebuilt (once, however many
 * callers wait) when the inventory stamp has moved since it was built.
 */
export async function getEnrichmentLookup(db: Database, options: { maxAgeMs?: number } = {}): Promise<EnrichmentLookup> {
  holder.flowlensEnrichmentLookup ??= new WeakMap();
  let cached = holder.flowlensEnrichmentLookup.get(db);
  if (!cached) {
    cached = { lookup: undefined, building: undefined, checkedAt: 0, bumpsSeen: -1 };
    holder.flowlensEnrichmentLookup.set(db, cached);
  }
  const entry = cached;
  if (entry.building) return entry.building;
  const now = Date.now();
  const bumps = localStampBumps();
  if (entry.lookup && entry.bumpsSeen === bumps && now - entry.checkedAt < (options.maxAgeMs ?? RECHECK_MS)) return entry.lookup;
  const version = await currentInventoryStamp(db);
  entry.bumpsSeen = bumps;
  if (entry.lookup && entry.lookup.version === version) {
    entry.checkedAt = Date.now();
    return entry.lookup;
  }
  entry.building ??= loadInventorySnapshot(db)
    .then((snapshot) => {
      entry.lookup = new EnrichmentLookup(snapshot);
      entry.checkedAt = Date.now();
      return entry.lookup;
    })
    .finally(() => {
      entry.building = undefined;
    });
  return entry.building;
}
