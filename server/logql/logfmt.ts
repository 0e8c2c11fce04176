/**
 * The `logfmt` parser with Loki v2.7's decoder (pkg/logql/log/logfmt): keys without a value
 * become labels with an empty value, quoted values are unescaped, the first syntax error stops
 * the line with `__error__="LogfmtParserErr"` and Loki's details (`logfmt syntax error at pos
 * N : unexpected '"'`). With parameters (`| logfmt a, b="key"`, newer Loki) only those keys are
 * extracted.
 */

import { sanitizeLabelKey, shouldExtract, type LabelsBuilder } from "./labels";
import type { LabelExtraction } from "./ast";
import { JSON_ESCAPES } from "./json";

export const LOGFMT_PARSER_ERR = "LogfmtParserErr";

/** A logfmt decoder over one line; `next()` finds the next key/value pair. */
export class LogfmtDecoder {
  private pos = 0;
  key = "";
  value = "";
  /** The error text (Loki's), when the last `next()` failed. */
  error: string | null = null;

  constructor(private readonly line: string) {}

  get atEnd(): boolean {
    return this.pos >= this.line.length;
  }

  private syntaxError(msg: string): false {
    const bytePos = Buffer.byteLength(this.line.slice(0, this.pos), "utf8") + 1;
    this.error = `logfmt syntax error at pos ${bytePos} : ${msg}`;
    return false;
  }

  private unexpected(c: string): false {
    return this.syntaxError(`unexpected '${c === '"' ? '"' : c}'`);
  }

  /** Skips past the current garbage after an error (used by non-strict parsing). */
  skipToken(): void {
    while (this.pos < this.line.length && this.line.charCodeAt(this.pos) > 32) this.pos++;
    this.error = null;
  }

  next(): boolean {
    this.key = "";
    this.value = "";
    const line = this.line;
    const n = line.length;
    while (this.pos < n && line.charCodeAt(this.pos) <= 32) this.pos++;
    if (this.pos >= n) return false;

    const start = this.pos;
    for (;;) {
      if (this.pos >= n) {
        this.key = line.slice(start, this.pos);
        return true;
      }
      const c = line.charCodeAt(this.pos);
      if (c === 61 /* = */) {
        if (this.pos > start) this.key = line.slice(start, this.pos);
        else return this.unexpected("=");
        break;
      }
      if (c === 34 /* " */) return this.unexpected('"');
      if (c <= 32) {
        this.key = line.slice(start, this.pos);
        return true;
      }
      this.pos++;
    }
    // equal
    this.pos++;
    if (this.pos >= n) return true;
    const c0 = line.charCodeAt(this.pos);
    if (c0 <= 32) return true;
    if (c0 === 34) return this.quotedValue();
    const vStart = this.pos;
    for (;;) {
      if (this.pos >= n) {
        this.value = line.slice(vStart, this.pos);
        return true;
      }
      const c = line.charCodeAt(this.pos);
      if (c === 61 || c === 34) return this.unexpected(line[this.pos] as string);
      if (c <= 32) {
        this.value = line.slice(vStart, this.pos);
        return true;
      }
      this.pos++;
    }
  }

  private quotedValue(): boolean {
    const line = this.line;
    const start = this.pos;
    let hasEsc = false;
    let esc = false;
    for (let p = this.pos + 1; p < line.length; p++) {
      const c = line.charCodeAt(p);
      if (esc) {
        esc = false;
        continue;
      }
      if (c === 92) {
        hasEsc = true;
        esc = true;
        continue;
      }
      if (c === 34) {
        this.pos = p + 1;
        if (hasEsc) {
          const v = unquote(line.slice(start + 1, p));
          if (v === null) return this.syntaxError("invalid quoted value");
          this.value = v;
        } else {
          this.value = line.slice(start + 1, p);
        }
        return true;
      }
    }
    this.pos = line.length;
    return this.syntaxError("unterminated quoted value");
  }
}

/** go-logfmt's unquote of a quoted value's body (JSON-style escapes). */
function unquote(body: string): string | null {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    i++;
    const e = body[i] ?? "";
    const simple = e === "'" ? e : JSON_ESCAPES[e];
    if (simple !== undefined) out += simple;
    else if (e === "u") {
      const hex = body.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else return null;
  }
  return out;
}

/** `| logfmt`: every key as a label (subject to parser hints). */
export function parseLogfmtLabels(line: string, lb: LabelsBuilder): void {
  if (lb.hints.noLabels) return;
  const dec = new LogfmtDecoder(line);
  while (dec.next()) {
    const sanitized = sanitizeLabelKey(dec.key, true);
    if (!shouldExtract(lb.hints, sanitized) || sanitized.length === 0) continue;
    const key = lb.baseHas(sanitized) ? `${sanitized}_extracted` : sanitized;
    const value = dec.value.includes("\ufffd") ? "" : dec.value;
    lb.set(key, value);
  }
  if (dec.error !== null) lb.setErr(LOGFMT_PARSER_ERR, dec.error);
}

/** `| logfmt [--strict] a, b="key"` (newer Loki): only the listed keys, each label initialised to "". */
export function parseLogfmtExtractions(line: string, lb: LabelsBuilder, extractions: readonly LabelExtraction[], strict: boolean): void {
  if (lb.hints.noLabels) return;
  for (const e of extractions) if (!lb.baseHas(e.name)) lb.set(e.name, "");
  const dec = new LogfmtDecoder(line);
  for (;;) {
    if (!dec.next()) {
      if (dec.error === null) break;
      if (strict) {
        lb.setErr(LOGFMT_PARSER_ERR, dec.error);
        break;
      }
      dec.skipToken();
      if (dec.atEnd) break;
      continue;
    }
    const key = sanitizeLabelKey(dec.key, true);
    for (const e of extractions) {
      if (e.expression !== key) continue;
      const name = lb.baseHas(e.name) ? `${e.name}_extracted` : e.name;
      lb.set(name, dec.value.includes("\ufffd") ? "" : dec.value);
    }
  }
}
