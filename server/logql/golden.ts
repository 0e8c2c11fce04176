/**
 * Golden answers recorded from a real Grafana Loki (../shared/loki-golden: push.json.gz and
 * cases.jsonl) and the rules for comparing an answer with them (the folder's README):
 * streams as a set of (labels, timestamp, line) with a tolerance at the limit boundary,
 * matrix/vector series keyed by labels with values equal within 1e-9 (relative), lists of
 * labels/values/series as sets, errors by status and the `parse error` prefix.
 *
 * Used by golden.test.ts (the engine directly) and by the store's HTTP tests (over the wire).
 */

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface GoldenCase {
  path: string;
  params: Record<string, string>;
  status: number;
  /** Parsed JSON, or the plain-text error body. */
  body: unknown;
}

/** What a system under test answered: a JSON body (status 200) or a plain-text error. */
export type GoldenAnswer = { status: number; body: unknown } | { status: number; text: string };

/** The golden folder next to the project (`<root>/../shared/loki-golden`), from a file inside the project. */
export function goldenDir(fromDir: string, projectRootRelative = "../.."): string {
  const root = path.resolve(fromDir, projectRootRelative);
  return path.resolve(root, "..", "shared", "loki-golden");
}

export function goldenAvailable(dir: string): boolean {
  return existsSync(path.join(dir, "cases.jsonl")) && existsSync(path.join(dir, "push.json.gz"));
}

export function loadGoldenCases(dir: string): GoldenCase[] {
  return readFileSync(path.join(dir, "cases.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as GoldenCase);
}

/** A short name for a case in test output. */
export function caseName(c: GoldenCase, index: number): string {
  const q = c.params.query ?? c.params["match[]"] ?? "";
  return `#${index} ${c.path.replace("/loki/api/v1", "")} ${q}`.slice(0, 200);
}

const TOLERANCE = 1e-9;

function sameNumber(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= TOLERANCE * scale;
}

function parseValue(text: unknown): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  return Number(text);
}

function canonicalLabels(labels: unknown): string {
  const record = (labels ?? {}) as Record<string, string>;
  return JSON.stringify(Object.keys(record).sort().map((k) => [k, record[k]]));
}

/** Compares an answer with a golden case; returns the differences (empty when it matches). */
export function compareWithGolden(expected: GoldenCase, actual: GoldenAnswer): string[] {
  const problems: string[] = [];
  if (actual.status !== expected.status) {
    const got = "text" in actual ? actual.text : JSON.stringify(actual.body).slice(0, 300);
    return [`status ${actual.status} (${got}), expected ${expected.status} (${JSON.stringify(expected.body).slice(0, 300)})`];
  }
  if (expected.status !== 200) {
    const want = String(expected.body);
    const got = "text" in actual ? actual.text : JSON.stringify(actual.body);
    if (want.startsWith("parse error")) {
      if (!got.startsWith("parse error")) problems.push(`error "${got}", expected a parse error like "${want}"`);
    } else if (got.trim() !== want.trim()) {
      problems.push(`error "${got}", expected "${want}"`);
    }
    return problems;
  }
  if ("text" in actual) return [`a plain-text answer "${actual.text}", expected JSON`];
  const want = expected.body as { status?: string; data: unknown };
  const got = actual.body as { status?: string; data: unknown };
  if (got === null || typeof got !== "object") return ["the answer is not a JSON object"];
  if (got.status !== want.status) problems.push(`status field "${got.status}", expected "${want.status}"`);
  if (Array.isArray(want.data)) {
    compareList(want.data, got.data, problems);
    return problems;
  }
  const wantData = want.data as { resultType: string; result: unknown };
  const gotData = got.data as { resultType: string; result: unknown } | undefined;
  if (!gotData || typeof gotData !== "object") return [...problems, "no data object"];
  if (gotData.resultType !== wantData.resultType) return [...problems, `resultType ${gotData.resultType}, expected ${wantData.resultType}`];
  switch (wantData.resultType) {
    case "streams":
      compareStreams(expected, wantData.result as StreamJson[], gotData.result as StreamJson[], problems);
      break;
    case "matrix":
      compareMatrix(wantData.result as MatrixJson[], gotData.result as MatrixJson[], problems);
      break;
    case "vector":
      compareVector(wantData.result as VectorJson[], gotData.result as VectorJson[], problems);
      break;
    case "scalar": {
      const [wt, wv] = wantData.result as [number, string];
      const [gt, gv] = gotData.result as [number, string];
      if (wt !== gt || !sameNumber(parseValue(wv), parseValue(gv))) problems.push(`scalar ${JSON.stringify(gotData.result)}, expected ${JSON.stringify(wantData.result)}`);
      break;
    }
    default:
      problems.push(`unknown resultType ${wantData.resultType}`);
  }
  return problems;
}

/** `/labels`, `/label/x/values` (strings) and `/series` (label sets): compared as sets. */
function compareList(want: unknown[], got: unknown, problems: string[]): void {
  if (!Array.isArray(got)) {
    problems.push("data is not a list");
    return;
  }
  const key = (item: unknown) => (typeof item === "string" ? item : canonicalLabels(item));
  const w = new Set(want.map(key));
  const g = new Set(got.map(key));
  for (const item of w) if (!g.has(item)) problems.push(`missing ${item}`);
  for (const item of g) if (!w.has(item)) problems.push(`unexpected ${item}`);
  if (g.size !== got.length) problems.push("duplicates in the list");
}

interface StreamJson {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

function compareStreams(expected: GoldenCase, want: StreamJson[], got: StreamJson[], problems: string[]): void {
  if (!Array.isArray(got)) {
    problems.push("result is not a list");
    return;
  }
  const entries = (streams: StreamJson[]) => {
    const out = new Map<string, bigint>();
    for (const s of streams) for (const [ts, line] of s.values) out.set(`${canonicalLabels(s.stream)}\u0000${ts}\u0000${line}`, BigInt(ts));
    return out;
  };
  const w = entries(want);
  const g = entries(got);
  const limit = Number(expected.params.limit ?? "100");
  const backward = (expected.params.direction ?? "backward").toLowerCase() !== "forward";
  let boundary: bigint | null = null;
  if (w.size >= limit && w.size > 0) {
    const all = [...w.values()];
    boundary = all.reduce((a, b) => (backward ? (b < a ? b : a) : b > a ? b : a));
  }
  const missing = [...w.keys()].filter((k) => !g.has(k));
  const extra = [...g.keys()].filter((k) => !w.has(k));
  const tolerated = (k: string, ts: bigint) => boundary !== null && ts === boundary && k !== "";
  for (const k of missing) if (!tolerated(k, w.get(k) as bigint)) problems.push(`missing entry ${k.replaceAll("\u0000", " | ").slice(0, 300)}`);
  for (const k of extra) if (!tolerated(k, g.get(k) as bigint)) problems.push(`unexpected entry ${k.replaceAll("\u0000", " | ").slice(0, 300)}`);
  if (g.size !== w.size) problems.push(`${g.size} entries, expected ${w.size}`);
  const streamsWithEntries = new Set(got.filter((s) => s.values.length > 0).map((s) => canonicalLabels(s.stream)));
  if (streamsWithEntries.size !== got.filter((s) => s.values.length > 0).length) problems.push("the same label set appears in two streams");
}

interface MatrixJson {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

function compareMatrix(want: MatrixJson[], got: MatrixJson[], problems: string[]): void {
  if (!Array.isArray(got)) {
    problems.push("result is not a list");
    return;
  }
  const byLabels = new Map(got.map((s) => [canonicalLabels(s.metric), s]));
  if (byLabels.size !== got.length) problems.push("the same label set appears in two series");
  for (const w of want) {
    const key = canonicalLabels(w.metric);
    const g = byLabels.get(key);
    if (!g) {
      problems.push(`missing series ${key}`);
      continue;
    }
    byLabels.delete(key);
    if (g.values.length !== w.values.length) {
      problems.push(`series ${key}: ${g.values.length} points, expected ${w.values.length} (first ${JSON.stringify(g.values[0])} vs ${JSON.stringify(w.values[0])})`);
      continue;
    }
    for (let i = 0; i < w.values.length; i++) {
      const [wt, wv] = w.values[i] as [number, string];
      const [gt, gv] = g.values[i] as [number, string];
      if (wt !== gt || !sameNumber(parseValue(wv), parseValue(gv))) {
        problems.push(`series ${key} point ${i}: [${gt}, ${gv}], expected [${wt}, ${wv}]`);
        break;
      }
    }
  }
  for (const key of byLabels.keys()) problems.push(`unexpected series ${key}`);
}

interface VectorJson {
  metric: Record<string, string>;
  value: [number, string];
}

function compareVector(want: VectorJson[], got: VectorJson[], problems: string[]): void {
  if (!Array.isArray(got)) {
    problems.push("result is not a list");
    return;
  }
  const byLabels = new Map(got.map((s) => [canonicalLabels(s.metric), s]));
  if (byLabels.size !== got.length) problems.push("the same label set appears in two samples");
  for (const w of want) {
    const key = canonicalLabels(w.metric);
    const g = byLabels.get(key);
    if (!g) {
      problems.push(`missing sample ${key}`);
      continue;
    }
    byLabels.delete(key);
    if (g.value[0] !== w.value[0] || !sameNumber(parseValue(g.value[1]), parseValue(w.value[1]))) {
      problems.push(`sample ${key}: ${JSON.stringify(g.value)}, expected ${JSON.stringify(w.value)}`);
    }
  }
  for (const key of byLabels.keys()) problems.push(`unexpected sample ${key}`);
}

/** Runs one golden case through `ask` and compares the answer. */
export async function runGoldenCase(c: GoldenCase, ask: (path: string, params: Record<string, string>) => Promise<GoldenAnswer>): Promise<string[]> {
  const answer = await ask(c.path, c.params);
  return compareWithGolden(c, answer);
}

/** Whether the engine alone (not the store's index endpoints) answers this case. */
export function isQueryCase(c: GoldenCase): boolean {
  return c.path.endsWith("/query_range") || c.path.endsWith("/query");
}
