/**
 * The inventory API: lists with search, one interface with its history and recent flows, file
 * import (dry run, then apply), and the service mapping rules with preview. Thin: zod in, service
 * call, zod out.
 */
import { z } from "zod";
import { importInventory } from "../../inventory/import/apply";
import { recentInterfaceFlows } from "../../inventory/interface-flows";
import {
  interfaceDetail,
  inventorySummary,
  listAccounts,
  listFlowLogFormats,
  listImports,
  listInterfaces,
  listKnownNetworks,
  listServices,
  listSubnets,
  listVpcs,
} from "../../inventory/queries";
import {
  deleteMappingRule,
  listMappingRules,
  mappingRuleFieldsInput,
  moveMappingRule,
  previewMappingRule,
  saveMappingRule,
  unmatchedInterfaces,
} from "../../inventory/rules-service";
import { publicProcedure, router } from "../trpc";

const q = z.string().trim().max(200).optional();
const text = z.string();
const nullableText = z.string().nullable();
const iso = z.string();

const summaryOutput = z.object({
  stamp: z.number(),
  accounts: z.number(),
  vpcs: z.number(),
  subnets: z.number(),
  interfaces: z.number(),
  deletedInterfaces: z.number(),
  unmappedInterfaces: z.number(),
  services: z.number(),
  knownNetworks: z.number(),
  awsRanges: z.number(),
  flowLogFormats: z.number(),
  lastImport: z.object({ at: iso, file: text, kind: text, by: text }).nullable(),
});

const accountOutput = z.object({ id: text, name: nullableText, environment: nullableText, team: nullableText, vpcs: z.number(), interfaces: z.number() });

const vpcOutput = z.object({
  id: text,
  name: nullableText,
  accountId: text,
  accountName: nullableText,
  region: nullableText,
  cidrBlocks: z.array(text),
  ipv6CidrBlocks: z.array(text),
  isDefault: z.boolean(),
  subnets: z.number(),
  interfaces: z.number(),
  firstSeen: iso,
  lastSeen: iso,
  deletedAt: iso.nullable(),
});

const subnetOutput = z.object({
  id: text,
  name: nullableText,
  vpcId: text,
  vpcName: nullableText,
  accountId: text,
  region: text,
  availabilityZone: text,
  availabilityZoneId: nullableText,
  cidrBlock: nullableText,
  ipv6CidrBlocks: z.array(text),
  interfaces: z.number(),
  deletedAt: iso.nullable(),
});

const interfaceRowOutput = z.object({
  id: text,
  service: nullableText,
  team: nullableText,
  rule: nullableText,
  interfaceType: text,
  description: text,
  accountId: text,
  accountName: nullableText,
  vpcId: text,
  vpcName: nullableText,
  subnetId: nullableText,
  availabilityZone: nullableText,
  privateIp: nullableText,
  publicIp: nullableText,
  addresses: z.array(text),
  requesterManaged: z.boolean(),
  instanceId: nullableText,
  firstSeen: iso,
  lastSeen: iso,
  deletedAt: iso.nullable(),
});

const serviceOutput = z.object({
  name: text,
  team: nullableText,
  description: nullableText,
  registered: z.boolean(),
  interfaces: z.number(),
  accounts: z.array(text),
  interfaceTypes: z.array(text),
  rules: z.array(text),
});

const interfaceDetailOutput = z.object({
  id: text,
  service: nullableText,
  team: nullableText,
  rule: nullableText,
  accountId: text,
  accountName: nullableText,
  environment: nullableText,
  region: text,
  vpcId: text,
  vpcName: nullableText,
  subnetId: nullableText,
  subnetName: nullableText,
  availabilityZone: nullableText,
  availabilityZoneId: nullableText,
  interfaceType: text,
  description: text,
  requesterManaged: z.boolean(),
  requesterId: nullableText,
  status: nullableText,
  macAddress: nullableText,
  privateDnsName: nullableText,
  privateIp: nullableText,
  publicIp: nullableText,
  instanceId: nullableText,
  attachmentId: nullableText,
  attachmentStatus: nullableText,
  securityGroups: z.array(z.object({ id: text, name: text })),
  tags: z.record(z.string(), z.string()),
  firstSeen: iso,
  lastSeen: iso,
  deletedAt: iso.nullable(),
  addresses: z.array(z.object({ address: text, kind: text, primary: z.boolean(), firstSeen: iso, lastSeen: iso, removedAt: iso.nullable() })),
  otherHolders: z.array(z.object({ address: text, interfaceId: text, firstSeen: iso, removedAt: iso.nullable() })),
  history: z.array(z.object({ at: iso, what: text })),
});

const flowEnd = z.object({ address: nullableText, label: text, kind: text, interfaceId: nullableText }).nullable();
const flowsOutput = z.object({
  queries: z.array(text),
  limited: z.boolean(),
  rows: z.array(
    z.object({
      timeNs: text,
      flowLogId: nullableText,
      line: text,
      start: z.number().nullable(),
      action: nullableText,
      logStatus: nullableText,
      direction: nullableText,
      protocol: nullableText,
      service: nullableText,
      dstPort: z.number().nullable(),
      bytes: z.number().nullable(),
      packets: z.number().nullable(),
      src: flowEnd,
      dst: flowEnd,
      pktSrc: flowEnd,
      pktDst: flowEnd,
    }),
  ),
});

const importInput = z.object({
  files: z
    .array(z.object({ name: z.string().trim().min(1).max(300), text: z.string().max(64 * 1024 * 1024) }))
    .min(1, "Choose at least one file.")
    .max(50),
  observedAt: z.iso.datetime({ offset: true }).optional(),
  region: z.string().trim().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/, "a region such as eu-west-3").optional(),
});

const importOutput = z.object({
  ok: z.boolean(),
  applied: z.boolean(),
  dryRun: z.boolean(),
  observedAt: iso,
  stamp: z.number().nullable(),
  problems: z.array(z.object({ file: text, location: text, line: z.number().optional(), field: z.string().optional(), message: text })),
  files: z.array(
    z.object({
      file: text,
      kind: text,
      format: text,
      records: z.number(),
      created: z.number(),
      updated: z.number(),
      unchanged: z.number(),
      deleted: z.number(),
      samples: z.object({ created: z.array(text), updated: z.array(text), deleted: z.array(text) }),
      notes: z.array(text),
    }),
  ),
});

const ruleOutput = mappingRuleFieldsInput.extend({ id: text, builtIn: z.boolean(), name: text, service: text, enabled: z.boolean() });
const savedRuleOutput = ruleOutput.extend({ position: z.number() });
const unmatchedRow = z.object({ interfaceId: text, interfaceType: text, description: text, vpcName: nullableText, address: nullableText, tags: z.record(z.string(), z.string()) });

const ruleTarget = z.object({ id: z.uuid().optional(), fields: mappingRuleFieldsInput, position: z.number().int().min(0).optional() });

export const inventoryRouter = router({
  summary: publicProcedure.output(summaryOutput).query(({ ctx }) => inventorySummary({ db: ctx.db })),
  accounts: publicProcedure.input(z.object({ q })).output(z.array(accountOutput)).query(({ ctx, input }) => listAccounts({ db: ctx.db }, input)),
  vpcs: publicProcedure
    .input(z.object({ q, accountId: z.string().optional(), includeDeleted: z.boolean().optional() }))
    .output(z.array(vpcOutput))
    .query(({ ctx, input }) => listVpcs({ db: ctx.db }, input)),
  subnets: publicProcedure
    .input(z.object({ q, vpcId: z.string().optional(), includeDeleted: z.boolean().optional() }))
    .output(z.array(subnetOutput))
    .query(({ ctx, input }) => listSubnets({ db: ctx.db }, input)),
  interfaces: publicProcedure
    .input(
      z.object({
        q,
        accountId: z.string().optional(),
        vpcId: z.string().optional(),
        subnetId: z.string().optional(),
        service: z.string().optional(),
        status: z.enum(["current", "deleted", "all"]).optional(),
        mapping: z.enum(["all", "mapped", "unmapped"]).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        offset: z.number().int().min(0).optional(),
      }),
    )
    .output(z.object({ total: z.number(), rows: z.array(interfaceRowOutput) }))
    .query(({ ctx, input }) => listInterfaces({ db: ctx.db }, input)),
  interface: publicProcedure.input(z.object({ id: z.string().min(1).max(100) })).output(interfaceDetailOutput).query(({ ctx, input }) => interfaceDetail({ db: ctx.db }, input.id)),
  interfaceFlows: publicProcedure
    .input(z.object({ id: z.string().min(1).max(100), hours: z.number().min(0.25).max(24 * 7).default(6), limit: z.number().int().min(1).max(1000).default(200) }))
    .output(flowsOutput)
    .query(({ ctx, input }) => recentInterfaceFlows({ db: ctx.db, gate: ctx.gate }, { interfaceId: input.id, hours: input.hours, limit: input.limit })),
  services: publicProcedure.input(z.object({ q })).output(z.array(serviceOutput)).query(({ ctx, input }) => listServices({ db: ctx.db }, input)),
  knownNetworks: publicProcedure
    .input(z.object({ q }))
    .output(z.array(z.object({ cidr: text, name: text, category: text })))
    .query(({ ctx, input }) => listKnownNetworks({ db: ctx.db }, input)),
  flowLogFormats: publicProcedure
    .output(z.array(z.object({ flowLogId: text, format: text, source: text, updatedAt: iso })))
    .query(({ ctx }) => listFlowLogFormats({ db: ctx.db })),
  imports: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).optional() }))
    .output(z.array(z.object({ id: text, file: text, kind: text, observedAt: iso, importedAt: iso, importedBy: text, summary: z.record(z.string(), z.unknown()) })))
    .query(({ ctx, input }) => listImports({ db: ctx.db }, input)),
  importPreview: publicProcedure
    .input(importInput)
    .output(importOutput)
    .mutation(({ ctx, input }) =>
      importInventory({ db: ctx.db, files: input.files, dryRun: true, importedBy: ctx.user.name, observedAt: input.observedAt ? new Date(input.observedAt) : undefined, region: input.region }),
    ),
  importApply: publicProcedure
    .input(importInput)
    .output(importOutput)
    .mutation(({ ctx, input }) =>
      importInventory({ db: ctx.db, files: input.files, dryRun: false, importedBy: ctx.user.name, observedAt: input.observedAt ? new Date(input.observedAt) : undefined, region: input.region }),
    ),
  rules: router({
    list: publicProcedure
      .output(z.object({ saved: z.array(savedRuleOutput), builtIn: z.array(ruleOutput) }))
      .query(({ ctx }) => listMappingRules({ db: ctx.db })),
    preview: publicProcedure
      .input(ruleTarget.extend({ limit: z.number().int().min(1).max(1000).optional() }))
      .output(
        z.object({
          problems: z.array(z.object({ field: text, message: text })),
          matches: z.array(
            z.object({
              interfaceId: text,
              interfaceType: text,
              description: text,
              vpcName: nullableText,
              address: nullableText,
              service: text,
              team: nullableText,
              current: z.object({ service: text, rule: text }).nullable(),
              wins: z.boolean(),
            }),
          ),
          matchCount: z.number(),
          winCount: z.number(),
          changedCount: z.number(),
          unmatched: z.array(unmatchedRow),
          unmatchedCount: z.number(),
          interfaces: z.number(),
        }),
      )
      .query(({ ctx, input }) => previewMappingRule({ db: ctx.db }, input)),
    save: publicProcedure.input(ruleTarget).output(savedRuleOutput).mutation(({ ctx, input }) => saveMappingRule({ db: ctx.db }, input)),
    move: publicProcedure
      .input(z.object({ id: z.uuid(), position: z.number().int().min(0) }))
      .output(z.array(savedRuleOutput))
      .mutation(({ ctx, input }) => moveMappingRule({ db: ctx.db }, input)),
    delete: publicProcedure
      .input(z.object({ id: z.uuid() }))
      .output(z.object({ deleted: z.boolean() }))
      .mutation(async ({ ctx, input }) => {
        await deleteMappingRule({ db: ctx.db }, input.id);
        return { deleted: true };
      }),
    unmatched: publicProcedure
      .input(z.object({ limit: z.number().int().min(1).max(5000).optional() }))
      .output(z.object({ rows: z.array(unmatchedRow), total: z.number(), interfaces: z.number() }))
      .query(({ ctx, input }) => unmatchedInterfaces({ db: ctx.db }, input)),
  }),
});
