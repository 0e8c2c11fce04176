/**
 * Shapes of Loki's HTTP API answers (https://grafana.com/docs/loki/latest/reference/loki-http-api/),
 * validated with zod where they enter flowlens. Pure types and schemas: anything may import them.
 */
import { z } from "zod";

/** A point in time in nanoseconds since the Unix epoch, as Loki's API uses. */
export type TimeNs = bigint;

export const msToNs = (ms: number): TimeNs => BigInt(Math.round(ms)) * 1_000_000n;
export const nsToMs = (ns: TimeNs): number => Number(ns / 1_000_000n);
export const dateToNs = (date: Date): TimeNs => msToNs(date.getTime());

export type Labels = Record<string, string>;
export type Direction = "forward" | "backward";

const labels = z.record(z.string(), z.string());

export const streamSchema = z.object({
  stream: labels,
  values: z.array(z.tuple([z.string(), z.string()]).rest(z.unknown())),
});
export type LokiStream = z.infer<typeof streamSchema>;

export const matrixSeriesSchema = z.object({
  metric: labels,
  values: z.array(z.tuple([z.number(), z.string()])),
});
export type LokiMatrixSeries = z.infer<typeof matrixSeriesSchema>;

export const vectorSampleSchema = z.object({
  metric: labels,
  value: z.tuple([z.number(), z.string()]),
});
export type LokiVectorSample = z.infer<typeof vectorSampleSchema>;

export const queryDataSchema = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("streams"), result: z.array(streamSchema), stats: z.unknown().optional() }),
  z.object({ resultType: z.literal("matrix"), result: z.array(matrixSeriesSchema), stats: z.unknown().optional() }),
  z.object({ resultType: z.literal("vector"), result: z.array(vectorSampleSchema), stats: z.unknown().optional() }),
  z.object({ resultType: z.literal("scalar"), result: z.tuple([z.number(), z.string()]), stats: z.unknown().optional() }),
]);
export type LokiQueryData = z.infer<typeof queryDataSchema>;

export const queryResponseSchema = z.object({ status: z.literal("success"), data: queryDataSchema });
export const stringListResponseSchema = z.object({
  status: z.literal("success"),
  data: z.array(z.string()).nullish().transform((v) => v ?? []),
});
export const seriesResponseSchema = z.object({
  status: z.literal("success"),
  data: z.array(labels).nullish().transform((v) => v ?? []),
});
export const indexStatsSchema = z.object({
  streams: z.number(),
  chunks: z.number(),
  entries: z.number(),
  bytes: z.number(),
});
export type LokiIndexStats = z.infer<typeof indexStatsSchema>;
