/**
 * Shaping Loki's metric answers for charts and lists, exactly: values are put on the query's step
 * grid, series that get the same name are added up, the top N are kept and every other value goes
 * into "Other" — computed from the answer itself, or as total − shown when only the top series
 * were asked for. Sums of counts and bytes are whole numbers well below 2^53, so they stay exact.
 *
 * Pure code.
 */
import type { LokiMatrixSeries, LokiVectorSample } from "../loki/types";

export interface ChartSeries {
  key: string;
  label: string;
  /** One value per timestamp of the chart. */
  values: number[];
  total: number;
  /** `other`: everything not shown on its own. */
  role?: "other";
}

export interface ChartData {
  /** Timestamps (ms) of the points: each point holds the step that ends there. */
  timestamps: number[];
  stepMs: number;
  series: ChartSeries[];
  /** Sum over every series (Other included). */
  total: number;
}

/** The evaluation times of a range query: startMs, startMs + step … up to endMs. */
export function stepGrid(startMs: number, endMs: number, stepMs: number): number[] {
  const times: number[] = [];
  for (let t = startMs; t <= endMs; t += stepMs) times.push(t);
  return times;
}

export interface LabelledValues {
  labels: Record<string, string>;
  values: number[];
}

/**
 * A matrix answer on the grid (evenly spaced times); absent points are 0 (no flows in that step).
 * A point belongs to the nearest grid time: with `offset 1ns` Loki stamps each point 1 ms before
 * its step (it adds the offset back in whole milliseconds).
 */
export function onGrid(result: readonly LokiMatrixSeries[], timestamps: readonly number[]): LabelledValues[] {
  const first = timestamps[0] ?? 0;
  const step = timestamps.length > 1 ? (timestamps[1] as number) - first : 1;
  return result.map((series) => {
    const values = new Array<number>(timestamps.length).fill(0);
    for (const [seconds, text] of series.values) {
      const ms = seconds * 1000;
      const i = Math.round((ms - first) / step);
      if (i >= 0 && i < timestamps.length && Math.abs(ms - (timestamps[i] as number)) < step / 2) values[i] = Number(text);
    }
    return { labels: series.metric, values };
  });
}

/** Adds up answers of several queries (split queries, format groups run apart) by label set. */
export function sumByLabels(parts: readonly (readonly LabelledValues[])[], without: readonly string[] = []): LabelledValues[] {
  const sums = new Map<string, LabelledValues>();
  for (const part of parts) {
    for (const s of part) {
      const labels = Object.fromEntries(Object.entries(s.labels).filter(([k]) => !without.includes(k)));
      const key = JSON.stringify(Object.entries(labels).sort());
      const existing = sums.get(key);
      if (!existing) sums.set(key, { labels, values: [...s.values] });
      else s.values.forEach((v, i) => (existing.values[i] = (existing.values[i] ?? 0) + v));
    }
  }
  return [...sums.values()];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Series named by `name(labels)`; series with the same key are added up. */
export function nameSeries(series: readonly LabelledValues[], name: (labels: Record<string, string>) => { key: string; label: string }): ChartSeries[] {
  const named = new Map<string, ChartSeries>();
  for (const s of series) {
    const { key, label } = name(s.labels);
    const existing = named.get(key);
    if (!existing) named.set(key, { key, label, values: [...s.values], total: sum(s.values) });
    else {
      s.values.forEach((v, i) => (existing.values[i] = (existing.values[i] ?? 0) + v));
      existing.total += sum(s.values);
    }
  }
  return [...named.values()];
}

export const OTHER_KEY = "__other__";

/** The `n` largest series by total (ties by label), and one "Other" series holding all the rest. */
export function topWithOther(series: readonly ChartSeries[], n: number, otherLabel = "Other"): ChartSeries[] {
  const sorted = [...series].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  const top = sorted.slice(0, n);
  const rest = sorted.slice(n);
  if (rest.length === 0) return top;
  const length = top[0]?.values.length ?? rest[0]?.values.length ?? 0;
  const values = new Array<number>(length).fill(0);
  for (const s of rest) s.values.forEach((v, i) => (values[i] = (values[i] ?? 0) + v));
  return [...top, { key: OTHER_KEY, label: `${otherLabel} (${rest.length})`, values, total: sum(values), role: "other" }];
}

/**
 * Shown series plus "Other" = total − shown, step by step, when only the top series were asked of
 * Loki. Other is omitted when it is zero everywhere.
 */
export function withOtherFromTotal(top: readonly ChartSeries[], total: readonly number[], otherLabel = "Other"): ChartSeries[] {
  const values = total.map((t, i) => t - top.reduce((acc, s) => acc + (s.values[i] ?? 0), 0));
  const sorted = [...top].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  if (values.every((v) => v === 0)) return sorted;
  return [...sorted, { key: OTHER_KEY, label: otherLabel, values, total: sum(values), role: "other" }];
}

export function chartTotal(series: readonly ChartSeries[]): number {
  return series.reduce((acc, s) => acc + s.total, 0);
}

export interface TopListRow {
  key: string;
  label: string;
  value: number;
  /** Share of the total, 0–1. */
  share: number;
  /** Extra columns (kind, team, address …). */
  detail?: Record<string, string | null>;
  role?: "other";
}

export interface TopList {
  rows: TopListRow[];
  total: number;
}

/** A vector answer as numbers by label set. */
export function vectorValues(result: readonly LokiVectorSample[]): { labels: Record<string, string>; value: number }[] {
  return result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
}

/** Rows sorted by value, with "Other" = total − shown when something is not shown. */
export function topList(rows: readonly Omit<TopListRow, "share">[], total: number, otherLabel = "Other"): TopList {
  const sorted = [...rows].sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  const shown = sorted.reduce((acc, r) => acc + r.value, 0);
  const out: TopListRow[] = sorted.map((r) => ({ ...r, share: total > 0 ? r.value / total : 0 }));
  const other = total - shown;
  if (other > 0) out.push({ key: OTHER_KEY, label: otherLabel, value: other, share: total > 0 ? other / total : 0, role: "other" });
  return { rows: out, total };
}

/** Rows named by `name`; rows with the same key are added up; the top `n` kept and the rest summed into Other. */
export function groupedTopList(
  values: readonly { labels: Record<string, string>; value: number }[],
  name: (labels: Record<string, string>) => { key: string; label: string; detail?: Record<string, string | null> },
  n: number,
  otherLabel = "Other",
): TopList {
  const grouped = new Map<string, Omit<TopListRow, "share">>();
  for (const v of values) {
    const named = name(v.labels);
    const existing = grouped.get(named.key);
    if (existing) existing.value += v.value;
    else grouped.set(named.key, { key: named.key, label: named.label, value: v.value, detail: named.detail });
  }
  const total = values.reduce((acc, v) => acc + v.value, 0);
  const sorted = [...grouped.values()].sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  const list = topList(sorted.slice(0, n), total, sorted.length > n ? `${otherLabel} (${sorted.length - n})` : otherLabel);
  return list;
}
