/**
 * Go's text/template, as far as `line_format` and `label_format` use it: text and `{{ }}` actions
 * with `{{-`/`-}}` trimming and comments, `.field` lookups on the label map (missing keys are
 * ""), variables, pipelines, parenthesised calls, `if`/`else if`/`else`/`with`/`range`/`end`, Go's
 * builtins (`eq ne lt le gt ge and or not len index print printf println html js urlquery
 * slice`) and the functions Loki 2.7 registers (strings' `ToLower … TrimSpace`, Sprig's `lower
 * upper title trunc substr contains hasPrefix hasSuffix indent nindent replace repeat trim
 * trimAll trimSuffix trimPrefix int float64 add sub mul div mod addf subf mulf divf max min maxf
 * minf ceil floor round default date unixEpoch now`, `regexReplaceAll(Literal)`,
 * `__line__`, `__timestamp__`). Errors read like Go's (`template: line:1: function "x" not
 * defined`, `… executing "line" at <.a.b>: can't evaluate field b in type string`). `toDate` and
 * `fromJson` are refused as not supported (their Go behaviour is not reproduced).
 */

import { compileRe2WithNames, goReplaceAll, Re2SyntaxError } from "./re2";
import { formatGoFloat, goQuote, goTrimSpace } from "./units";

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

// ---------------------------------------------------------------------------------------------
// Values

/** A Go integer value (kind keeps Go's type for errors and printing). */
class GoInt {
  constructor(
    readonly v: number,
    readonly type: "int" | "int64" | "uint8" | "int32" = "int",
  ) {}
}

/** A Go time.Time: nanoseconds since the epoch (UTC). */
class GoTime {
  constructor(readonly ns: bigint) {}
}

type Value = string | number | boolean | null | GoInt | GoTime | Record<string, string> | Value[];

function typeName(v: Value): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  if (v === null) return "<nil>";
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoTime) return "time.Time";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]string";
}

function isTrue(v: Value): boolean {
  if (typeof v === "string") return v !== "";
  if (typeof v === "number") return v !== 0;
  if (typeof v === "boolean") return v;
  if (v === null) return false;
  if (v instanceof GoInt) return v.v !== 0;
  if (v instanceof GoTime) return true;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** Go's `%v` of a float64 (strconv 'g' with the shortest representation). */
export function goFloatV(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mantissa = "0", expText = "0"] = v.toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace("-", "").replace(".", "");
  const neg = v < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const frac = digits.slice(1);
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${neg}${digits[0]}${frac ? `.${frac}` : ""}e${exp < 0 ? "-" : "+"}${e}`;
  }
  return formatGoFloat(v);
}

/** fmt.Sprint of one value. */
function printValue(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return goFloatV(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) return "<nil>";
  if (v instanceof GoInt) return String(v.v);
  if (v instanceof GoTime) return formatGoTime(v, "2006-01-02 15:04:05.999999999 -0700 MST");
  if (Array.isArray(v)) return `[${v.map(printValue).join(" ")}]`;
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${v[k]}`).join(" ")}]`;
}

// ---------------------------------------------------------------------------------------------
// Time formatting with Go layouts (UTC).

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function formatGoTime(t: GoTime, layout: string): string {
  const ns = t.ns;
  const ms = Number(ns / 1_000_000n);
  const fracNs = Number(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const tokens: Array<[string, () => string]> = [
    ["January", () => MONTHS[d.getUTCMonth()] ?? ""],
    ["Jan", () => (MONTHS[d.getUTCMonth()] ?? "").slice(0, 3)],
    ["Monday", () => DAYS[d.getUTCDay()] ?? ""],
    ["Mon", () => (DAYS[d.getUTCDay()] ?? "").slice(0, 3)],
    ["MST", () => "UTC"],
    ["2006", () => pad(d.getUTCFullYear(), 4)],
    ["-07:00:00", () => "+00:00:00"],
    ["-0700", () => "+0000"],
    ["-07:00", () => "+00:00"],
    ["-07", () => "+00"],
    ["Z07:00:00", () => "Z"],
    ["Z0700", () => "Z"],
    ["Z07:00", () => "Z"],
    ["Z07", () => "Z"],
    ["01", () => pad(d.getUTCMonth() + 1)],
    ["02", () => pad(d.getUTCDate())],
    ["_2", () => String(d.getUTCDate()).padStart(2, " ")],
    ["002", () => pad(dayOfYear(d), 3)],
    ["15", () => pad(d.getUTCHours())],
    ["03", () => pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12)],
    ["04", () => pad(d.getUTCMinutes())],
    ["05", () => pad(d.getUTCSeconds())],
    ["06", () => pad(d.getUTCFullYear() % 100)],
    ["PM", () => (d.getUTCHours() >= 12 ? "PM" : "AM")],
    ["pm", () => (d.getUTCHours() >= 12 ? "pm" : "am")],
    ["1", () => String(d.getUTCMonth() + 1)],
    ["2", () => String(d.getUTCDate())],
    ["3", () => String(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12)],
    ["4", () => String(d.getUTCMinutes())],
    ["5", () => String(d.getUTCSeconds())],
  ];
  let out = "";
  let i = 0;
  while (i < layout.length) {
    // Fractional seconds: .000 / ,000 (fixed) or .999 (trimmed).
    const frac = /^[.,](0+|9+)/.exec(layout.slice(i));
    if (frac && frac[1] && i > 0 && /[0-9]/.test(layout[i - 1] ?? "")) {
      const width = frac[1].length;
      const digits = String(fracNs).padStart(9, "0").slice(0, Math.min(width, 9));
      if (frac[1][0] === "0") out += layout[i] + digits;
      else {
        const trimmed = digits.replace(/0+$/, "");
        if (trimmed) out += layout[i] + trimmed;
      }
      i += frac[0].length;
      continue;
    }
    let matched = false;
    for (const [token, fn] of tokens) {
      if (layout.startsWith(token, i)) {
        out += fn();
        i += token.length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      out += layout[i];
      i++;
    }
  }
  return out;
}

function dayOfYear(d: Date): number {
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start) / 86_400_000) + 1;
}

// ---------------------------------------------------------------------------------------------
// Lexer

type TokType =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "identifier"
  | "keyword"
  | "field"
  | "dot"
  | "variable"
  | "string"
  | "rawString"
  | "char"
  | "number"
  | "bool"
  | "nil"
  | "leftParen"
  | "rightParen"
  | "pipe"
  | "declare"
  | "assign"
  | "comma"
  | "comment"
  | "eof";

interface Tok {
  type: TokType;
  val: string;
  pos: number;
  line: number;
}

const KEYWORDS = new Set(["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"]);

function lexTemplate(name: string, input: string): Tok[] {
  const toks: Tok[] = [];
  let pos = 0;
  let line = 1;
  const lineAt = (p: number) => {
    let l = 1;
    for (let i = 0; i < p; i++) if (input[i] === "\n") l++;
    return l;
  };
  const fail = (msg: string, at: number): never => {
    throw new TemplateError(`template: ${name}:${lineAt(at)}: ${msg}`);
  };
  while (pos < input.length) {
    const open = input.indexOf("{{", pos);
    let textEnd = open === -1 ? input.length : open;
    let trimLeft = false;
    if (open !== -1 && input[open + 2] === "-" && /[ \t\r\n]/.test(input[open + 3] ?? "")) trimLeft = true;
    let text = input.slice(pos, textEnd);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, "");
    if (text.length > 0) toks.push({ type: "text", val: text, pos, line: lineAt(pos) });
    if (open === -1) {
      pos = input.length;
      break;
    }
    let p = open + 2 + (trimLeft ? 2 : 0);
    line = lineAt(open);
    // Comment?
    const afterSpace = p;
    if (input.startsWith("/*", afterSpace)) {
      const end = input.indexOf("*/", afterSpace + 2);
      if (end === -1) fail("unclosed comment", open);
      let q = end + 2;
      let trimRight = false;
      if (input.startsWith(" -}}", q)) {
        trimRight = true;
        q += 4;
      } else if (input.startsWith("}}", q)) {
        q += 2;
      } else {
        fail("comment ends before closing delimiter", open);
      }
      pos = q;
      if (trimRight) {
        const m = /^[ \t\r\n]*/.exec(input.slice(pos));
        pos += m ? m[0].length : 0;
      }
      toks.push({ type: "comment", val: "", pos: open, line });
      textEnd = pos;
      continue;
    }
    toks.push({ type: "leftDelim", val: "{{", pos: open, line });
    let parenDepth = 0;
    for (;;) {
      if (p >= input.length) fail("unclosed action", open);
      if (input.startsWith(" -}}", p) || input.startsWith("\t-}}", p) || input.startsWith("\n-}}", p) || input.startsWith("\r-}}", p)) {
        toks.push({ type: "rightDelim", val: "}}", pos: p, line: lineAt(p) });
        p += 4;
        const m = /^[ \t\r\n]*/.exec(input.slice(p));
        p += m ? m[0].length : 0;
        break;
      }
      if (input.startsWith("}}", p)) {
        if (parenDepth > 0) fail("unclosed left paren", p);
        toks.push({ type: "rightDelim", val: "}}", pos: p, line: lineAt(p) });
        p += 2;
        break;
      }
      const c = input[p] as string;
      if (c === "\n" && parenDepth === 0) {
        // Newlines are allowed inside actions in Go ≥ 1.16; treat as space.
      }
      if (/[ \t\r\n]/.test(c)) {
        let q = p;
        while (q < input.length && /[ \t\r\n]/.test(input[q] as string) && !input.startsWith(" -}}", q)) q++;
        if (q === p) q = p + 1;
        toks.push({ type: "space", val: input.slice(p, q), pos: p, line: lineAt(p) });
        p = q;
        continue;
      }
      if (c === "=") {
        toks.push({ type: "assign", val: "=", pos: p, line: lineAt(p) });
        p++;
        continue;
      }
      if (c === ":") {
        if (input[p + 1] !== "=") fail("expected :=", p);
        toks.push({ type: "declare", val: ":=", pos: p, line: lineAt(p) });
        p += 2;
        continue;
      }
      if (c === "|") {
        toks.push({ type: "pipe", val: "|", pos: p, line: lineAt(p) });
        p++;
        continue;
      }
      if (c === ",") {
        toks.push({ type: "comma", val: ",", pos: p, line: lineAt(p) });
        p++;
        continue;
      }
      if (c === "(") {
        parenDepth++;
        toks.push({ type: "leftParen", val: "(", pos: p, line: lineAt(p) });
        p++;
        continue;
      }
      if (c === ")") {
        parenDepth--;
        if (parenDepth < 0) fail(`unexpected right paren U+0029 ')'`, p);
        toks.push({ type: "rightParen", val: ")", pos: p, line: lineAt(p) });
        p++;
        continue;
      }
      if (c === '"') {
        let q = p + 1;
        while (q < input.length && input[q] !== '"') {
          if (input[q] === "\\") q++;
          if (input[q] === "\n") fail("unterminated quoted string", p);
          q++;
        }
        if (q >= input.length) fail("unterminated quoted string", p);
        toks.push({ type: "string", val: input.slice(p, q + 1), pos: p, line: lineAt(p) });
        p = q + 1;
        continue;
      }
      if (c === "`") {
        const q = input.indexOf("`", p + 1);
        if (q === -1) fail("unterminated raw quoted string", p);
        toks.push({ type: "rawString", val: input.slice(p, q + 1), pos: p, line: lineAt(p) });
        p = q + 1;
        continue;
      }
      if (c === "'") {
        let q = p + 1;
        while (q < input.length && input[q] !== "'") {
          if (input[q] === "\\") q++;
          q++;
        }
        if (q >= input.length) fail("unterminated character constant", p);
        toks.push({ type: "char", val: input.slice(p, q + 1), pos: p, line: lineAt(p) });
        p = q + 1;
        continue;
      }
      if (c === "$") {
        const m = /^\$[\p{L}\p{Nd}_]*/u.exec(input.slice(p)) as RegExpExecArray;
        toks.push({ type: "variable", val: m[0], pos: p, line: lineAt(p) });
        p += m[0].length;
        continue;
      }
      if (c === ".") {
        const next = input[p + 1] ?? "";
        if (/[0-9]/.test(next)) {
          const m = /^\.[0-9][0-9_]*(?:[eE][+-]?[0-9]+)?/.exec(input.slice(p)) as RegExpExecArray;
          toks.push({ type: "number", val: m[0], pos: p, line: lineAt(p) });
          p += m[0].length;
          continue;
        }
        if (/[\p{L}_]/u.test(next)) {
          const m = /^\.[\p{L}\p{Nd}_]+/u.exec(input.slice(p)) as RegExpExecArray;
          toks.push({ type: "field", val: m[0], pos: p, line: lineAt(p) });
          p += m[0].length;
          continue;
        }
        toks.push({ type: "dot", val: ".", pos: p, line: lineAt(p) });
        p++;
        continue;
      }
      if (/[0-9+-]/.test(c)) {
        const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/.exec(input.slice(p));
        if (!m || m[0] === "" || m[0] === "+" || m[0] === "-") fail(`bad character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} '${c}'`, p);
        const val = (m as RegExpExecArray)[0];
        if (/[\p{L}\p{Nd}_]/u.test(input[p + val.length] ?? "")) fail(`bad number syntax: "${input.slice(p, p + val.length + 1)}"`, p);
        toks.push({ type: "number", val, pos: p, line: lineAt(p) });
        p += val.length;
        continue;
      }
      if (/[\p{L}_]/u.test(c)) {
        const m = /^[\p{L}\p{Nd}_]+/u.exec(input.slice(p)) as RegExpExecArray;
        const word = m[0];
        const type: TokType = KEYWORDS.has(word) ? "keyword" : word === "true" || word === "false" ? "bool" : word === "nil" ? "nil" : "identifier";
        toks.push({ type, val: word, pos: p, line: lineAt(p) });
        p += word.length;
        continue;
      }
      fail(`unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} '${c}'`, p);
    }
    pos = p;
  }
  toks.push({ type: "eof", val: "", pos: input.length, line });
  return toks;
}

// ---------------------------------------------------------------------------------------------
// Parse tree

type Node =
  | { t: "text"; text: string }
  | { t: "action"; pipe: Pipe; pos: number }
  | { t: "if" | "with"; pipe: Pipe; list: Node[]; elseList: Node[] | null; pos: number }
  | { t: "range"; pipe: Pipe; list: Node[]; elseList: Node[] | null; pos: number }
  | { t: "break" | "continue"; pos: number };

interface Pipe {
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
  pos: number;
}

interface Command {
  args: Arg[];
  pos: number;
}

type Arg =
  | { a: "field"; names: string[]; pos: number; text: string }
  | { a: "dot"; pos: number }
  | { a: "variable"; names: string[]; pos: number; text: string }
  | { a: "string"; value: string; pos: number; text: string }
  | { a: "number"; text: string; isInt: boolean; value: number; pos: number }
  | { a: "bool"; value: boolean; pos: number }
  | { a: "nil"; pos: number }
  | { a: "identifier"; name: string; pos: number }
  | { a: "pipe"; pipe: Pipe; fields: string[]; pos: number; text: string };

function unquoteGoString(text: string): string {
  if (text.startsWith("`")) return text.slice(1, -1).replaceAll("\r", "");
  try {
    return JSON.parse(
      text.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => `\\u00${h}`).replace(/\\([abfv'])/g, (_, c: string) => ({ a: "\\u0007", b: "\\b", f: "\\f", v: "\\u000b", "'": "'" })[c] ?? c),
    ) as string;
  } catch {
    return text.slice(1, -1);
  }
}

export interface Template {
  readonly name: string;
  readonly root: Node[];
  readonly source: string;
  /** Field names the template reads (Loki's RequiredLabelNames for templates). */
  readonly fields: string[];
}

class TemplateParser {
  private i = 0;
  private readonly vars: string[][] = [["$"]];
  readonly fields = new Set<string>();

  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly toks: Tok[],
  ) {}

  private lineOf(pos: number): number {
    let l = 1;
    for (let i = 0; i < pos && i < this.source.length; i++) if (this.source[i] === "\n") l++;
    return l;
  }

  private fail(msg: string, pos: number): never {
    throw new TemplateError(`template: ${this.name}:${this.lineOf(pos)}: ${msg}`);
  }

  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }

  private next(): Tok {
    const t = this.toks[this.i] as Tok;
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  private peekNonSpace(): Tok {
    while (this.peek().type === "space") this.next();
    return this.peek();
  }

  private nextNonSpace(): Tok {
    this.peekNonSpace();
    return this.next();
  }

  parse(): Node[] {
    const [list, end] = this.parseList(new Set());
    if (end !== null) this.fail(`unexpected {{${end.word}}}`, end.pos);
    return list;
  }

  /** Parses nodes until EOF or an `{{end}}`/`{{else}}` (returned). */
  private parseList(stops: Set<string>): [Node[], { word: string; pos: number } | null] {
    const nodes: Node[] = [];
    for (;;) {
      const tok = this.next();
      if (tok.type === "eof") {
        if (stops.size > 0) this.fail("unexpected EOF", tok.pos);
        return [nodes, null];
      }
      if (tok.type === "text") {
        nodes.push({ t: "text", text: tok.val });
        continue;
      }
      if (tok.type === "comment") continue;
      if (tok.type !== "leftDelim") this.fail(`unexpected ${tok.val}`, tok.pos);
      const first = this.peekNonSpace();
      if (first.type === "keyword") {
        switch (first.val) {
          case "end":
          case "else":
            if (!stops.has(first.val)) this.fail(`unexpected {{${first.val}}}`, first.pos);
            this.next();
            return [nodes, { word: first.val, pos: first.pos }];
          case "if":
          case "with":
          case "range":
            this.next();
            nodes.push(this.parseControl(first.val, first.pos));
            continue;
          case "break":
          case "continue":
            this.next();
            this.expectRightDelim(first.val);
            nodes.push({ t: first.val, pos: first.pos });
            continue;
          default:
            throw new TemplateError(`template: ${this.name}:${this.lineOf(first.pos)}: {{${first.val}}} is not supported by the flowlens store`);
        }
      }
      const pipe = this.parsePipeline("command", true);
      nodes.push({ t: "action", pipe, pos: first.pos });
    }
  }

  private expectRightDelim(context: string): void {
    const tok = this.nextNonSpace();
    if (tok.type !== "rightDelim") this.fail(`unexpected ${describeTok(tok)} in ${context}`, tok.pos);
  }

  private parseControl(word: "if" | "with" | "range", pos: number): Node {
    this.vars.push([]);
    const pipe = this.parsePipeline(word, true);
    const [list, end] = this.parseList(new Set(["end", "else"]));
    let elseList: Node[] | null = null;
    if (end && end.word === "else") {
      // `{{else if …}}` / `{{else with …}}` nest a control in the else branch.
      const nextTok = this.peekNonSpace();
      if (nextTok.type === "keyword" && (nextTok.val === "if" || nextTok.val === "with") && word !== "range") {
        this.next();
        const nested = this.parseControl(nextTok.val, nextTok.pos);
        elseList = [nested];
        this.vars.pop();
        return { t: word, pipe, list, elseList, pos } as Node;
      }
      this.expectRightDelim("else");
      const [elseNodes, end2] = this.parseList(new Set(["end"]));
      if (!end2) this.fail("unexpected EOF", pos);
      elseList = elseNodes;
      this.expectRightDelim("end");
    } else {
      this.expectRightDelim("end");
    }
    this.vars.pop();
    return { t: word === "range" ? "range" : word, pipe, list, elseList, pos } as Node;
  }

  private parsePipeline(context: string, endsWithDelim: boolean): Pipe {
    const pos = this.peekNonSpace().pos;
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: $x := …, $x, $y := … (range), $x = …
    const save = this.i;
    const v = this.peekNonSpace();
    if (v.type === "variable") {
      this.next();
      const after = this.peekNonSpace();
      if (after.type === "declare" || after.type === "assign") {
        this.next();
        decl.push(v.val);
        isAssign = after.type === "assign";
        if (!isAssign) (this.vars[this.vars.length - 1] as string[]).push(v.val);
      } else if (after.type === "comma" && context === "range") {
        this.next();
        const v2 = this.nextNonSpace();
        if (v2.type !== "variable") this.fail(`range can only initialize variables`, v2.pos);
        const d = this.nextNonSpace();
        if (d.type !== "declare") this.fail(`range can only initialize variables`, d.pos);
        decl.push(v.val, v2.val);
        (this.vars[this.vars.length - 1] as string[]).push(v.val, v2.val);
      } else {
        this.i = save;
      }
    }
    const cmds: Command[] = [];
    for (;;) {
      const tok = this.peekNonSpace();
      if (endsWithDelim ? tok.type === "rightDelim" : tok.type === "rightParen") {
        this.next();
        if (cmds.length === 0) this.fail(`missing value for ${context}`, tok.pos);
        return { decl, isAssign, cmds, pos };
      }
      if (tok.type === "eof") this.fail(endsWithDelim ? "unclosed action" : "unclosed left paren", tok.pos);
      cmds.push(this.parseCommand());
      const after = this.peekNonSpace();
      if (after.type === "pipe") {
        this.next();
        const n = this.peekNonSpace();
        if (n.type === "rightDelim" || n.type === "rightParen") this.fail("missing command", n.pos);
        continue;
      }
    }
  }

  private parseCommand(): Command {
    const args: Arg[] = [];
    const pos = this.peekNonSpace().pos;
    for (;;) {
      const tok = this.peek();
      if (tok.type === "space") {
        this.next();
        continue;
      }
      if (tok.type === "rightDelim" || tok.type === "rightParen" || tok.type === "pipe") break;
      if (tok.type === "eof") break;
      args.push(this.parseOperand());
      const after = this.peek();
      if (after.type !== "space" && after.type !== "rightDelim" && after.type !== "rightParen" && after.type !== "pipe") {
        this.fail(`unexpected ${describeTok(after)} in operand`, after.pos);
      }
    }
    if (args.length === 0) this.fail("empty command", pos);
    return { args, pos };
  }

  private parseOperand(): Arg {
    const tok = this.next();
    let arg: Arg;
    switch (tok.type) {
      case "field": {
        const names = tok.val.slice(1).split(".");
        if (names[0]) this.fields.add(names[0]);
        for (const n of names) this.fields.add(n);
        arg = { a: "field", names, pos: tok.pos, text: tok.val };
        break;
      }
      case "dot":
        arg = { a: "dot", pos: tok.pos };
        break;
      case "variable": {
        const [base = "$", ...rest] = tok.val.split(".");
        if (!this.vars.some((scope) => scope.includes(base))) this.fail(`undefined variable "${base}"`, tok.pos);
        arg = { a: "variable", names: [base, ...rest], pos: tok.pos, text: tok.val };
        break;
      }
      case "string":
      case "rawString":
        arg = { a: "string", value: unquoteGoString(tok.val), pos: tok.pos, text: tok.val };
        break;
      case "char": {
        const value = unquoteGoString(`"${tok.val.slice(1, -1)}"`).codePointAt(0) ?? 0;
        arg = { a: "number", text: tok.val, isInt: true, value, pos: tok.pos };
        break;
      }
      case "number": {
        const clean = tok.val.replaceAll("_", "");
        const isInt = /^[+-]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/.test(clean);
        let value: number;
        if (isInt) {
          const sign = clean.startsWith("-") ? -1 : 1;
          const body = clean.replace(/^[+-]/, "");
          value = sign * (/^0[0-7]+$/.test(body) ? parseInt(body, 8) : body.startsWith("0o") || body.startsWith("0O") ? parseInt(body.slice(2), 8) : Number(body));
        } else {
          value = Number(clean);
        }
        if (Number.isNaN(value)) this.fail(`illegal number syntax: "${tok.val}"`, tok.pos);
        arg = { a: "number", text: tok.val, isInt, value, pos: tok.pos };
        break;
      }
      case "bool":
        arg = { a: "bool", value: tok.val === "true", pos: tok.pos };
        break;
      case "nil":
        arg = { a: "nil", pos: tok.pos };
        break;
      case "identifier":
        if (UNSUPPORTED_FUNCTIONS.has(tok.val)) {
          throw new TemplateError(`template: ${this.name}:${this.lineOf(tok.pos)}: function "${tok.val}" is not supported by the flowlens store`);
        }
        if (!(tok.val in FUNCTIONS) && !BUILTINS.has(tok.val)) this.fail(`function "${tok.val}" not defined`, tok.pos);
        arg = { a: "identifier", name: tok.val, pos: tok.pos };
        break;
      case "leftParen": {
        const pipe = this.parsePipeline("parenthesized pipeline", false);
        arg = { a: "pipe", pipe, fields: [], pos: tok.pos, text: "(…)" };
        break;
      }
      default:
        this.fail(`unexpected ${describeTok(tok)} in command`, tok.pos);
    }
    // Field chains after an operand: .a.b, (x).a.b or $x.a
    while (this.peek().type === "field" && (arg.a === "pipe" || arg.a === "variable" || arg.a === "field")) {
      const f = this.next();
      const names = f.val.slice(1).split(".");
      if (arg.a === "field") for (const n of names) this.fields.add(n);
      if (arg.a === "pipe") arg = { ...arg, fields: [...arg.fields, ...names] };
      else arg = { ...arg, names: [...arg.names, ...names], text: arg.text + f.val };
    }
    return arg;
  }
}

function describeTok(tok: Tok): string {
  switch (tok.type) {
    case "eof":
      return "EOF";
    case "rightDelim":
      return "<}}>";
    case "rightParen":
      return `")"`;
    case "string":
    case "rawString":
      return `quoted string`;
    default:
      return `<${tok.val}>`;
  }
}

/** Parses a template; throws TemplateError with Go's message. */
export function parseTemplate(name: string, source: string): Template {
  const toks = lexTemplate(name, source);
  const parser = new TemplateParser(name, source, toks);
  const root = parser.parse();
  return { name, root, source, fields: [...parser.fields] };
}

// ---------------------------------------------------------------------------------------------
// Execution

export interface TemplateContext {
  /** The entry's line (`__line__`). */
  line: string;
  /** The entry's timestamp in ns (`__timestamp__`). */
  timestampNs: bigint;
}

class ExecError extends Error {
  constructor(
    readonly msg: string,
    readonly pos: number,
    readonly at: string,
  ) {
    super(msg);
  }
}

/** Thrown inside functions; becomes `error calling <fn>: <msg>`. */
class CallError extends Error {}

const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

/** Runs a template on the label map; throws TemplateError with Go's message on failure. */
export function executeTemplate(template: Template, data: Record<string, string>, ctx: TemplateContext): string {
  const state = new ExecState(template, data, ctx);
  try {
    state.walkList(template.root, data);
  } catch (error) {
    if (error instanceof ExecError) {
      const { line, col } = state.position(error.pos);
      throw new TemplateError(`template: ${template.name}:${line}:${col}: executing "${template.name}" at <${error.at}>: ${error.msg}`);
    }
    throw error;
  }
  return state.out;
}

class ExecState {
  out = "";
  private readonly vars: Array<[string, Value]>;

  constructor(
    private readonly template: Template,
    root: Record<string, string>,
    readonly ctx: TemplateContext,
  ) {
    this.vars = [["$", root]];
  }

  position(pos: number): { line: number; col: number } {
    const src = this.template.source;
    let line = 1;
    let col = 0;
    for (let i = 0; i < pos && i < src.length; i++) {
      if (src[i] === "\n") {
        line++;
        col = 0;
      } else col++;
    }
    return { line, col };
  }

  walkList(nodes: Node[], dot: Value): void {
    for (const node of nodes) this.walk(node, dot);
  }

  private walk(node: Node, dot: Value): void {
    switch (node.t) {
      case "text":
        this.out += node.text;
        return;
      case "action": {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.out += printValue(v);
        return;
      }
      case "if":
      case "with": {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        if (isTrue(v)) this.walkList(node.list, node.t === "with" ? v : dot);
        else if (node.elseList) this.walkList(node.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case "range": {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        this.vars.length = mark;
        let items: Array<[Value, Value]> = [];
        if (Array.isArray(v)) items = v.map((x, i) => [new GoInt(i), x]);
        else if (v !== null && typeof v === "object" && !(v instanceof GoInt) && !(v instanceof GoTime)) {
          items = Object.keys(v)
            .sort()
            .map((k) => [k, v[k] as string]);
        } else if (v instanceof GoInt) {
          items = Array.from({ length: Math.max(0, v.v) }, (_, i) => [new GoInt(i), new GoInt(i)]);
        } else if (v !== null) {
          throw new ExecError(`range can't iterate over ${printValue(v)}`, node.pos, "range");
        }
        if (items.length === 0) {
          if (node.elseList) this.walkList(node.elseList, dot);
          return;
        }
        for (const [key, elem] of items) {
          const m = this.vars.length;
          if (node.pipe.decl.length === 1) this.vars.push([node.pipe.decl[0] as string, elem]);
          if (node.pipe.decl.length === 2) {
            this.vars.push([node.pipe.decl[0] as string, key]);
            this.vars.push([node.pipe.decl[1] as string, elem]);
          }
          try {
            this.walkList(node.list, elem);
          } catch (signal) {
            if (signal === BREAK) {
              this.vars.length = m;
              break;
            }
            if (signal !== CONTINUE) throw signal;
          }
          this.vars.length = m;
        }
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
    }
  }

  private evalPipeline(dot: Value, pipe: Pipe): Value {
    let value: Value | undefined = undefined;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const result = value === undefined ? null : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) {
        for (let i = this.vars.length - 1; i >= 0; i--) {
          const entry = this.vars[i] as [string, Value];
          if (entry[0] === name) {
            entry[1] = result;
            break;
          }
        }
      } else {
        this.vars.push([name, result]);
      }
    }
    return result;
  }

  private evalCommand(dot: Value, cmd: Command, final: Value | undefined): Value {
    const first = cmd.args[0] as Arg;
    if (first.a === "identifier") return this.evalFunction(dot, first, cmd.args.slice(1), final);
    if (cmd.args.length > 1 || final !== undefined) {
      const what = first.a === "field" ? first.text : first.a;
      throw new ExecError(`can't give argument to non-function ${what}`, first.pos, argText(first));
    }
    return this.evalArg(dot, first);
  }

  private lookupVar(name: string, pos: number): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const entry = this.vars[i] as [string, Value];
      if (entry[0] === name) return entry[1];
    }
    throw new ExecError(`undefined variable: ${name}`, pos, name);
  }

  private evalFields(receiver: Value, names: string[], pos: number, at: string): Value {
    let v = receiver;
    for (const name of names) {
      if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoTime)) {
        v = Object.hasOwn(v, name) ? (v[name] as string) : "";
        continue;
      }
      if (v === null) throw new ExecError(`nil pointer evaluating interface {}.${name}`, pos, at);
      throw new ExecError(`can't evaluate field ${name} in type ${typeName(v)}`, pos, at);
    }
    return v;
  }

  evalArg(dot: Value, arg: Arg): Value {
    switch (arg.a) {
      case "field":
        return this.evalFields(dot, arg.names, arg.pos, arg.text);
      case "dot":
        return dot;
      case "variable": {
        const base = this.lookupVar(arg.names[0] as string, arg.pos);
        return this.evalFields(base, arg.names.slice(1), arg.pos, arg.text);
      }
      case "string":
        return arg.value;
      case "number":
        return arg.isInt ? new GoInt(arg.value) : arg.value;
      case "bool":
        return arg.value;
      case "nil":
        throw new ExecError("nil is not a command", arg.pos, "nil");
      case "identifier":
        return this.evalFunction(dot, arg, [], undefined);
      case "pipe": {
        const v = this.evalPipeline(dot, arg.pipe);
        return arg.fields.length > 0 ? this.evalFields(v, arg.fields, arg.pos, arg.text) : v;
      }
    }
  }

  private evalFunction(dot: Value, fn: { name: string; pos: number }, argNodes: Arg[], final: Value | undefined): Value {
    const name = fn.name;
    const at = name;
    // Builtins with lazy evaluation.
    if (name === "and" || name === "or") {
      const all = [...argNodes];
      if (all.length === 0 && final === undefined) throw new ExecError(`wrong number of args for ${name}: want at least 1 got 0`, fn.pos, at);
      let v: Value = null;
      for (const a of all) {
        v = this.evalArg(dot, a);
        if (name === "and" ? !isTrue(v) : isTrue(v)) return v;
      }
      if (final !== undefined) v = final;
      return v;
    }
    const args: Array<{ node: Arg | null; value: Value }> = argNodes.map((node) => ({ node, value: node.a === "nil" ? null : this.evalArg(dot, node) }));
    if (final !== undefined) args.push({ node: null, value: final });
    try {
      if (BUILTINS.has(name)) return callBuiltin(name, args, this.ctx);
      const spec = FUNCTIONS[name];
      if (!spec) throw new ExecError(`function "${name}" not defined`, fn.pos, at);
      const fixed = spec.params.length;
      if (spec.variadic === undefined ? args.length !== fixed : args.length < fixed) {
        throw new ExecError(`wrong number of args for ${name}: want ${spec.variadic === undefined ? fixed : `at least ${fixed}`} got ${args.length}`, fn.pos, at);
      }
      const converted: Value[] = args.map((arg, i) => convertArg(arg, i < fixed ? (spec.params[i] as ParamType) : (spec.variadic as ParamType)));
      return spec.fn(converted, this.ctx);
    } catch (error) {
      if (error instanceof ArgTypeError) throw new ExecError(error.message, fn.pos, at);
      if (error instanceof CallError) throw new ExecError(`error calling ${name}: ${error.message}`, fn.pos, at);
      throw error;
    }
  }
}

function argText(arg: Arg): string {
  switch (arg.a) {
    case "field":
    case "variable":
    case "string":
    case "pipe":
      return arg.text;
    case "number":
      return arg.text;
    case "dot":
      return ".";
    case "bool":
      return String(arg.value);
    case "nil":
      return "nil";
    case "identifier":
      return arg.name;
  }
}

// ---------------------------------------------------------------------------------------------
// Function signatures and argument conversion (Go's reflection rules, simplified)

type ParamType = "string" | "int" | "any" | "float64" | "time" | "bool";

class ArgTypeError extends Error {}

function convertArg(arg: { node: Arg | null; value: Value }, type: ParamType): Value {
  const { node, value } = arg;
  switch (type) {
    case "any":
      return value;
    case "string":
      if (node && node.a === "number") throw new ArgTypeError(`expected string; found ${node.text}`);
      if (typeof value === "string") return value;
      throw new ArgTypeError(`wrong type for value; expected string; got ${typeName(value)}`);
    case "int":
      if (node && node.a === "number") {
        if (!node.isInt) throw new ArgTypeError(`expected integer; found ${node.text}`);
        return new GoInt(node.value);
      }
      if (value instanceof GoInt && value.type === "int") return value;
      throw new ArgTypeError(`wrong type for value; expected int; got ${typeName(value)}`);
    case "float64":
      if (node && node.a === "number") return node.value;
      if (typeof value === "number") return value;
      throw new ArgTypeError(`wrong type for value; expected float64; got ${typeName(value)}`);
    case "bool":
      if (typeof value === "boolean") return value;
      throw new ArgTypeError(`wrong type for value; expected bool; got ${typeName(value)}`);
    case "time":
      if (value instanceof GoTime) return value;
      throw new ArgTypeError(`wrong type for value; expected time.Time; got ${typeName(value)}`);
  }
}

/** cast.ToInt64E / ToFloat64E semantics (strings parsed; anything unparsable is 0). */
function castToNumber(v: Value, integer: boolean): number {
  if (v instanceof GoInt) return v.v;
  if (typeof v === "number") return integer ? Math.trunc(v) : v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const s = v;
    if (integer) {
      const trimmed = s.replace(/\.0*$/, "");
      if (/^[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(trimmed)) {
        const sign = trimmed.startsWith("-") ? -1 : 1;
        const body = trimmed.replace(/^[+-]/, "");
        if (/^0[xX]/.test(body)) return sign * parseInt(body.slice(2), 16);
        if (/^0[0-7]+$/.test(body)) return sign * parseInt(body, 8);
        return sign * Number(body);
      }
      return 0;
    }
    if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) return Number(s);
    return 0;
  }
  return 0;
}

function toInt64(v: Value | undefined): number {
  return castToNumber(v ?? null, true);
}

function toFloat64(v: Value | undefined): number {
  return castToNumber(v ?? null, false);
}

function utf8Bytes(s: string): Buffer {
  return Buffer.from(s, "utf8");
}

/** Go's strings.Trim family with a cutset of code points. */
function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set([...cutset]);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  if (left) while (start < end && set.has(chars[start] as string)) start++;
  if (right) while (end > start && set.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join("");
}

/** Templates run once per line with the same few regexes: compile each once. */
const templateRegexes = new Map<string, ReturnType<typeof compileRe2WithNames>>();

function compileTemplateRegex(regex: string) {
  const cached = templateRegexes.get(regex);
  if (cached) return cached;
  try {
    const compiled = compileRe2WithNames(regex);
    if (templateRegexes.size >= 512) templateRegexes.clear();
    templateRegexes.set(regex, compiled);
    return compiled;
  } catch (error) {
    if (error instanceof Re2SyntaxError) throw new CallError(`regexp: Compile(${goQuote(regex)}): ${error.message}`);
    throw error;
  }
}

/** shopspring/decimal-like arithmetic for the *f functions: exact decimal results for short decimals. */
function decimalOp(values: number[], op: (a: number, b: number) => number): number {
  const scale = Math.max(...values.map((v) => (String(v).split(".")[1] ?? "").length));
  if (scale <= 8 && values.every((v) => Number.isFinite(v) && Math.abs(v) < 1e9)) {
    const factor = 10 ** scale;
    const ints = values.map((v) => Math.round(v * factor));
    let acc = ints[0] as number;
    for (const x of ints.slice(1)) acc = op(acc, x);
    return Number((acc / factor).toFixed(scale));
  }
  let acc = values[0] as number;
  for (const x of values.slice(1)) acc = op(acc, x);
  return acc;
}

interface FunctionSpec {
  params: ParamType[];
  variadic?: ParamType;
  fn: (args: Value[], ctx: TemplateContext) => Value;
}

const str = (v: Value | undefined) => v as string;
const int = (v: Value | undefined) => (v as GoInt).v;

const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  ToLower: { params: ["string"], fn: ([s]) => str(s).toLowerCase() },
  ToUpper: { params: ["string"], fn: ([s]) => str(s).toUpperCase() },
  Replace: {
    params: ["string", "string", "string", "int"],
    fn: ([s, o, n, c]) => {
      let count = int(c);
      if (count < 0) return str(s).split(str(o)).join(str(n));
      let out = str(s);
      let from = 0;
      while (count-- > 0) {
        const i = out.indexOf(str(o), from);
        if (i === -1) break;
        out = out.slice(0, i) + str(n) + out.slice(i + str(o).length);
        from = i + str(n).length + (str(o) === "" ? 1 : 0);
      }
      return out;
    },
  },
  Trim: { params: ["string", "string"], fn: ([s, c]) => trimCutset(str(s), str(c), true, true) },
  TrimLeft: { params: ["string", "string"], fn: ([s, c]) => trimCutset(str(s), str(c), true, false) },
  TrimRight: { params: ["string", "string"], fn: ([s, c]) => trimCutset(str(s), str(c), false, true) },
  TrimPrefix: { params: ["string", "string"], fn: ([s, p]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)) },
  TrimSuffix: { params: ["string", "string"], fn: ([s, p]) => (str(p) !== "" && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)) },
  TrimSpace: { params: ["string"], fn: ([s]) => goTrimSpace(str(s)) },
  regexReplaceAll: { params: ["string", "string", "string"], fn: ([re, s, repl]) => goReplaceAll(compileTemplateRegex(str(re)), str(s), str(repl)) },
  regexReplaceAllLiteral: { params: ["string", "string", "string"], fn: ([re, s, repl]) => goReplaceAll(compileTemplateRegex(str(re)), str(s), str(repl), true) },
  lower: { params: ["string"], fn: ([s]) => str(s).toLowerCase() },
  upper: { params: ["string"], fn: ([s]) => str(s).toUpperCase() },
  title: { params: ["string"], fn: ([s]) => str(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase()) },
  trunc: {
    params: ["int", "string"],
    fn: ([c, s]) => {
      const bytes = utf8Bytes(str(s));
      const n = int(c);
      if (n < 0 && bytes.length + n > 0) return bytes.subarray(bytes.length + n).toString("utf8");
      if (n >= 0 && bytes.length > n) return bytes.subarray(0, n).toString("utf8");
      return str(s);
    },
  },
  substr: {
    params: ["int", "int", "string"],
    fn: ([a, b, s]) => {
      const bytes = utf8Bytes(str(s));
      const start = int(a);
      const end = int(b);
      if (start < 0) {
        if (end < 0 || end > bytes.length) throw new CallError(`runtime error: slice bounds out of range [:${end}] with length ${bytes.length}`);
        return bytes.subarray(0, end).toString("utf8");
      }
      if (end < 0 || end > bytes.length) {
        if (start > bytes.length) throw new CallError(`runtime error: slice bounds out of range [${start}:${bytes.length}]`);
        return bytes.subarray(start).toString("utf8");
      }
      if (start > end) throw new CallError(`runtime error: slice bounds out of range [${start}:${end}]`);
      return bytes.subarray(start, end).toString("utf8");
    },
  },
  contains: { params: ["string", "string"], fn: ([sub, s]) => str(s).includes(str(sub)) },
  hasPrefix: { params: ["string", "string"], fn: ([p, s]) => str(s).startsWith(str(p)) },
  hasSuffix: { params: ["string", "string"], fn: ([p, s]) => str(s).endsWith(str(p)) },
  indent: { params: ["int", "string"], fn: ([n, s]) => " ".repeat(Math.max(0, int(n))) + str(s).replaceAll("\n", `\n${" ".repeat(Math.max(0, int(n)))}`) },
  nindent: { params: ["int", "string"], fn: ([n, s]) => `\n${" ".repeat(Math.max(0, int(n)))}${str(s).replaceAll("\n", `\n${" ".repeat(Math.max(0, int(n)))}`)}` },
  replace: { params: ["string", "string", "string"], fn: ([o, n, s]) => str(s).split(str(o)).join(str(n)) },
  repeat: {
    params: ["int", "string"],
    fn: ([n, s]) => {
      if (int(n) < 0) throw new CallError("strings: negative Repeat count");
      return str(s).repeat(int(n));
    },
  },
  trim: { params: ["string"], fn: ([s]) => goTrimSpace(str(s)) },
  trimAll: { params: ["string", "string"], fn: ([c, s]) => trimCutset(str(s), str(c), true, true) },
  trimSuffix: { params: ["string", "string"], fn: ([suffix, s]) => (str(suffix) !== "" && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : str(s)) },
  trimPrefix: { params: ["string", "string"], fn: ([prefix, s]) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s)) },
  int: { params: ["any"], fn: ([v]) => new GoInt(toInt64(v as Value)) },
  float64: { params: ["any"], fn: ([v]) => toFloat64(v as Value) },
  add: { params: [], variadic: "any", fn: (vs) => new GoInt(vs.reduce<number>((a, v) => a + toInt64(v), 0), "int64") },
  sub: { params: ["any", "any"], fn: ([a, b]) => new GoInt(toInt64(a as Value) - toInt64(b as Value), "int64") },
  mul: { params: ["any"], variadic: "any", fn: (vs) => new GoInt(vs.reduce<number>((a, v) => a * toInt64(v), 1), "int64") },
  div: {
    params: ["any", "any"],
    fn: ([a, b]) => {
      const d = toInt64(b as Value);
      if (d === 0) throw new CallError("runtime error: integer divide by zero");
      return new GoInt(Math.trunc(toInt64(a as Value) / d), "int64");
    },
  },
  mod: {
    params: ["any", "any"],
    fn: ([a, b]) => {
      const d = toInt64(b as Value);
      if (d === 0) throw new CallError("runtime error: integer divide by zero");
      return new GoInt(toInt64(a as Value) % d, "int64");
    },
  },
  max: { params: ["any"], variadic: "any", fn: (vs) => new GoInt(Math.max(...vs.map(toInt64)), "int64") },
  min: { params: ["any"], variadic: "any", fn: (vs) => new GoInt(Math.min(...vs.map(toInt64)), "int64") },
  addf: { params: [], variadic: "any", fn: (vs) => (vs.length === 0 ? 0 : decimalOp(vs.map(toFloat64), (a, b) => a + b)) },
  subf: { params: ["any"], variadic: "any", fn: (vs) => decimalOp(vs.map(toFloat64), (a, b) => a - b) },
  mulf: {
    params: ["any"],
    variadic: "any",
    fn: (vs) => vs.map(toFloat64).reduce((a, b) => a * b, 1),
  },
  divf: {
    params: ["any"],
    variadic: "any",
    fn: (vs) => {
      const nums = vs.map(toFloat64);
      let acc = nums[0] as number;
      for (const d of nums.slice(1)) {
        if (d === 0) throw new CallError("decimal division by 0");
        acc /= d;
      }
      return acc;
    },
  },
  maxf: { params: ["any"], variadic: "any", fn: (vs) => Math.max(...vs.map(toFloat64)) },
  minf: { params: ["any"], variadic: "any", fn: (vs) => Math.min(...vs.map(toFloat64)) },
  ceil: { params: ["any"], fn: ([v]) => Math.ceil(toFloat64(v as Value)) },
  floor: { params: ["any"], fn: ([v]) => Math.floor(toFloat64(v as Value)) },
  round: {
    params: ["any", "int"],
    variadic: "float64",
    fn: ([v, p, r]) => {
      const roundOn = r === undefined ? 0.5 : (r as number);
      const pow = 10 ** int(p as Value);
      const digit = toFloat64(v as Value) * pow;
      const div = digit - Math.trunc(digit);
      const rounded = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
      return rounded / pow;
    },
  },
  default: {
    params: ["any"],
    variadic: "any",
    fn: ([d, ...given]) => {
      if (given.length === 0) return d as Value;
      const g = given[0] as Value;
      return isTrue(g) ? g : (d as Value);
    },
  },
  date: {
    params: ["string", "any"],
    fn: ([layout, d]) => {
      const t = d instanceof GoTime ? d : d instanceof GoInt ? new GoTime(BigInt(d.v) * 1_000_000_000n) : new GoTime(BigInt(Date.now()) * 1_000_000n);
      return formatGoTime(t, str(layout));
    },
  },
  unixEpoch: { params: ["time"], fn: ([t]) => String((t as GoTime).ns / 1_000_000_000n) },
  now: { params: [], fn: () => new GoTime(BigInt(Date.now()) * 1_000_000n) },
  __line__: { params: [], fn: (_args, ctx) => ctx.line },
  __timestamp__: { params: [], fn: (_args, ctx) => new GoTime(ctx.timestampNs) },
};

/** Functions Loki 2.7 offers whose Go behaviour this engine does not reproduce. */
const UNSUPPORTED_FUNCTIONS = new Set(["toDate", "fromJson", "call"]);

const BUILTINS = new Set(["and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "slice"]);

function basicKind(v: Value): "int" | "float" | "string" | "bool" | "invalid" {
  if (v instanceof GoInt) return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  return "invalid";
}

function compareValues(a: Value, b: Value, ordered: boolean): number {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === "invalid" || kb === "invalid") throw new CallError(ordered ? "invalid type for comparison" : "invalid type for comparison");
  if (ka !== kb) throw new CallError("incompatible types for comparison");
  if (ordered && ka === "bool") throw new CallError("invalid type for comparison");
  const x = a instanceof GoInt ? a.v : (a as number | string | boolean);
  const y = b instanceof GoInt ? b.v : (b as number | string | boolean);
  return x === y ? 0 : x < y ? -1 : 1;
}

function sprint(values: Value[]): string {
  let out = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as Value;
    if (i > 0 && typeof v !== "string" && typeof values[i - 1] !== "string") out += " ";
    out += printValue(v);
  }
  return out;
}

function callBuiltin(name: string, args: Array<{ node: Arg | null; value: Value }>, _ctx: TemplateContext): Value {
  const values = args.map((a) => a.value);
  switch (name) {
    case "not":
      if (values.length !== 1) throw new CallError(`wrong number of args for not: want 1 got ${values.length}`);
      return !isTrue(values[0] as Value);
    case "len": {
      const v = values[0] as Value;
      if (typeof v === "string") return new GoInt(utf8Bytes(v).length);
      if (Array.isArray(v)) return new GoInt(v.length);
      if (v !== null && typeof v === "object" && !(v instanceof GoInt) && !(v instanceof GoTime)) return new GoInt(Object.keys(v).length);
      throw new CallError(`len of type ${typeName(v)}`);
    }
    case "index": {
      let v = values[0] as Value;
      for (const key of values.slice(1)) {
        if (typeof v === "string") {
          if (!(key instanceof GoInt)) throw new CallError(`cannot index slice/array with type ${typeName(key)}`);
          const bytes = utf8Bytes(v);
          if (key.v < 0 || key.v >= bytes.length) throw new CallError(`index out of range: ${key.v}`);
          v = new GoInt(bytes[key.v] as number, "uint8");
        } else if (v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoTime)) {
          if (typeof key !== "string") throw new CallError(`value has type ${typeName(key)}; should be string`);
          v = Object.hasOwn(v, key) ? (v[key] as string) : "";
        } else {
          throw new CallError(`can't index item of type ${typeName(v)}`);
        }
      }
      return v;
    }
    case "print":
      return sprint(values);
    case "println":
      return `${values.map(printValue).join(" ")}\n`;
    case "printf": {
      const format = values[0];
      if (typeof format !== "string") throw new CallError(`wrong type for value; expected string; got ${typeName(format as Value)}`);
      return goSprintf(format, values.slice(1));
    }
    case "eq": {
      if (values.length < 2) throw new CallError("missing argument for comparison");
      const first = values[0] as Value;
      for (const other of values.slice(1)) if (compareValues(first, other, false) === 0) return true;
      return false;
    }
    case "ne":
      return compareValues(values[0] as Value, values[1] as Value, false) !== 0;
    case "lt":
      return compareValues(values[0] as Value, values[1] as Value, true) < 0;
    case "le":
      return compareValues(values[0] as Value, values[1] as Value, true) <= 0;
    case "gt":
      return compareValues(values[0] as Value, values[1] as Value, true) > 0;
    case "ge":
      return compareValues(values[0] as Value, values[1] as Value, true) >= 0;
    case "html":
      return sprint(values).replace(/[<>&'"\u0000]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&#39;", '"': "&#34;", "\u0000": "\uFFFD" })[c] ?? c);
    case "js":
      return sprint(values).replace(/[\\'"<>&=\u0000-\u001f]/g, (c) => {
        const map: Record<string, string> = { "\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D" };
        return map[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
      });
    case "urlquery":
      return encodeURIComponent(sprint(values)).replace(/%20/g, "+").replace(/[!'()*~]/g, (c) => (c === "~" ? c : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
    case "slice": {
      const v = values[0] as Value;
      if (typeof v !== "string") throw new CallError(`can't slice item of type ${typeName(v)}`);
      const bytes = utf8Bytes(v);
      const idx = values.slice(1).map((x) => (x instanceof GoInt ? x.v : NaN));
      const start = idx[0] ?? 0;
      const end = idx[1] ?? bytes.length;
      if (Number.isNaN(start) || Number.isNaN(end) || start < 0 || end > bytes.length || start > end) throw new CallError(`index out of range`);
      return bytes.subarray(start, end).toString("utf8");
    }
    default:
      throw new CallError(`function "${name}" not defined`);
  }
}

// ---------------------------------------------------------------------------------------------
// printf

function goSprintf(format: string, args: Value[]): string {
  let out = "";
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    i++;
    const spec = /^([+\-# 0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([a-zA-Z%])?/.exec(format.slice(i)) as RegExpExecArray;
    i += spec[0].length;
    const flags = spec[1] ?? "";
    let width = spec[2] === undefined ? -1 : spec[2] === "*" ? (args[argIndex++] instanceof GoInt ? (args[argIndex - 1] as GoInt).v : -1) : Number(spec[2]);
    let precision = spec[3] === undefined ? -1 : spec[3] === "*" ? (args[argIndex++] instanceof GoInt ? (args[argIndex - 1] as GoInt).v : -1) : spec[3] === "" ? 0 : Number(spec[3]);
    const verb = spec[4];
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++] as Value;
    let left = flags.includes("-");
    if (width < 0 && spec[2] === "*") {
      left = true;
      width = -width;
    }
    if (precision < -1) precision = -1;
    const text = formatVerb(verb, arg, flags, precision);
    out += pad(text, width, left, flags.includes("0") && !left && verb !== "s" && verb !== "q" && verb !== "v");
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${typeName(a)}=${printValue(a)}`)
      .join(", ")})`;
  }
  return out;
}

function pad(text: string, width: number, left: boolean, zero: boolean): string {
  const len = [...text].length;
  if (width <= len) return text;
  if (left) return text + " ".repeat(width - len);
  if (zero) {
    const sign = /^[+-]/.test(text) ? (text[0] as string) : "";
    return sign + "0".repeat(width - len) + text.slice(sign.length);
  }
  return " ".repeat(width - len) + text;
}

function badVerb(verb: string, arg: Value): string {
  return `%!${verb}(${typeName(arg)}=${printValue(arg)})`;
}

function formatVerb(verb: string, arg: Value, flags: string, precision: number): string {
  const plus = flags.includes("+");
  const space = flags.includes(" ");
  const sign = (n: number, s: string) => (n >= 0 && !s.startsWith("-") ? (plus ? `+${s}` : space ? ` ${s}` : s) : s);
  if (arg instanceof GoInt) {
    const n = arg.v;
    switch (verb) {
      case "d":
      case "v":
        return sign(n, String(n));
      case "x":
        return sign(n, (n < 0 ? "-" : "") + (flags.includes("#") ? "0x" : "") + Math.abs(n).toString(16));
      case "X":
        return sign(n, (n < 0 ? "-" : "") + (flags.includes("#") ? "0X" : "") + Math.abs(n).toString(16).toUpperCase());
      case "o":
        return sign(n, (n < 0 ? "-" : "") + (flags.includes("#") ? "0" : "") + Math.abs(n).toString(8));
      case "b":
        return sign(n, (n < 0 ? "-" : "") + Math.abs(n).toString(2));
      case "c":
        return String.fromCodePoint(n);
      case "q":
        return `'${String.fromCodePoint(n)}'`;
      case "U":
        return `U+${n.toString(16).toUpperCase().padStart(4, "0")}`;
      case "e":
      case "f":
      case "g":
        return badVerb(verb, arg);
      default:
        return badVerb(verb, arg);
    }
  }
  if (typeof arg === "number") {
    switch (verb) {
      case "v":
      case "g":
        return sign(arg, precision >= 0 ? goFloatG(arg, precision) : goFloatV(arg));
      case "f":
      case "F":
        return sign(arg, Number.isFinite(arg) ? arg.toFixed(precision < 0 ? 6 : precision) : goFloatV(arg));
      case "e":
      case "E": {
        if (!Number.isFinite(arg)) return sign(arg, goFloatV(arg));
        const s = arg.toExponential(precision < 0 ? 6 : precision).replace(/e([+-])(\d)$/, "e$10$2");
        return sign(arg, verb === "E" ? s.toUpperCase() : s);
      }
      default:
        return badVerb(verb, arg);
    }
  }
  if (typeof arg === "string") {
    switch (verb) {
      case "s":
      case "v": {
        const s = precision >= 0 ? [...arg].slice(0, precision).join("") : arg;
        return s;
      }
      case "q":
        return goQuote(arg);
      case "x":
        return utf8Bytes(arg).toString("hex");
      case "X":
        return utf8Bytes(arg).toString("hex").toUpperCase();
      default:
        return badVerb(verb, arg);
    }
  }
  if (typeof arg === "boolean") {
    if (verb === "t" || verb === "v") return arg ? "true" : "false";
    return badVerb(verb, arg);
  }
  if (arg === null) return verb === "v" || verb === "s" ? "%!" + verb + "(<nil>)" : `%!${verb}(<nil>)`;
  if (verb === "v" || verb === "s") return printValue(arg);
  return badVerb(verb, arg);
}

function goFloatG(v: number, precision: number): string {
  if (!Number.isFinite(v)) return goFloatV(v);
  const p = precision === 0 ? 1 : precision;
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= p) {
    const s = v.toExponential(p - 1).replace(/\.?0+e/, "e");
    return s.replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(Number(v.toPrecision(p)));
}
