/**
 * A panel's evidence: its query run through the query gate over the panel's absolute range,
 * kept as Loki answered it, with what is needed to show it again (limit, step).
 */
import type { QueryGate } from "../loki/gate";
import { stepForRange } from "../loki/step";
import { type LokiQueryData, dateToNs } from "../loki/types";

export interface PanelSnapshot {
  data: LokiQueryData;
  /** Log queries: the line limit used; when the answer has that many lines there may be more. */
  limit?: number;
  /** Metric queries: the evaluation step in milliseconds. */
  stepMs?: number;
}

export const DEFAULT_SNAPSHOT_LIMIT = 1000;

/** A log query starts with its stream selector; anything else is a metric query. */
export function isLogQuery(query: string): boolean {
  return query.trimStart().replace(/^\(+\s*/, "").startsWith("{");
}

export async function takeSnapshot(
  gate: QueryGate,
  panel: { query: string; from: Date; to: Date; view?: Record<string, unknown> },
): Promise<PanelSnapshot> {
  const start = dateToNs(panel.from);
  const end = dateToNs(panel.to);
  if (isLogQuery(panel.query)) {
    const requested = Number(panel.view?.limit);
    const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, 5000) : DEFAULT_SNAPSHOT_LIMIT;
    const data = await gate.queryRange({ query: panel.query, start, end, limit, direction: "backward" });
    return { data, limit };
  }
  const requestedStep = Number(panel.view?.stepMs);
  const stepMs = Number.isFinite(requestedStep) && requestedStep >= 1000 ? requestedStep : stepForRange(panel.to.getTime() - panel.from.getTime());
  const data = await gate.queryRange({ query: panel.query, start, end, stepMs });
  return { data, stepMs };
}
