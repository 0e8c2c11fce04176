/**
 * The cost review's state in the URL, read the same way by the server page (to prefetch), the
 * browser (to query), the print view, the CSV export and saved links:
 * `?month=2026-10` or `?from=2026-10-03&to=2026-10-17` (days, UTC, both included), plus the
 * filters `team`, `service`, `account`, `path`. Without a period: the current month.
 */

export interface CostParams {
  month: string;
  from: string;
  to: string;
  team: string;
  service: string;
  account: string;
  path: string;
}

export const COST_PARAM_NAMES: readonly (keyof CostParams)[] = ["month", "from", "to", "team", "service", "account", "path"];

const DAY_MS = 86_400_000;

/** Reads the parameters from anything with `get` (URLSearchParams, Next's searchParams record through a wrapper). */
export function parseCostParams(get: (name: string) => string | null | undefined): CostParams {
  const value = (name: string) => (get(name) ?? "").trim().slice(0, 200);
  return { month: value("month"), from: value("from"), to: value("to"), team: value("team"), service: value("service"), account: value("account"), path: value("path") };
}

/** The parameters as a query string (empty values left out), without `?`. */
export function costParamsToSearch(params: Partial<CostParams>): string {
  const search = new URLSearchParams();
  for (const name of COST_PARAM_NAMES) {
    const value = params[name];
    if (value) search.set(name, value);
  }
  return search.toString();
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

function dayStart(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export type ResolvedPeriod = { kind: "month" | "range"; from: number; to: number; label: string; problem?: string };

/** The period the parameters name (Unix ms, whole hours), with a label; the current month when they name none or a bad one. */
export function resolvePeriod(params: CostParams, now: number): ResolvedPeriod {
  const currentMonth = () => {
    const d = new Date(now);
    return { kind: "month" as const, from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1), label: monthLabel(monthOf(now)) };
  };
  if (params.from || params.to) {
    const from = dayStart(params.from);
    const to = dayStart(params.to);
    if (from === undefined || to === undefined) return { ...currentMonth(), problem: "A custom period needs a first and a last day (YYYY-MM-DD)." };
    if (to < from) return { ...currentMonth(), problem: "The last day of the period is before its first day." };
    if (to - from > 400 * DAY_MS) return { ...currentMonth(), problem: "A period covers at most 400 days." };
    return { kind: "range", from, to: to + DAY_MS, label: from === to ? params.from : `${params.from} – ${params.to}` };
  }
  if (params.month) {
    const match = /^(\d{4})-(\d{2})$/.exec(params.month);
    const m = match ? Number(match[2]) : 0;
    if (!match || m < 1 || m > 12) return { ...currentMonth(), problem: `"${params.month}" is not a month (YYYY-MM).` };
    const from = Date.UTC(Number(match[1]), m - 1, 1);
    return { kind: "month", from, to: Date.UTC(Number(match[1]), m, 1), label: monthLabel(params.month) };
  }
  return currentMonth();
}

export function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  const names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  return `${names[Number(m) - 1] ?? month} ${year}`;
}

/** The report procedure's input for the parameters. */
export function reportInputOf(params: CostParams, now: number) {
  const period = resolvePeriod(params, now);
  const filters: { team?: string; service?: string; accountId?: string; path?: string } = {};
  if (params.team) filters.team = params.team;
  if (params.service) filters.service = params.service;
  if (params.account) filters.accountId = params.account;
  if (params.path) filters.path = params.path;
  return { from: period.from, to: period.to, filters };
}

/** Next.js page searchParams → a getter. */
export function fromRecord(record: Record<string, string | string[] | undefined>): (name: string) => string | undefined {
  return (name) => {
    const value = record[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

/** The time a page resolves its default period at (the server page passes it to the browser, so both resolve the same month). */
export function reportClock(): number {
  return Date.now();
}
