/**
 * Saved service mapping rules: list, preview ("which interfaces would it match, and what would
 * change?"), save, move, delete. Every change bumps the inventory stamp so enrichment renames
 * interfaces at once. Evaluation itself is mapping-rules.ts (pure).
 */
import { z } from "zod";
import type { Database } from "../db/client";
import { loadSavedRules } from "../enrichment/loader";
import { AppError } from "../errors";
import {
  DEFAULT_MAPPING_RULES,
  type MappableInterface,
  type MappingRule,
  type MappingRuleFields,
  applyMappingRule,
  compileMappingRules,
  mapInterface,
  mappingRuleProblems,
} from "./mapping-rules";
import type { SecurityGroupRef } from "./model";
import { bumpInventoryStamp } from "./stamp";

const optionalText = z
  .string()
  .trim()
  .max(500)
  .nullish()
  .transform((v) => (v === undefined || v === null || v === "" ? null : v));

/** A rule as the editor sends it: empty texts mean "not a condition". */
export const mappingRuleFieldsInput = z.object({
  name: z.string().trim().max(200),
  enabled: z.boolean().default(true),
  tagKey: optionalText,
  tagValue: optionalText,
  descriptionPattern: optionalText,
  interfaceType: optionalText,
  requesterManaged: z.boolean().nullish().transform((v) => v ?? null),
  accountId: optionalText,
  vpcId: optionalText,
  subnetId: optionalText,
  cidr: optionalText,
  securityGroup: optionalText,
  service: z.string().trim().max(500),
  team: optionalText,
});

export interface RulesDeps {
  db: Database;
}

export interface SavedMappingRule extends MappingRule {
  position: number;
}

export async function listMappingRules({ db }: RulesDeps): Promise<{ saved: SavedMappingRule[]; builtIn: MappingRule[] }> {
  const saved = await loadSavedRules(db);
  return { saved: saved.map((rule, position) => ({ ...rule, position })), builtIn: [...DEFAULT_MAPPING_RULES] };
}

function refuseProblems(fields: MappingRuleFields): void {
  const problems = mappingRuleProblems(fields);
  if (problems.length > 0) {
    throw new AppError("BAD_REQUEST", `The rule cannot be saved: ${problems.map((p) => `${p.field}: ${p.message}`).join(" ")}`, { details: { problems } });
  }
}

/** Renumbers positions 0..n-1 in the given order. */
async function renumber(tx: Parameters<Parameters<Database["$transaction"]>[0]>[0], ids: string[]): Promise<void> {
  for (const [position, id] of ids.entries()) await tx.serviceMappingRule.update({ where: { id }, data: { position } });
}

/** Creates a rule (at `position`, default last) or updates one; returns the saved rule. */
export async function saveMappingRule({ db }: RulesDeps, input: { id?: string; fields: MappingRuleFields; position?: number }): Promise<SavedMappingRule> {
  refuseProblems(input.fields);
  const id = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('flowlens:mapping-rules'))`;
    const order = (await tx.serviceMappingRule.findMany({ orderBy: [{ position: "asc" }, { createdAt: "asc" }], select: { id: true } })).map((r) => r.id);
    let ruleId: string;
    if (input.id) {
      if (!order.includes(input.id)) throw new AppError("NOT_FOUND", "This rule no longer exists (someone deleted it). Reload the rules.");
      await tx.serviceMappingRule.update({ where: { id: input.id }, data: { ...input.fields, updatedAt: new Date() } });
      ruleId = input.id;
    } else {
      ruleId = (await tx.serviceMappingRule.create({ data: { ...input.fields, position: order.length } })).id;
      order.push(ruleId);
    }
    if (input.position !== undefined) {
      const rest = order.filter((r) => r !== ruleId);
      rest.splice(Math.max(0, Math.min(input.position, rest.length)), 0, ruleId);
      await renumber(tx, rest);
    } else {
      await renumber(tx, order);
    }
    await bumpInventoryStamp(tx);
    return ruleId;
  });
  const rules = await listMappingRules({ db });
  return rules.saved.find((r) => r.id === id) as SavedMappingRule;
}

export async function moveMappingRule({ db }: RulesDeps, input: { id: string; position: number }): Promise<SavedMappingRule[]> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('flowlens:mapping-rules'))`;
    const order = (await tx.serviceMappingRule.findMany({ orderBy: [{ position: "asc" }, { createdAt: "asc" }], select: { id: true } })).map((r) => r.id);
    if (!order.includes(input.id)) throw new AppError("NOT_FOUND", "This rule no longer exists (someone deleted it). Reload the rules.");
    const rest = order.filter((r) => r !== input.id);
    rest.splice(Math.max(0, Math.min(input.position, rest.length)), 0, input.id);
    await renumber(tx, rest);
    await bumpInventoryStamp(tx);
  });
  return (await listMappingRules({ db })).saved;
}

export async function deleteMappingRule({ db }: RulesDeps, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const deleted = await tx.serviceMappingRule.deleteMany({ where: { id } });
    if (deleted.count === 0) throw new AppError("NOT_FOUND", "This rule no longer exists (someone deleted it). Reload the rules.");
    await bumpInventoryStamp(tx);
  });
}

interface PreviewInterface extends MappableInterface {
  vpcName: string | null;
}

/** The current (not deleted) interfaces with their current private addresses, as the rules see them. */
async function loadCurrentInterfaces(db: Database): Promise<PreviewInterface[]> {
  const rows = await db.networkInterface.findMany({
    where: { deletedAt: null },
    include: { addresses: { where: { removedAt: null, kind: { in: ["private_ipv4", "ipv6"] } }, select: { address: true } } },
    orderBy: [{ vpcId: "asc" }, { id: "asc" }],
  });
  const vpcNames = new Map((await db.vpc.findMany({ select: { id: true, name: true } })).map((v) => [v.id, v.name]));
  return rows.map((row) => ({
    id: row.id,
    accountId: row.accountId,
    region: row.region,
    vpcId: row.vpcId,
    vpcName: vpcNames.get(row.vpcId) ?? null,
    subnetId: row.subnetId,
    availabilityZone: row.availabilityZone,
    interfaceType: row.interfaceType,
    description: row.description,
    requesterManaged: row.requesterManaged,
    requesterId: row.requesterId,
    instanceId: row.instanceId,
    securityGroups: row.securityGroups as unknown as SecurityGroupRef[],
    tags: row.tags as Record<string, string>,
    addresses: row.addresses.map((a) => a.address),
  }));
}

export interface PreviewRow {
  interfaceId: string;
  interfaceType: string;
  description: string;
  vpcName: string | null;
  address: string | null;
  /** The service this rule gives the interface on its own. */
  service: string;
  team: string | null;
  /** Who names the interface today (service and rule), null when nobody does. */
  current: { service: string; rule: string } | null;
  /** Whether the rule, at its position, would be the first match (and so decide the service). */
  wins: boolean;
}

export interface UnmatchedRow {
  interfaceId: string;
  interfaceType: string;
  description: string;
  vpcName: string | null;
  address: string | null;
  tags: Record<string, string>;
}

export interface RulePreview {
  problems: ReturnType<typeof mappingRuleProblems>;
  /** Interfaces the rule matches on its own (the first `limit`). */
  matches: PreviewRow[];
  matchCount: number;
  /** How many of them the rule would decide at its position (first match). */
  winCount: number;
  /** How many interfaces would get a different service than today. */
  changedCount: number;
  /** Interfaces no rule would match with this rule in place (listed, not hidden). */
  unmatched: UnmatchedRow[];
  unmatchedCount: number;
  interfaces: number;
}

const unmatchedRow = (i: PreviewInterface): UnmatchedRow => ({
  interfaceId: i.id,
  interfaceType: i.interfaceType,
  description: i.description,
  vpcName: i.vpcName,
  address: i.addresses[0] ?? null,
  tags: i.tags,
});

/**
 * What a rule would do if saved (as a new rule at `position`, default last among the saved rules,
 * or replacing rule `id`): which interfaces it matches, which it would decide, and which
 * interfaces would remain unmatched. Nothing is written.
 */
export async function previewMappingRule({ db }: RulesDeps, input: { id?: string; fields: MappingRuleFields; position?: number; limit?: number }): Promise<RulePreview> {
  const limit = input.limit ?? 200;
  const interfaces = await loadCurrentInterfaces(db);
  const problems = mappingRuleProblems(input.fields);
  const saved = await loadSavedRules(db);
  const before = compileMappingRules([...saved, ...DEFAULT_MAPPING_RULES]);
  if (problems.length > 0) {
    const unmatched = interfaces.filter((i) => !mapInterface(i, before));
    return { problems, matches: [], matchCount: 0, winCount: 0, changedCount: 0, unmatched: unmatched.slice(0, limit).map(unmatchedRow), unmatchedCount: unmatched.length, interfaces: interfaces.length };
  }
  const candidate: MappingRule = { ...input.fields, id: input.id ?? "preview", builtIn: false, enabled: true };
  const others = saved.filter((r) => r.id !== input.id);
  const currentIndex = input.id ? saved.findIndex((r) => r.id === input.id) : -1;
  const position = Math.max(0, Math.min(input.position ?? (currentIndex >= 0 ? currentIndex : others.length), others.length));
  const withRule = [...others];
  withRule.splice(position, 0, candidate);
  const after = compileMappingRules([...withRule, ...DEFAULT_MAPPING_RULES]);
  const [compiled] = compileMappingRules([candidate]);

  const matches: PreviewRow[] = [];
  let matchCount = 0;
  let winCount = 0;
  let changedCount = 0;
  const unmatched: PreviewInterface[] = [];
  for (const iface of interfaces) {
    const now = mapInterface(iface, before);
    const next = mapInterface(iface, after);
    if (!next) unmatched.push(iface);
    if ((now?.service ?? null) !== (next?.service ?? null)) changedCount++;
    const own = compiled ? applyMappingRule(iface, compiled) : undefined;
    if (!own) continue;
    matchCount++;
    const wins = next?.ruleId === candidate.id;
    if (wins) winCount++;
    if (matches.length < limit) {
      matches.push({
        interfaceId: iface.id,
        interfaceType: iface.interfaceType,
        description: iface.description,
        vpcName: iface.vpcName,
        address: iface.addresses[0] ?? null,
        service: own.service,
        team: own.team,
        current: now ? { service: now.service, rule: now.ruleName } : null,
        wins,
      });
    }
  }
  return { problems, matches, matchCount, winCount, changedCount, unmatched: unmatched.slice(0, limit).map(unmatchedRow), unmatchedCount: unmatched.length, interfaces: interfaces.length };
}

/** Interfaces no rule (saved or built-in) matches today. */
export async function unmatchedInterfaces({ db }: RulesDeps, input: { limit?: number } = {}): Promise<{ rows: UnmatchedRow[]; total: number; interfaces: number }> {
  const interfaces = await loadCurrentInterfaces(db);
  const rules = compileMappingRules([...(await loadSavedRules(db)), ...DEFAULT_MAPPING_RULES]);
  const unmatched = interfaces.filter((i) => !mapInterface(i, rules));
  return { rows: unmatched.slice(0, input.limit ?? 500).map(unmatchedRow), total: unmatched.length, interfaces: interfaces.length };
}
