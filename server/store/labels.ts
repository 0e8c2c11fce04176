/**
 * Stream identity and stream-selector matching for the store. Pure code.
 *
 * A stream is its label set: names sorted, empty values dropped (Loki treats an empty value as
 * an absent label). Its fingerprint is a hash of the canonical text, unique per tenant.
 * Matchers follow Prometheus/Loki: a missing label matches as "", regexes are fully anchored.
 */
import crypto from "node:crypto";
import type { LabelMatcher, Labels } from "../logql/source";
import { formatLabels } from "../loki/push";

/** Labels sorted by name, empty values removed. */
export function canonicalLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name] as string;
    if (value !== "") out[name] = value;
  }
  return out;
}

/** 16 bytes identifying a canonical label set. */
export function fingerprintOf(canonical: Readonly<Record<string, string>>): Buffer {
  return crypto.createHash("sha256").update(formatLabels(canonical)).digest().subarray(0, 16);
}

/** Turns an RE2 pattern into a JavaScript RegExp that matches the whole string. */
export type RegexCompiler = (pattern: string) => RegExp;

/** A matcher with its regex compiled once. */
export interface CompiledMatcher {
  name: string;
  test(value: string): boolean;
}

export function compileMatchers(matchers: readonly LabelMatcher[], compile: RegexCompiler): CompiledMatcher[] {
  return matchers.map((m) => {
    switch (m.op) {
      case "=":
        return { name: m.name, test: (v: string) => v === m.value };
      case "!=":
        return { name: m.name, test: (v: string) => v !== m.value };
      case "=~": {
        const re = compile(m.value);
        return { name: m.name, test: (v: string) => re.test(v) };
      }
      case "!~": {
        const re = compile(m.value);
        return { name: m.name, test: (v: string) => !re.test(v) };
      }
    }
  });
}

export function matchesAll(labels: Labels, matchers: readonly CompiledMatcher[]): boolean {
  for (const m of matchers) {
    if (!m.test(labels[m.name] ?? "")) return false;
  }
  return true;
}

/**
 * The equality matchers with a non-empty value, as a JSON object for `labels @> $1` (the GIN
 * index): every stream that matches the selector contains them. `null` when two of them
 * contradict each other, so that no stream can match.
 */
export function containmentOf(matchers: readonly LabelMatcher[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const m of matchers) {
    if (m.op === "=" && m.value !== "") {
      if (m.name in out && out[m.name] !== m.value) return null;
      out[m.name] = m.value;
    }
  }
  return out;
}
