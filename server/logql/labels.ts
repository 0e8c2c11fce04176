/**
 * Label sets as Loki's pipelines handle them (pkg/logql/log/labels.go): a stream's labels plus
 * what stages add, change and delete, the `__error__` / `__error_details__` labels, the result
 * of a pipeline (one output series per full label set, empty values included) and grouping for
 * metric queries (`by`/`without` pushed into the extraction, as Loki does).
 */

import type { Labels } from "./source";
import { goQuote } from "./units";

export const ERROR_LABEL = "__error__";
export const ERROR_DETAILS_LABEL = "__error_details__";

/** A computed label set with a key that identifies it (equal keys ⇔ equal label sets). */
export interface LabelsResult {
  readonly key: string;
  readonly names: readonly string[];
  readonly values: readonly string[];
}

const SEP_NAME = "\u0000";
const SEP_PAIR = "\u0001";

/** Builds the identity key of sorted (name, value) pairs. */
export function labelsKey(names: readonly string[], values: readonly string[]): string {
  let key = "";
  for (let i = 0; i < names.length; i++) key += names[i] + SEP_NAME + values[i] + SEP_PAIR;
  return key;
}

export function makeLabelsResult(names: readonly string[], values: readonly string[]): LabelsResult {
  return { key: labelsKey(names, values), names, values };
}

export function labelsResultFromRecord(labels: Labels): LabelsResult {
  const names = Object.keys(labels).sort(compareStrings);
  return makeLabelsResult(
    names,
    names.map((n) => labels[n] as string),
  );
}

export function labelsToRecord(result: LabelsResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < result.names.length; i++) out[result.names[i] as string] = result.values[i] as string;
  return out;
}

/** Prometheus' `Labels.String()`: `{a="1", b="2"}`. */
export function formatLabels(result: LabelsResult): string {
  let out = "{";
  for (let i = 0; i < result.names.length; i++) {
    if (i > 0) out += ", ";
    out += `${result.names[i]}=${goQuote(result.values[i] as string)}`;
  }
  return `${out}}`;
}

/** Byte-wise string order (Go's `<` on strings) for ASCII label names; code-unit order otherwise. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Loki's `sanitizeLabelKey`: trims, prefixes a leading digit with `_` (for a key's first part), replaces other characters by `_`. */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  if (key.length === 0) return key;
  let k = key;
  if (/^\s|\s$/u.test(k)) k = k.trim();
  if (k.length === 0) return k;
  const first = k.charCodeAt(0);
  if (isPrefix && first >= 48 && first <= 57) k = `_${k}`;
  let clean = true;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57))) {
      clean = false;
      break;
    }
  }
  if (clean) return k;
  let out = "";
  for (const ch of k) {
    const c = ch.charCodeAt(0);
    out += (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57) ? ch : "_";
  }
  return out;
}

/** Prometheus' label name rule. */
export function isValidLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/**
 * Which parsed labels a metric query needs (Loki's parser hints): parsers skip the others, and
 * skip the line entirely when no label is needed.
 */
export interface ParserHints {
  /** null: extract everything. */
  readonly required: ReadonlySet<string> | null;
  readonly requiredList: readonly string[];
  readonly noLabels: boolean;
}

export const NO_HINTS: ParserHints = { required: null, requiredList: [], noLabels: false };

export function shouldExtract(hints: ParserHints, key: string): boolean {
  return hints.required === null || hints.required.has(key);
}

export function shouldExtractPrefix(hints: ParserHints, prefix: string): boolean {
  if (hints.required === null) return true;
  for (const l of hints.requiredList) if (l.startsWith(prefix)) return true;
  return false;
}

/** Loki's `newParserHint`. */
export function makeParserHints(requiredLabelNames: readonly string[], groups: readonly string[], without: boolean, noLabels: boolean, metricLabel: string): ParserHints {
  const hints: string[] = [];
  const append = (names: readonly string[]) => {
    for (const l of names) {
      if (l === "") continue;
      hints.push(l);
      if (l.endsWith("_extracted")) hints.push(l.slice(0, -"_extracted".length));
    }
  };
  append(requiredLabelNames);
  append(groups);
  append([metricLabel]);
  const unique = [...new Set(hints)];
  if (noLabels) {
    if (unique.length > 0) return { required: new Set(unique), requiredList: unique, noLabels: false };
    return { required: null, requiredList: [], noLabels: true };
  }
  if (without || groups.length === 0) return NO_HINTS;
  return { required: new Set(unique), requiredList: unique, noLabels: false };
}

/** How a metric query groups the extracted labels (pushed down from `sum by`, or the range aggregation's own grouping). */
export interface ExtractionGrouping {
  readonly groups: readonly string[];
  readonly without: boolean;
  readonly noLabels: boolean;
}

export const NO_GROUPING: ExtractionGrouping = { groups: [], without: false, noLabels: false };

/**
 * The labels of one stream while a pipeline runs on one entry. One builder per stream; `reset()`
 * before each entry. Results are cached by key so equal label sets share one object.
 */
export class LabelsBuilder {
  readonly baseNames: readonly string[];
  readonly baseValues: readonly string[];
  readonly baseResult: LabelsResult;
  private readonly baseIndex: Map<string, number>;
  private addNames: string[] = [];
  private addValues: string[] = [];
  /** Values still to be cut out of a line (`| pattern` captures): line, start, end; null once a string. */
  private addLazyLine: Array<string | null> = [];
  private addLazyStart: number[] = [];
  private addLazyEnd: number[] = [];
  private addCount = 0;
  private delNames: string[] = [];
  private delCount = 0;
  err = "";
  errDetails = "";
  private baseGrouped: LabelsResult | null = null;
  private readonly cache: Map<string, LabelsResult>;
  /** `by` results keyed by the group labels' values, level by level (no key string per entry). */
  private readonly byTrie: Map<unknown, unknown>;

  constructor(
    base: LabelsResult,
    readonly hints: ParserHints,
    private readonly grouping: ExtractionGrouping,
    cache: Map<string, LabelsResult>,
  ) {
    this.baseNames = base.names;
    this.baseValues = base.values;
    this.baseResult = base;
    this.baseIndex = new Map(base.names.map((n, i) => [n, i]));
    this.cache = cache;
    let trie = BY_TRIES.get(cache);
    if (trie === undefined) {
      trie = new Map();
      BY_TRIES.set(cache, trie);
    }
    this.byTrie = trie;
  }

  reset(): void {
    this.addCount = 0;
    this.delCount = 0;
    this.err = "";
    this.errDetails = "";
  }

  baseHas(name: string): boolean {
    return this.baseIndex.has(name);
  }

  hasErr(): boolean {
    return this.err !== "";
  }

  setErr(err: string, details = ""): void {
    this.err = err;
    this.errDetails = details;
  }

  /** The value of a label, or undefined when absent. */
  get(name: string): string | undefined {
    for (let i = 0; i < this.addCount; i++) if (this.addNames[i] === name) return this.addValue(i);
    for (let i = 0; i < this.delCount; i++) if (this.delNames[i] === name) return undefined;
    const at = this.baseIndex.get(name);
    return at === undefined ? undefined : this.baseValues[at];
  }

  set(name: string, value: string): void {
    for (let i = 0; i < this.addCount; i++) {
      if (this.addNames[i] === name) {
        this.addValues[i] = value;
        this.addLazyLine[i] = null;
        return;
      }
    }
    this.addNames[this.addCount] = name;
    this.addValues[this.addCount] = value;
    this.addLazyLine[this.addCount] = null;
    this.addCount++;
  }

  /** Sets a label to `line.slice(start, end)`, cutting the string only when someone reads it. */
  setSlice(name: string, line: string, start: number, end: number): void {
    let i = 0;
    while (i < this.addCount && this.addNames[i] !== name) i++;
    if (i === this.addCount) {
      this.addNames[i] = name;
      this.addCount++;
    }
    this.addLazyLine[i] = line;
    this.addLazyStart[i] = start;
    this.addLazyEnd[i] = end;
  }

  private addValue(i: number): string {
    const line = this.addLazyLine[i];
    if (line !== null && line !== undefined) {
      this.addValues[i] = line.slice(this.addLazyStart[i], this.addLazyEnd[i]);
      this.addLazyLine[i] = null;
    }
    return this.addValues[i] as string;
  }

  del(name: string): void {
    for (let i = 0; i < this.addCount; i++) {
      if (this.addNames[i] === name) {
        for (let j = i; j < this.addCount - 1; j++) {
          this.addNames[j] = this.addNames[j + 1] as string;
          this.addValues[j] = this.addValues[j + 1] as string;
          this.addLazyLine[j] = this.addLazyLine[j + 1] ?? null;
          this.addLazyStart[j] = this.addLazyStart[j + 1] as number;
          this.addLazyEnd[j] = this.addLazyEnd[j + 1] as number;
        }
        this.addCount--;
        i--;
      }
    }
    this.delNames[this.delCount++] = name;
  }

  /** Whether no stage changed anything (labels or error). */
  unchanged(): boolean {
    return this.addCount === 0 && this.delCount === 0 && this.err === "";
  }

  private isDeleted(name: string): boolean {
    for (let i = 0; i < this.delCount; i++) if (this.delNames[i] === name) return true;
    return false;
  }

  private isAdded(name: string): boolean {
    for (let i = 0; i < this.addCount; i++) if (this.addNames[i] === name) return true;
    return false;
  }

  /** The current labels in Loki's unsorted order (base, then added, then error labels). */
  unsorted(names: string[], values: string[]): number {
    let n = 0;
    if (this.addCount === 0 && this.delCount === 0) {
      for (let i = 0; i < this.baseNames.length; i++) {
        names[n] = this.baseNames[i] as string;
        values[n++] = this.baseValues[i] as string;
      }
    } else {
      for (let i = 0; i < this.baseNames.length; i++) {
        const name = this.baseNames[i] as string;
        if (this.isDeleted(name) || this.isAdded(name)) continue;
        names[n] = name;
        values[n++] = this.baseValues[i] as string;
      }
      for (let i = 0; i < this.addCount; i++) {
        names[n] = this.addNames[i] as string;
        values[n++] = this.addValue(i);
      }
    }
    if (this.err !== "") {
      names[n] = ERROR_LABEL;
      values[n++] = this.err;
    }
    if (this.errDetails !== "") {
      names[n] = ERROR_DETAILS_LABEL;
      values[n++] = this.errDetails;
    }
    return n;
  }

  private scratchNames: string[] = [];
  private scratchValues: string[] = [];

  /** A map of the current labels (for templates). */
  map(): Record<string, string> {
    const n = this.unsorted(this.scratchNames, this.scratchValues);
    const out: Record<string, string> = {};
    for (let i = 0; i < n; i++) out[this.scratchNames[i] as string] = this.scratchValues[i] as string;
    return out;
  }

  /** The full label set after the pipeline (Loki's `LabelsResult()`). */
  result(): LabelsResult {
    if (this.unchanged()) return this.baseResult;
    const n = this.unsorted(this.scratchNames, this.scratchValues);
    return this.toResult(this.scratchNames, this.scratchValues, n);
  }

  /** The label set a metric sample is grouped under (Loki's `GroupedLabels()`). */
  groupedResult(): LabelsResult {
    if (this.err !== "") return this.result();
    const g = this.grouping;
    if (g.noLabels) return EMPTY_RESULT;
    if (this.addCount === 0 && this.delCount === 0) {
      if (g.groups.length === 0) return this.baseResult;
      if (this.baseGrouped === null) this.baseGrouped = this.computeBaseGroup();
      return this.baseGrouped;
    }
    if (g.groups.length === 0) return this.result();
    const names = this.scratchNames;
    const values = this.scratchValues;
    let n = 0;
    if (g.without) {
      for (let i = 0; i < this.baseNames.length; i++) {
        const name = this.baseNames[i] as string;
        if (this.isDeleted(name) || this.isAdded(name) || g.groups.includes(name)) continue;
        names[n] = name;
        values[n++] = this.baseValues[i] as string;
      }
      for (let i = 0; i < this.addCount; i++) {
        const name = this.addNames[i] as string;
        if (g.groups.includes(name)) continue;
        names[n] = name;
        values[n++] = this.addValue(i);
      }
      return this.toResult(names, values, n);
    }
    let node = this.byTrie;
    outer: for (const group of g.groups) {
      let value: string | typeof ABSENT = ABSENT;
      if (!this.isDeleted(group)) {
        for (let i = 0; i < this.addCount; i++) {
          if (this.addNames[i] === group) {
            value = this.addValue(i);
            break;
          }
        }
        if (value === ABSENT) {
          const at = this.baseIndex.get(group);
          if (at !== undefined) value = this.baseValues[at] as string;
        }
      }
      if (value !== ABSENT) {
        names[n] = group;
        values[n++] = value;
      }
      let next = node.get(value) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
      continue outer;
    }
    const leaf = node.get(LEAF) as LabelsResult | undefined;
    if (leaf !== undefined) return leaf;
    const result = this.toResultSorted(names, values, n);
    node.set(LEAF, result);
    return result;
  }

  private computeBaseGroup(): LabelsResult {
    const g = this.grouping;
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.baseNames.length; i++) {
      const name = this.baseNames[i] as string;
      const inGroup = g.groups.includes(name);
      if (inGroup !== g.without) {
        names.push(name);
        values.push(this.baseValues[i] as string);
      }
    }
    return this.toResultSorted(names, values, names.length);
  }

  /** Sorts the first n pairs by name (insertion sort: label sets are small) and interns the result. */
  private toResult(names: string[], values: string[], n: number): LabelsResult {
    for (let i = 1; i < n; i++) {
      const name = names[i] as string;
      const value = values[i] as string;
      let j = i - 1;
      while (j >= 0 && (names[j] as string) > name) {
        names[j + 1] = names[j] as string;
        values[j + 1] = values[j] as string;
        j--;
      }
      names[j + 1] = name;
      values[j + 1] = value;
    }
    return this.toResultSorted(names, values, n);
  }

  private toResultSorted(names: readonly string[], values: readonly string[], n: number): LabelsResult {
    let key = "";
    for (let i = 0; i < n; i++) key += names[i] + SEP_NAME + values[i] + SEP_PAIR;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result: LabelsResult = { key, names: names.slice(0, n), values: values.slice(0, n) };
    this.cache.set(key, result);
    return result;
  }
}

export const EMPTY_RESULT: LabelsResult = { key: "", names: [], values: [] };

const ABSENT = Symbol("absent");
const LEAF = Symbol("leaf");
/** One `by` trie per result cache (per query and extraction). */
const BY_TRIES = new WeakMap<Map<string, LabelsResult>, Map<unknown, unknown>>();
