/**
 * Saved report links: a short slug for a period and its filters, so a cost review can be shared
 * and reopened as it was set up (/cost/r/<slug>). The parameters are the report's URL state.
 */
import crypto from "node:crypto";
import type { Database } from "../db/client";
import { AppError } from "../errors";

export interface SavedReportDeps {
  db: Database;
}

export interface SavedReport {
  slug: string;
  title: string;
  params: Record<string, string>;
  createdBy: string;
  createdAt: string;
}

const ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz";
const PARAM_NAMES = new Set(["month", "from", "to", "team", "service", "account", "path"]);

function newSlug(): string {
  return [...crypto.randomBytes(8)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** Saves a link to the report with these URL parameters. */
export async function saveReportLink({ db }: SavedReportDeps, input: { title: string; params: Record<string, string>; actor: string }): Promise<SavedReport> {
  const title = input.title.trim();
  if (title === "") throw new AppError("BAD_REQUEST", "Give the saved report a title, e.g. \"October review\".");
  if (title.length > 200) throw new AppError("BAD_REQUEST", "A title has at most 200 characters.");
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.params)) {
    if (!PARAM_NAMES.has(name)) throw new AppError("BAD_REQUEST", `"${name}" is not a report parameter (${[...PARAM_NAMES].join(", ")}).`);
    if (value !== "") params[name] = value.slice(0, 200);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const row = await db.costSavedReport.create({ data: { slug: newSlug(), title, params, createdBy: input.actor } });
      return { slug: row.slug, title: row.title, params, createdBy: row.createdBy, createdAt: row.createdAt.toISOString() };
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
  throw new AppError("INTERNAL", "Could not find a free short link after 5 tries.");
}

export async function getReportLink({ db }: SavedReportDeps, slug: string): Promise<SavedReport> {
  const row = await db.costSavedReport.findUnique({ where: { slug } });
  if (!row) throw new AppError("NOT_FOUND", `No saved cost report /cost/r/${slug}: the link is wrong or was never saved.`);
  return { slug: row.slug, title: row.title, params: row.params as Record<string, string>, createdBy: row.createdBy, createdAt: row.createdAt.toISOString() };
}

export async function listReportLinks({ db }: SavedReportDeps, input: { limit?: number } = {}): Promise<SavedReport[]> {
  const rows = await db.costSavedReport.findMany({ orderBy: { createdAt: "desc" }, take: Math.min(input.limit ?? 20, 100) });
  return rows.map((row) => ({ slug: row.slug, title: row.title, params: row.params as Record<string, string>, createdBy: row.createdBy, createdAt: row.createdAt.toISOString() }));
}
