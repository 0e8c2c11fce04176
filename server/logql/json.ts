/**
 * The `json` and `unpack` parsers, reading lines as Loki v2.7 does with jsoniter: `| json`
 * flattens nested objects into `a_b_c` labels (keys sanitised, arrays and nulls skipped, numbers
 * kept as written), `| json x="a.b[0]"` extracts paths (objects and arrays as their JSON text,
 * missing paths as ""), `| unpack` takes the string fields of a packed entry and its `_entry`.
 * Parse failures set `__error__="JSONParserErr"` with jsoniter-style details.
 */

import { sanitizeLabelKey, shouldExtract, shouldExtractPrefix, type LabelsBuilder } from "./labels";

export const JSON_PARSER_ERR = "JSONParserErr";

/** JSON's one-character escapes (after a backslash) and what they stand for; `u` takes four hex digits. */
export const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class JsonError extends Error {
  constructor(
    readonly op: string,
    readonly msg: string,
    readonly head: number,
  ) {
    super(msg);
  }
}

/** jsoniter's error text: `op: msg, error found in #N byte of ...|near|..., bigger context ...|ctx|...`. */
function formatJsonError(line: string, error: JsonError): string {
  const head = Math.min(error.head, line.length);
  const peekStart = Math.max(0, head - 10);
  const peekEnd = Math.min(line.length, head + 10);
  const ctxStart = Math.max(0, head - 50);
  const ctxEnd = Math.min(line.length, head + 50);
  return `${error.op}: ${error.msg}, error found in #${head - peekStart} byte of ...|${line.slice(peekStart, peekEnd)}|..., bigger context ...|${line.slice(ctxStart, ctxEnd)}|...`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class JsonReader {
  pos = 0;
  constructor(readonly s: string) {}

  skipWs(): void {
    const s = this.s;
    while (this.pos < s.length && WS.has(s.charCodeAt(this.pos))) this.pos++;
  }

  /** The next non-space character (not consumed), or "" at the end. */
  peekChar(): string {
    this.skipWs();
    return this.s[this.pos] ?? "";
  }

  nextToken(): string {
    this.skipWs();
    const c = this.s[this.pos] ?? "";
    this.pos++;
    return c;
  }

  readString(op = "ReadString"): string {
    const s = this.s;
    const c = this.nextToken();
    if (c !== '"') throw new JsonError(op, `expects " or n, but found ${c === "" ? "\\x00" : c}`, this.pos);
    let out = "";
    let start = this.pos;
    while (this.pos < s.length) {
      const ch = s.charCodeAt(this.pos);
      if (ch === 0x22) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (ch === 0x5c) {
        out += s.slice(start, this.pos);
        this.pos++;
        const e = s[this.pos] ?? "";
        this.pos++;
        const simple = JSON_ESCAPES[e];
        if (simple !== undefined) out += simple;
        else if (e === "u") {
          const hex = s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonError(op, `invalid escape char after \\`, this.pos);
          this.pos += 4;
          out += String.fromCharCode(parseInt(hex, 16));
        } else throw new JsonError(op, `invalid escape char after \\`, this.pos);
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    throw new JsonError(op, "incomplete string", this.pos);
  }

  /** The raw text of a number (jsoniter reads any run of `+-.eE0-9`). */
  readNumberText(): string {
    this.skipWs();
    const start = this.pos;
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 101 || c === 69) this.pos++;
      else break;
    }
    return s.slice(start, this.pos);
  }

  expectLiteral(word: string, op: string): void {
    this.skipWs();
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return;
    }
    throw new JsonError(op, `expect ${word}`, this.pos + 1);
  }

  /** Skips one value (jsoniter's Skip). */
  skip(): void {
    const c = this.peekChar();
    switch (c) {
      case '"':
        this.readString("Skip");
        return;
      case "{": {
        this.pos++;
        if (this.peekChar() === "}") {
          this.pos++;
          return;
        }
        for (;;) {
          this.readString("Skip");
          if (this.nextToken() !== ":") throw new JsonError("Skip", "expect : after object field", this.pos);
          this.skip();
          const n = this.nextToken();
          if (n === "}") return;
          if (n !== ",") throw new JsonError("Skip", "object not ended with }", this.pos);
        }
      }
      case "[": {
        this.pos++;
        if (this.peekChar() === "]") {
          this.pos++;
          return;
        }
        for (;;) {
          this.skip();
          const n = this.nextToken();
          if (n === "]") return;
          if (n !== ",") throw new JsonError("Skip", "array not ended with ]", this.pos);
        }
      }
      case "t":
        this.expectLiteral("true", "Skip");
        return;
      case "f":
        this.expectLiteral("false", "Skip");
        return;
      case "n":
        this.expectLiteral("null", "Skip");
        return;
      default:
        if (c === "-" || (c >= "0" && c <= "9")) {
          if (this.readNumberText() === "") throw new JsonError("Skip", "invalid number", this.pos);
          return;
        }
        throw new JsonError("Skip", `do not know how to skip: ${c === "" ? 0 : c.charCodeAt(0)}`, this.pos + 1);
    }
  }

  /** jsoniter's ReadMapCB: calls `onField` with the reader positioned at each value. */
  readObject(onField: (key: string) => void): void {
    const c = this.nextToken();
    if (c === "n") {
      this.pos--;
      this.expectLiteral("null", "ReadMapCB");
      return;
    }
    if (c !== "{") throw new JsonError("ReadMapCB", `expect { or n, but found ${c}`, this.pos);
    const first = this.nextToken();
    if (first === "}") return;
    if (first !== '"') throw new JsonError("ReadMapCB", `expect " after {, but found ${first}`, this.pos);
    this.pos--;
    for (;;) {
      const key = this.readString("ReadMapCB");
      const colon = this.nextToken();
      if (colon !== ":") throw new JsonError("ReadMapCB", `expect : after object field, but found ${colon}`, this.pos);
      onField(key);
      const n = this.nextToken();
      if (n === "}") return;
      if (n !== ",") throw new JsonError("ReadMapCB", "object not ended with }", this.pos);
    }
  }
}

/** `| json`: every field as a label (subject to the parser hints). */
export function parseJsonLabels(line: string, lb: LabelsBuilder): void {
  if (lb.hints.noLabels) return;
  const reader = new JsonReader(line);
  const first = reader.peekChar();
  if (first !== "{") {
    lb.setErr(JSON_PARSER_ERR, "expecting json object(6), but it is not");
    return;
  }
  try {
    readMap(reader, "", lb);
  } catch (error) {
    if (error instanceof JsonError) {
      lb.setErr(JSON_PARSER_ERR, formatJsonError(line, error));
      return;
    }
    throw error;
  }
}

function readMap(reader: JsonReader, prefix: string, lb: LabelsBuilder): void {
  reader.readObject((field) => {
    const c = reader.peekChar();
    if (c === '"' || c === "-" || (c >= "0" && c <= "9") || c === "t" || c === "f") {
      parseLabelValue(reader, prefix, field, lb);
      return;
    }
    if (c === "{") {
      const key = nextKeyPrefix(prefix, field, lb);
      if (key !== null) {
        readMap(reader, key, lb);
        return;
      }
    }
    reader.skip();
  });
}

function nextKeyPrefix(prefix: string, field: string, lb: LabelsBuilder): string | null {
  const key = prefix === "" ? sanitizeLabelKey(field, true) : `${prefix}_${sanitizeLabelKey(field, false)}`;
  return shouldExtractPrefix(lb.hints, key) ? key : null;
}

function parseLabelValue(reader: JsonReader, prefix: string, field: string, lb: LabelsBuilder): void {
  let key: string;
  if (prefix === "") {
    key = sanitizeLabelKey(field, true);
    if (!shouldExtract(lb.hints, key)) {
      reader.skip();
      return;
    }
    if (lb.baseHas(key)) key = `${key}_extracted`;
  } else {
    key = `${prefix}_${sanitizeLabelKey(field, false)}`;
    if (lb.baseHas(key)) key = `${key}_extracted`;
    if (!shouldExtract(lb.hints, key)) {
      reader.skip();
      return;
    }
  }
  lb.set(key, readValue(reader));
}

function readValue(reader: JsonReader): string {
  const c = reader.peekChar();
  if (c === '"') {
    const v = reader.readString();
    return v.includes("\ufffd") ? "" : v;
  }
  if (c === "t") {
    reader.expectLiteral("true", "ReadBool");
    return "true";
  }
  if (c === "f") {
    reader.expectLiteral("false", "ReadBool");
    return "false";
  }
  if (c === "-" || (c >= "0" && c <= "9")) return reader.readNumberText();
  reader.skip();
  return "";
}

/** jsoniter's `Valid`: the line starts with one well-formed JSON value. */
export function isValidJson(line: string): boolean {
  const reader = new JsonReader(line);
  try {
    if (reader.peekChar() === "") return false;
    reader.skip();
    return true;
  } catch {
    return false;
  }
}

export type JsonPath = Array<string | number>;

/** Loki's jsonexpr: `a.b`, `a["b c"]`, `["a"].b`, `a[0]`. Throws with the reason on invalid paths. */
export function parseJsonPath(expr: string): JsonPath {
  const path: JsonPath = [];
  let i = 0;
  let expectField = true;
  const s = expr;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      if (!expectField) throw new Error("syntax error: unexpected FIELD");
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i)) as RegExpExecArray;
      path.push(m[0]);
      i += m[0].length;
      expectField = false;
      continue;
    }
    if (c === ".") {
      if (expectField) throw new Error("syntax error: unexpected DOT");
      expectField = true;
      i++;
      continue;
    }
    if (c === "[") {
      if (expectField && path.length > 0) throw new Error("syntax error: unexpected LSB");
      i++;
      while (s[i] === " ") i++;
      if (s[i] === '"') {
        const end = s.indexOf('"', i + 1);
        if (end === -1) throw new Error("syntax error: unexpected $end");
        path.push(s.slice(i + 1, end));
        i = end + 1;
      } else {
        const m = /^[0-9]+/.exec(s.slice(i));
        if (!m) throw new Error(`unexpected char ${s[i] ?? ""}`);
        path.push(Number(m[0]));
        i += m[0].length;
      }
      while (s[i] === " ") i++;
      if (s[i] !== "]") throw new Error("syntax error: unexpected $end, expecting RSB");
      i++;
      expectField = false;
      continue;
    }
    if (/[0-9]/.test(c)) throw new Error("syntax error: unexpected INDEX");
    throw new Error(`unexpected char ${c}`);
  }
  if (path.length === 0 || expectField) throw new Error("syntax error: unexpected $end");
  return path;
}

/** `jsoniter.Get(line, path...).ToString()`. */
export function jsonGet(line: string, path: JsonPath): string {
  const reader = new JsonReader(line);
  try {
    for (const step of path) {
      const c = reader.peekChar();
      if (typeof step === "string") {
        if (c !== "{") return "";
        let found = false;
        reader.pos++;
        if (reader.peekChar() === "}") return "";
        for (;;) {
          const key = reader.readString();
          if (reader.nextToken() !== ":") return "";
          if (key === step) {
            found = true;
            break;
          }
          reader.skip();
          const n = reader.nextToken();
          if (n !== ",") return "";
        }
        if (!found) return "";
      } else {
        if (c !== "[") return "";
        reader.pos++;
        if (reader.peekChar() === "]") return "";
        for (let idx = 0; idx < step; idx++) {
          reader.skip();
          if (reader.nextToken() !== ",") return "";
        }
      }
    }
    const c = reader.peekChar();
    if (c === '"') return reader.readString();
    if (c === "n") return "";
    if (c === "t" || c === "f") return readValue(reader);
    if (c === "-" || (c >= "0" && c <= "9")) return reader.readNumberText();
    if (c === "{" || c === "[") {
      const start = reader.pos;
      reader.skip();
      return line.slice(start, reader.pos);
    }
    return "";
  } catch {
    return "";
  }
}

/** `| unpack`: string fields become labels, `_entry` the new line (labels only when `_entry` exists). Returns the line. */
export function unpackLine(line: string, lb: LabelsBuilder): string {
  if (lb.hints.noLabels) return line;
  const reader = new JsonReader(line);
  if (reader.peekChar() !== "{") {
    lb.setErr(JSON_PARSER_ERR, "expecting json object(6), but it is not");
    return line;
  }
  const pending: string[] = [];
  let entry = line;
  let packed = false;
  try {
    reader.readObject((field) => {
      if (reader.peekChar() !== '"') {
        reader.skip();
        return;
      }
      if (field === "_entry") {
        entry = reader.readString();
        packed = true;
        return;
      }
      if (!shouldExtract(lb.hints, field)) {
        reader.skip();
        return;
      }
      const key = lb.baseHas(field) ? `${field}_extracted` : field;
      pending.push(key, reader.readString());
    });
  } catch (error) {
    if (error instanceof JsonError) {
      lb.setErr(JSON_PARSER_ERR, formatJsonError(line, error));
      return line;
    }
    throw error;
  }
  if (packed) for (let i = 0; i < pending.length; i += 2) lb.set(pending[i] as string, pending[i + 1] as string);
  return entry;
}
