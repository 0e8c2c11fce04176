/**
 * An investigation as the pages show it: dates as ISO text, each panel's queries and kind (without
 * its snapshot, which is shown panel by panel), pinned flows parsed and enriched at their own time,
 * and the edit history. Plus the list's facets (tags, owners).
 */
import type { Database } from "../db/client";
import { getEnrichmentLookup } from "../enrichment/loader";
import { type FlowRow, flowRow } from "../explore/rows";
import { checkLogQL } from "../explore/logql-check";
import { loadFlowFormatRegistry } from "../inventory/flow-log-formats";
import type { InvestigationWithEverything } from "./service";
import { panelQueries, panelViewSchema, type PanelView } from "./snapshot";

export interface PresentedPanel {
  id: string;
  position: number;
  title: string;
  query: string;
  queries: string[];
  kind: "log" | "metric" | "invalid";
  fromMs: number;
  toMs: number;
  view: PanelView;
  snapshotAt: string | null;
}

export interface PresentedInvestigation {
  id: string;
  slug: string;
  title: string;
  notes: string;
  status: "open" | "resolved";
  tags: string[];
  owner: string;
  archived: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  panels: PresentedPanel[];
  pinned: { id: string; note: string; pinnedBy: string; pinnedAt: string; row: FlowRow }[];
  events: { id: string; actor: string; action: string; changes: Record<string, unknown>; at: string }[];
}

export async function presentInvestigation(db: Database, investigation: InvestigationWithEverything): Promise<PresentedInvestigation> {
  const [lookup, registry] = await Promise.all([getEnrichmentLookup(db), loadFlowFormatRegistry(db)]);
  return {
    id: investigation.id,
    slug: investigation.slug,
    title: investigation.title,
    notes: investigation.notes,
    status: investigation.status,
    tags: investigation.tags,
    owner: investigation.owner,
    archived: investigation.archived,
    version: investigation.version,
    createdAt: investigation.createdAt.toISOString(),
    updatedAt: investigation.updatedAt.toISOString(),
    panels: investigation.panels.map((p) => {
      const queries = panelQueries(p);
      const checks = queries.map((q) => checkLogQL(q));
      const kind = checks.every((c) => c.ok && c.kind === "log") ? "log" : checks.every((c) => c.ok && c.kind === "metric") ? "metric" : "invalid";
      const view = panelViewSchema.safeParse(p.view);
      return {
        id: p.id,
        position: p.position,
        title: p.title,
        query: p.query,
        queries,
        kind,
        fromMs: p.from.getTime(),
        toMs: p.to.getTime(),
        view: view.success ? view.data : {},
        snapshotAt: p.snapshotAt?.toISOString() ?? null,
      };
    }),
    pinned: investigation.pinnedFlows.map((f) => ({
      id: f.id,
      note: f.note,
      pinnedBy: f.pinnedBy,
      pinnedAt: f.pinnedAt.toISOString(),
      row: flowRow(f.timestampNs.toString(), f.labels as Record<string, string>, f.line, registry, lookup),
    })),
    events: investigation.events.map((e) => ({ id: e.id, actor: e.actor, action: e.action, changes: (e.changes ?? {}) as Record<string, unknown>, at: e.at.toISOString() })),
  };
}

/** The tags and owners of the (non-archived and archived) investigations, for the list's filters. */
export async function investigationFacets(db: Database): Promise<{ tags: string[]; owners: string[] }> {
  const rows = await db.investigation.findMany({ select: { tags: true, owner: true } });
  return {
    tags: [...new Set(rows.flatMap((r) => r.tags))].sort(),
    owners: [...new Set(rows.map((r) => r.owner))].sort(),
  };
}
