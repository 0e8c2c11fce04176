/**
 * zod schemas of what Explore's and the views' services take and return, for the tRPC routers'
 * inputs and `.output()` checks (so no field leaks that the page does not expect). Pure code.
 */
import { z } from "zod";
import { flowFilterSchema } from "./filter";

export const timeRangeInput = z
  .object({ fromMs: z.number().int().nonnegative(), toMs: z.number().int().positive() })
  .refine((r) => r.fromMs < r.toMs, { message: "The time range must end after it starts." });

export const measureSchema = z.enum(["flows", "bytes", "packets"]);
export const dimensionSchema = z.enum(["none", "action", "account", "vpc", "service", "team", "protocol", "dstPort", "destination", "source"]);

export const flowSourceInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("filter"), filter: flowFilterSchema }),
  z.object({ kind: z.literal("logql"), query: z.string().min(1).max(20_000) }),
]);

const endView = z.object({
  address: z.string().nullable(),
  port: z.number().nullable(),
  portName: z.string().nullable(),
  kind: z.enum(["interface", "aws", "known", "internet", "private", "invalid", "none"]),
  label: z.string(),
  service: z.string().nullable(),
  team: z.string().nullable(),
  interfaceId: z.string().nullable(),
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  vpcId: z.string().nullable(),
  vpcName: z.string().nullable(),
  subnetId: z.string().nullable(),
  availabilityZone: z.string().nullable(),
  region: z.string().nullable(),
  category: z.string().nullable(),
});

export const flowRowSchema = z.object({
  id: z.string(),
  tsNs: z.string(),
  timeMs: z.number(),
  labels: z.record(z.string(), z.string()),
  line: z.string(),
  flowLogId: z.string().nullable(),
  owner: z.string().nullable(),
  parsed: z.boolean(),
  action: z.string().nullable(),
  protocol: z.number().nullable(),
  protocolName: z.string().nullable(),
  bytes: z.number().nullable(),
  packets: z.number().nullable(),
  tcpFlags: z.string().nullable(),
  direction: z.enum(["ingress", "egress"]).nullable(),
  interfaceId: z.string().nullable(),
  logStatus: z.string().nullable(),
  src: endView,
  dst: endView,
});

export const flowPageSchema = z.object({
  rows: z.array(flowRowSchema),
  queries: z.array(z.string()),
  notes: z.array(z.string()),
  next: z.object({ endNs: z.string(), seen: z.array(z.string()) }).nullable(),
});

export const chartSeriesSchema = z.object({
  key: z.string(),
  label: z.string(),
  values: z.array(z.number()),
  total: z.number(),
  role: z.literal("other").optional(),
});

export const chartResultSchema = z.object({
  dimension: dimensionSchema,
  measure: measureSchema,
  timestamps: z.array(z.number()),
  stepMs: z.number(),
  series: z.array(chartSeriesSchema),
  total: z.number(),
  queries: z.array(z.string()),
  notes: z.array(z.string()),
  panel: z.object({ queries: z.array(z.string()), roles: z.array(z.enum(["series", "total"])) }),
});

export const topListSchema = z.object({
  rows: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      value: z.number(),
      share: z.number(),
      detail: z.record(z.string(), z.string().nullable()).optional(),
      role: z.literal("other").optional(),
    }),
  ),
  total: z.number(),
});

export const panelQueriesSchema = z.record(z.string(), z.array(z.string()));

export const flowDetailSchema = z.object({
  row: flowRowSchema,
  format: z.string(),
  fields: z.array(z.object({ name: z.string(), value: z.string(), meaning: z.string().nullable(), description: z.string() })),
  ends: z.array(z.object({ role: z.string(), address: z.string().nullable(), endpoint: z.record(z.string(), z.unknown()).nullable() })),
});
