/**
 * Investigations: saved evidence for an incident. Each has notes, panels (a LogQL query over an
 * absolute time range, with a snapshot of its results taken through the query gate so the share
 * link /i/<slug> still shows the evidence after Loki's retention deleted the data), pinned flow
 * records, and an edit history. Plain service functions: the tRPC router, the demo seed and tests
 * call them. Every change is one transaction; a change based on an old version is refused.
 */
import crypto from "node:crypto";
import type { Database } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { InvestigationStatus } from "../db/generated/enums";
import { AppError } from "../errors";
import type { QueryGate } from "../loki/gate";
import { takeSnapshot } from "./snapshot";

export interface PanelInput {
  title: string;
  query: string;
  from: Date;
  to: Date;
  view?: Record<string, unknown>;
}

export interface InvestigationDeps {
  db: Database;
  gate: QueryGate;
  /** Who is acting; recorded as owner and in the history. */
  actor: string;
}

const SLUG_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz";

/** A short, unguessable, unambiguous slug for the share link. */
export function newSlug(length = 10): string {
  const bytes = crypto.randomBytes(length);
  let slug = "";
  for (const byte of bytes) slug += SLUG_ALPHABET[byte % SLUG_ALPHABET.length];
  return slug;
}

function checkPanel(panel: PanelInput, index: number): void {
  if (!(panel.from.getTime() < panel.to.getTime())) {
    throw new AppError("BAD_REQUEST", `Panel ${index + 1} ("${panel.title}"): its time range must end after it starts.`);
  }
  if (panel.query.trim() === "") {
    throw new AppError("BAD_REQUEST", `Panel ${index + 1} ("${panel.title}") has no query.`);
  }
}

/** Runs every panel's query now (before any write), so a bad query writes nothing. */
async function snapshotPanels(gate: QueryGate, panels: readonly PanelInput[]) {
  const taken = [];
  for (const [index, panel] of panels.entries()) {
    checkPanel(panel, index);
    try {
      taken.push({ panel, snapshot: await takeSnapshot(gate, panel), at: new Date() });
    } catch (error) {
      if (error instanceof AppError) {
        throw new AppError(error.code, `Panel ${index + 1} ("${panel.title}"): ${error.message}`, { details: error.details, cause: error });
      }
      throw error;
    }
  }
  return taken;
}

const withEverything = {
  panels: { orderBy: { position: "asc" } },
  pinnedFlows: { orderBy: [{ timestampNs: "asc" }, { pinnedAt: "asc" }] },
  events: { orderBy: { at: "desc" }, take: 200 },
} satisfies Prisma.InvestigationInclude;

export type InvestigationWithEverything = Prisma.InvestigationGetPayload<{ include: typeof withEverything }>;

export async function createInvestigation(
  deps: InvestigationDeps,
  input: { title: string; notes?: string; tags?: string[]; panels: PanelInput[] },
): Promise<InvestigationWithEverything> {
  const title = input.title.trim();
  if (title === "") throw new AppError("BAD_REQUEST", "An investigation needs a title.");
  const snapshots = await snapshotPanels(deps.gate, input.panels);
  return deps.db.$transaction(async (tx) => {
    const created = await tx.investigation.create({
      data: {
        slug: newSlug(),
        title,
        notes: input.notes ?? "",
        tags: normaliseTags(input.tags ?? []),
        owner: deps.actor,
        panels: {
          create: snapshots.map(({ panel, snapshot, at }, position) => ({
            position,
            title: panel.title.trim() || `Panel ${position + 1}`,
            query: panel.query,
            from: panel.from,
            to: panel.to,
            view: (panel.view ?? {}) as Prisma.InputJsonValue,
            snapshot: snapshot as unknown as Prisma.InputJsonValue,
            snapshotAt: at,
          })),
        },
        events: { create: { actor: deps.actor, action: "created", changes: { title, panels: snapshots.length } } },
      },
      include: withEverything,
    });
    return created;
  });
}

export async function getInvestigation(db: Database, slug: string): Promise<InvestigationWithEverything> {
  const found = await db.investigation.findUnique({ where: { slug }, include: withEverything });
  if (!found) throw new AppError("NOT_FOUND", `No investigation has the link /i/${slug}. It may have been mistyped.`);
  return found;
}

export interface InvestigationFilter {
  search?: string;
  status?: InvestigationStatus;
  tag?: string;
  owner?: string;
  archived?: boolean;
  limit?: number;
}

export async function listInvestigations(db: Database, filter: InvestigationFilter) {
  const where: Prisma.InvestigationWhereInput = { archived: filter.archived ?? false };
  if (filter.status) where.status = filter.status;
  if (filter.tag) where.tags = { has: filter.tag };
  if (filter.owner) where.owner = filter.owner;
  const search = filter.search?.trim();
  if (search) {
    where.OR = [
      { title: { contains: search, mode: "insensitive" } },
      { notes: { contains: search, mode: "insensitive" } },
      { tags: { has: search.toLowerCase() } },
      { slug: search },
    ];
  }
  const rows = await db.investigation.findMany({
    where,
    orderBy: { updatedAt: "desc" },
    take: Math.min(filter.limit ?? 100, 500),
    include: { _count: { select: { panels: true, pinnedFlows: true } } },
  });
  return rows.map(({ _count, ...row }) => ({ ...row, panelCount: _count.panels, pinnedCount: _count.pinnedFlows }));
}

function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ""))].sort();
}

/**
 * Applies `change` to the investigation at `expectedVersion` and records `action` in its
 * history, in one transaction. Someone else's edit in between → CONFLICT, nothing written.
 */
async function edit(
  deps: InvestigationDeps,
  slug: string,
  expectedVersion: number,
  action: string,
  changes: Record<string, unknown>,
  change: (tx: Prisma.TransactionClient, investigationId: string) => Promise<Prisma.InvestigationUpdateManyMutationInput | void>,
): Promise<InvestigationWithEverything> {
  await deps.db.$transaction(async (tx) => {
    const current = await tx.investigation.findUnique({ where: { slug }, select: { id: true, version: true } });
    if (!current) throw new AppError("NOT_FOUND", `No investigation has the link /i/${slug}.`);
    const fields = (await change(tx, current.id)) ?? {};
    const updated = await tx.investigation.updateMany({
      where: { id: current.id, version: expectedVersion },
      data: { ...fields, version: { increment: 1 }, updatedAt: new Date() },
    });
    if (updated.count === 0) {
      throw new AppError(
        "CONFLICT",
        `Someone changed this investigation since you opened it (you had version ${expectedVersion}, it is now ${current.version}). Reload it and make your change again.`,
      );
    }
    await tx.investigationEvent.create({
      data: { investigationId: current.id, actor: deps.actor, action, changes: changes as Prisma.InputJsonValue },
    });
  });
  return getInvestigation(deps.db, slug);
}

export async function updateInvestigation(
  deps: InvestigationDeps,
  slug: string,
  version: number,
  patch: { title?: string; notes?: string; status?: InvestigationStatus; tags?: string[] },
): Promise<InvestigationWithEverything> {
  const before = await getInvestigation(deps.db, slug);
  const data: Prisma.InvestigationUpdateManyMutationInput = {};
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (patch.title !== undefined) {
    const title = patch.title.trim();
    if (title === "") throw new AppError("BAD_REQUEST", "An investigation needs a title.");
    if (title !== before.title) {
      data.title = title;
      changes.title = { from: before.title, to: title };
    }
  }
  if (patch.notes !== undefined && patch.notes !== before.notes) {
    data.notes = patch.notes;
    changes.notes = { from: before.notes.length > 200 ? `${before.notes.slice(0, 200)}…` : before.notes, to: patch.notes.length > 200 ? `${patch.notes.slice(0, 200)}…` : patch.notes };
  }
  if (patch.status !== undefined && patch.status !== before.status) {
    data.status = patch.status;
    changes.status = { from: before.status, to: patch.status };
  }
  if (patch.tags !== undefined) {
    const tags = normaliseTags(patch.tags);
    if (tags.join(",") !== before.tags.join(",")) {
      data.tags = tags;
      changes.tags = { from: before.tags, to: tags };
    }
  }
  if (Object.keys(changes).length === 0) return before;
  return edit(deps, slug, version, "updated", changes, async () => data);
}

export async function setArchived(deps: InvestigationDeps, slug: string, version: number, archived: boolean) {
  return edit(deps, slug, version, archived ? "archived" : "unarchived", {}, async () => ({ archived }));
}

export async function addPanel(deps: InvestigationDeps, slug: string, version: number, panel: PanelInput) {
  const [taken] = await snapshotPanels(deps.gate, [panel]);
  if (!taken) throw new AppError("INTERNAL", "no snapshot taken");
  return edit(deps, slug, version, "panel added", { title: panel.title, query: panel.query }, async (tx, investigationId) => {
    const last = await tx.investigationPanel.aggregate({ where: { investigationId }, _max: { position: true } });
    await tx.investigationPanel.create({
      data: {
        investigationId,
        position: (last._max.position ?? -1) + 1,
        title: panel.title.trim() || "Panel",
        query: panel.query,
        from: panel.from,
        to: panel.to,
        view: (panel.view ?? {}) as Prisma.InputJsonValue,
        snapshot: taken.snapshot as unknown as Prisma.InputJsonValue,
        snapshotAt: taken.at,
      },
    });
  });
}

export async function removePanel(deps: InvestigationDeps, slug: string, version: number, panelId: string) {
  const investigation = await getInvestigation(deps.db, slug);
  const panel = investigation.panels.find((p) => p.id === panelId);
  if (!panel) throw new AppError("NOT_FOUND", "That panel is not part of this investigation (any more).");
  return edit(deps, slug, version, "panel removed", { title: panel.title, query: panel.query }, async (tx) => {
    await tx.investigationPanel.delete({ where: { id: panelId } });
  });
}

/** Re-runs a panel's query now and replaces its snapshot. */
export async function refreshPanelSnapshot(deps: InvestigationDeps, slug: string, version: number, panelId: string) {
  const investigation = await getInvestigation(deps.db, slug);
  const panel = investigation.panels.find((p) => p.id === panelId);
  if (!panel) throw new AppError("NOT_FOUND", "That panel is not part of this investigation (any more).");
  const [taken] = await snapshotPanels(deps.gate, [{ title: panel.title, query: panel.query, from: panel.from, to: panel.to, view: panel.view as Record<string, unknown> }]);
  if (!taken) throw new AppError("INTERNAL", "no snapshot taken");
  return edit(deps, slug, version, "snapshot refreshed", { panel: panel.title }, async (tx) => {
    await tx.investigationPanel.update({
      where: { id: panelId },
      data: { snapshot: taken.snapshot as unknown as Prisma.InputJsonValue, snapshotAt: taken.at },
    });
  });
}

export async function pinFlow(
  deps: InvestigationDeps,
  slug: string,
  version: number,
  flow: { timestampNs: bigint; line: string; labels: Record<string, string>; note?: string },
) {
  return edit(deps, slug, version, "flow pinned", { timestampNs: flow.timestampNs.toString(), line: flow.line }, async (tx, investigationId) => {
    const exists = await tx.pinnedFlow.findFirst({ where: { investigationId, timestampNs: flow.timestampNs, line: flow.line } });
    if (exists) throw new AppError("CONFLICT", "That flow record is already pinned to this investigation.");
    await tx.pinnedFlow.create({
      data: { investigationId, timestampNs: flow.timestampNs, line: flow.line, labels: flow.labels, note: flow.note ?? "", pinnedBy: deps.actor },
    });
  });
}

export async function unpinFlow(deps: InvestigationDeps, slug: string, version: number, pinnedFlowId: string) {
  return edit(deps, slug, version, "flow unpinned", { pinnedFlowId }, async (tx, investigationId) => {
    const removed = await tx.pinnedFlow.deleteMany({ where: { id: pinnedFlowId, investigationId } });
    if (removed.count === 0) throw new AppError("NOT_FOUND", "That flow record is not pinned to this investigation.");
  });
}

/** A copy (panels with their snapshots, pinned flows) owned by the actor, with a new link. */
export async function duplicateInvestigation(deps: InvestigationDeps, slug: string): Promise<InvestigationWithEverything> {
  const source = await getInvestigation(deps.db, slug);
  return deps.db.$transaction(async (tx) =>
    tx.investigation.create({
      data: {
        slug: newSlug(),
        title: `Copy of ${source.title}`,
        notes: source.notes,
        tags: source.tags,
        owner: deps.actor,
        panels: {
          create: source.panels.map((p) => ({
            position: p.position,
            title: p.title,
            query: p.query,
            from: p.from,
            to: p.to,
            view: p.view as Prisma.InputJsonValue,
            snapshot: p.snapshot === null ? Prisma.JsonNull : (p.snapshot as Prisma.InputJsonValue),
            snapshotAt: p.snapshotAt,
          })),
        },
        pinnedFlows: {
          create: source.pinnedFlows.map((f) => ({
            timestampNs: f.timestampNs,
            line: f.line,
            labels: f.labels as Prisma.InputJsonValue,
            note: f.note,
            pinnedBy: f.pinnedBy,
            pinnedAt: f.pinnedAt,
          })),
        },
        events: { create: { actor: deps.actor, action: "duplicated", changes: { from: source.slug } } },
      },
      include: withEverything,
    }),
  );
}
