/**
 * LogQL's lexer, behaving like Loki v2.7's (pkg/logql/syntax/lex.go over Go's text/scanner):
 * the same tokens, the same rule that function names are only keywords when a `(` (or
 * `by`/`without`) follows, durations and byte sizes glued to numbers, `[5m]` read as one RANGE
 * token, Go string literals, `//` `/* *\/` and `#` comments, and positions (line, column in
 * characters) as Loki reports them in `parse error at line L, col C`.
 */

import { parseGoDuration, parseHumanBytes, parsePromDuration } from "./units";

export type TokenType =
  | "$end"
  | "IDENTIFIER"
  | "STRING"
  | "NUMBER"
  | "DURATION"
  | "BYTES"
  | "RANGE"
  | "FUNCTION_FLAG"
  | "EQ"
  | "NEQ"
  | "RE"
  | "NRE"
  | "PIPE_EXACT"
  | "PIPE_MATCH"
  | "PIPE"
  | "OPEN_BRACE"
  | "CLOSE_BRACE"
  | "OPEN_BRACKET"
  | "CLOSE_BRACKET"
  | "OPEN_PARENTHESIS"
  | "CLOSE_PARENTHESIS"
  | "COMMA"
  | "DOT"
  | "BY"
  | "WITHOUT"
  | "BOOL"
  | "OFFSET"
  | "ON"
  | "IGNORING"
  | "GROUP_LEFT"
  | "GROUP_RIGHT"
  | "OR"
  | "AND"
  | "UNLESS"
  | "ADD"
  | "SUB"
  | "MUL"
  | "DIV"
  | "MOD"
  | "POW"
  | "CMP_EQ"
  | "GT"
  | "GTE"
  | "LT"
  | "LTE"
  | "JSON"
  | "REGEXP"
  | "LOGFMT"
  | "UNPACK"
  | "PATTERN"
  | "LINE_FMT"
  | "LABEL_FMT"
  | "UNWRAP"
  | "IP"
  | "LABEL_REPLACE"
  | "VECTOR"
  | "BYTES_CONV"
  | "DURATION_CONV"
  | "DURATION_SECONDS_CONV"
  | RangeOpToken
  | VectorOpToken;

export type RangeOpToken =
  | "COUNT_OVER_TIME"
  | "RATE"
  | "RATE_COUNTER"
  | "BYTES_OVER_TIME"
  | "BYTES_RATE"
  | "AVG_OVER_TIME"
  | "SUM_OVER_TIME"
  | "MIN_OVER_TIME"
  | "MAX_OVER_TIME"
  | "STDVAR_OVER_TIME"
  | "STDDEV_OVER_TIME"
  | "QUANTILE_OVER_TIME"
  | "FIRST_OVER_TIME"
  | "LAST_OVER_TIME"
  | "ABSENT_OVER_TIME";

export type VectorOpToken = "SUM" | "AVG" | "COUNT" | "MAX" | "MIN" | "STDDEV" | "STDVAR" | "BOTTOMK" | "TOPK" | "SORT" | "SORT_DESC";

export interface Token {
  type: TokenType;
  /** The token's text as written (for STRING the unquoted value is in `value`). */
  text: string;
  /** STRING: unquoted value; IDENTIFIER/NUMBER: the text. */
  value: string;
  /** DURATION and RANGE: nanoseconds. BYTES: bytes. */
  amount: number;
  /** UTF-16 offsets into the query. */
  start: number;
  end: number;
  /** 1-based line and column (in characters) as Loki reports them. */
  line: number;
  col: number;
}

/** Tokens that stand for themselves, as in Loki's `tokens` map. */
const TOKENS: Readonly<Record<string, TokenType>> = {
  ",": "COMMA",
  ".": "DOT",
  "{": "OPEN_BRACE",
  "}": "CLOSE_BRACE",
  "=": "EQ",
  "!=": "NEQ",
  "=~": "RE",
  "!~": "NRE",
  "|=": "PIPE_EXACT",
  "|~": "PIPE_MATCH",
  "|": "PIPE",
  unwrap: "UNWRAP",
  "(": "OPEN_PARENTHESIS",
  ")": "CLOSE_PARENTHESIS",
  by: "BY",
  without: "WITHOUT",
  bool: "BOOL",
  "[": "OPEN_BRACKET",
  "]": "CLOSE_BRACKET",
  label_replace: "LABEL_REPLACE",
  offset: "OFFSET",
  on: "ON",
  ignoring: "IGNORING",
  group_left: "GROUP_LEFT",
  group_right: "GROUP_RIGHT",
  or: "OR",
  and: "AND",
  unless: "UNLESS",
  "+": "ADD",
  "-": "SUB",
  "*": "MUL",
  "/": "DIV",
  "%": "MOD",
  "^": "POW",
  "==": "CMP_EQ",
  ">": "GT",
  ">=": "GTE",
  "<": "LT",
  "<=": "LTE",
  json: "JSON",
  regexp: "REGEXP",
  logfmt: "LOGFMT",
  unpack: "UNPACK",
  pattern: "PATTERN",
  label_format: "LABEL_FMT",
  line_format: "LINE_FMT",
  ip: "IP",
};

/** Names that are keywords only when a `(` follows (or `by`/`without` then `(`), as Loki's `functionTokens`. */
const FUNCTION_TOKENS: Readonly<Record<string, TokenType>> = {
  rate: "RATE",
  rate_counter: "RATE_COUNTER",
  count_over_time: "COUNT_OVER_TIME",
  bytes_rate: "BYTES_RATE",
  bytes_over_time: "BYTES_OVER_TIME",
  avg_over_time: "AVG_OVER_TIME",
  sum_over_time: "SUM_OVER_TIME",
  min_over_time: "MIN_OVER_TIME",
  max_over_time: "MAX_OVER_TIME",
  stdvar_over_time: "STDVAR_OVER_TIME",
  stddev_over_time: "STDDEV_OVER_TIME",
  quantile_over_time: "QUANTILE_OVER_TIME",
  first_over_time: "FIRST_OVER_TIME",
  last_over_time: "LAST_OVER_TIME",
  absent_over_time: "ABSENT_OVER_TIME",
  vector: "VECTOR",
  sum: "SUM",
  avg: "AVG",
  max: "MAX",
  min: "MIN",
  count: "COUNT",
  stddev: "STDDEV",
  stdvar: "STDVAR",
  bottomk: "BOTTOMK",
  topk: "TOPK",
  sort: "SORT",
  sort_desc: "SORT_DESC",
  label_replace: "LABEL_REPLACE",
  bytes: "BYTES_CONV",
  duration: "DURATION_CONV",
  duration_seconds: "DURATION_SECONDS_CONV",
  ip: "IP",
};

/** How goyacc names each token in `unexpected X, expecting Y` (Loki overrides the literal ones). */
export const TOKEN_DISPLAY: Readonly<Record<TokenType, string>> = (() => {
  const names: Record<string, string> = {};
  for (const [text, type] of Object.entries(TOKENS)) names[type] = text;
  const plain: TokenType[] = [
    "$end",
    "IDENTIFIER",
    "STRING",
    "NUMBER",
    "DURATION",
    "BYTES",
    "RANGE",
    "FUNCTION_FLAG",
    "VECTOR",
    "BYTES_CONV",
    "DURATION_CONV",
    "DURATION_SECONDS_CONV",
  ];
  for (const type of plain) names[type] = type;
  for (const type of Object.values(FUNCTION_TOKENS)) if (!(type in names)) names[type] = type;
  return names as Record<TokenType, string>;
})();

/** goyacc's token numbering in Loki's grammar: the order of names in `expecting A or B`. */
export const TOKEN_ORDER: readonly TokenType[] = [
  "BYTES",
  "IDENTIFIER",
  "STRING",
  "NUMBER",
  "DURATION",
  "RANGE",
  "EQ",
  "RE",
  "NRE",
  "OPEN_BRACE",
  "CLOSE_BRACE",
  "OPEN_BRACKET",
  "CLOSE_BRACKET",
  "COMMA",
  "DOT",
  "PIPE_MATCH",
  "PIPE_EXACT",
  "OPEN_PARENTHESIS",
  "CLOSE_PARENTHESIS",
  "BY",
  "WITHOUT",
  "COUNT_OVER_TIME",
  "RATE",
  "RATE_COUNTER",
  "SUM",
  "AVG",
  "MAX",
  "MIN",
  "COUNT",
  "STDDEV",
  "STDVAR",
  "BOTTOMK",
  "TOPK",
  "BYTES_OVER_TIME",
  "BYTES_RATE",
  "BOOL",
  "JSON",
  "REGEXP",
  "LOGFMT",
  "PIPE",
  "LINE_FMT",
  "LABEL_FMT",
  "UNWRAP",
  "AVG_OVER_TIME",
  "SUM_OVER_TIME",
  "MIN_OVER_TIME",
  "MAX_OVER_TIME",
  "STDVAR_OVER_TIME",
  "STDDEV_OVER_TIME",
  "QUANTILE_OVER_TIME",
  "BYTES_CONV",
  "DURATION_CONV",
  "DURATION_SECONDS_CONV",
  "FIRST_OVER_TIME",
  "LAST_OVER_TIME",
  "ABSENT_OVER_TIME",
  "VECTOR",
  "LABEL_REPLACE",
  "UNPACK",
  "OFFSET",
  "PATTERN",
  "IP",
  "ON",
  "IGNORING",
  "GROUP_LEFT",
  "GROUP_RIGHT",
  "SORT",
  "SORT_DESC",
  "FUNCTION_FLAG",
  "OR",
  "AND",
  "UNLESS",
  "CMP_EQ",
  "NEQ",
  "LT",
  "LTE",
  "GT",
  "GTE",
  "ADD",
  "SUB",
  "MUL",
  "DIV",
  "MOD",
  "POW",
];

/** A lexical error as Loki's lexer records it (the position is the token's start). */
export interface LexError {
  message: string;
  line: number;
  col: number;
}

function isLetter(ch: string): boolean {
  return ch === "_" || /\p{L}/u.test(ch);
}

function isDigitChar(ch: string): boolean {
  return /\p{Nd}/u.test(ch);
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSpace(ch: string): boolean {
  return /\s/u.test(ch) || ch === "\u0085";
}

const DURATION_RUNES = new Set(["n", "u", "µ", "m", "s", "h", "d", "w", "y"]);
const BYTES_RUNES = new Set(["B", "i", "k", "K", "M", "G", "T", "P"]);

/**
 * Splits a query into tokens. Lexical errors do not stop the lexer (as in Loki, the parser
 * reports the first recorded error).
 */
export class Lexer {
  readonly errors: LexError[] = [];
  private pos = 0;
  private line = 1;
  private col = 1;

  constructor(private readonly src: string) {}

  private peekChar(offset = 0): string {
    let p = this.pos;
    for (let i = 0; i < offset; i++) {
      if (p >= this.src.length) return "";
      p += this.charLen(p);
    }
    if (p >= this.src.length) return "";
    return this.src.slice(p, p + this.charLen(p));
  }

  private charLen(p: number): number {
    const code = this.src.charCodeAt(p);
    return code >= 0xd800 && code <= 0xdbff && p + 1 < this.src.length ? 2 : 1;
  }

  private nextChar(): string {
    if (this.pos >= this.src.length) return "";
    const len = this.charLen(this.pos);
    const ch = this.src.slice(this.pos, this.pos + len);
    this.pos += len;
    if (ch === "\n") {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return ch;
  }

  private error(message: string, line: number, col: number): void {
    this.errors.push({ message, line, col });
  }

  /** Every token up to and including `$end`. */
  tokenize(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const token = this.next();
      out.push(token);
      if (token.type === "$end") return out;
    }
  }

  private make(type: TokenType, start: number, line: number, col: number, value?: string, amount = 0): Token {
    const text = this.src.slice(start, this.pos);
    return { type, text, value: value ?? text, amount, start, end: this.pos, line, col };
  }

  next(): Token {
    // Skip white space and comments.
    for (;;) {
      const ch = this.peekChar();
      if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
        this.nextChar();
        continue;
      }
      if (ch === "/" && (this.peekChar(1) === "/" || this.peekChar(1) === "*")) {
        const line = this.line;
        const col = this.col;
        this.nextChar();
        if (this.nextChar() === "/") {
          while (this.pos < this.src.length && this.peekChar() !== "\n") this.nextChar();
        } else {
          let closed = false;
          while (this.pos < this.src.length) {
            const c = this.nextChar();
            if (c === "*" && this.peekChar() === "/") {
              this.nextChar();
              closed = true;
              break;
            }
          }
          if (!closed) this.error("comment not terminated", line, col);
        }
        continue;
      }
      if (ch === "#") {
        while (this.pos < this.src.length && this.peekChar() !== "\n") this.nextChar();
        continue;
      }
      break;
    }
    const start = this.pos;
    const line = this.line;
    const col = this.col;
    const ch = this.peekChar();
    if (ch === "") return this.make("$end", start, line, col, "");

    if (isLetter(ch)) {
      while (this.pos < this.src.length) {
        const c = this.peekChar();
        if (isLetter(c) || isDigitChar(c)) this.nextChar();
        else break;
      }
      const text = this.src.slice(start, this.pos);
      const fn = FUNCTION_TOKENS[text];
      if (fn !== undefined) {
        if (this.isFunctionAhead()) return this.make(fn, start, line, col);
        return this.make("IDENTIFIER", start, line, col);
      }
      const keyword = TOKENS[text];
      if (keyword !== undefined) return this.make(keyword, start, line, col);
      return this.make("IDENTIFIER", start, line, col);
    }

    if (isAsciiDigit(ch.charCodeAt(0)) || (ch === "." && isAsciiDigit(this.peekChar(1).charCodeAt(0)))) {
      this.scanNumber();
      const numberText = this.src.slice(start, this.pos);
      const duration = this.tryGlued(numberText, (c) => isDigitChar(c) || DURATION_RUNES.has(c) || c === ".", (text) => {
        const prom = parsePromDuration(text);
        if (typeof prom === "number") return prom;
        const go = parseGoDuration(text);
        return typeof go === "number" ? go : undefined;
      });
      if (duration !== undefined) return this.make("DURATION", start, line, col, undefined, duration);
      const bytes = this.tryGlued(numberText, (c) => isDigitChar(c) || BYTES_RUNES.has(c) || c === ".", (text) => {
        const b = parseHumanBytes(text);
        return typeof b === "number" ? b : undefined;
      });
      if (bytes !== undefined) return this.make("BYTES", start, line, col, undefined, bytes);
      return this.make("NUMBER", start, line, col);
    }

    if (ch === '"' || ch === "`") {
      const value = this.scanString(ch, line, col);
      return this.make("STRING", start, line, col, value);
    }
    if (ch === "'") {
      this.scanCharLiteral(line, col);
      return this.make("IDENTIFIER", start, line, col);
    }

    if (ch === "[") {
      this.nextChar();
      let body = "";
      while (this.pos < this.src.length) {
        const c = this.nextChar();
        if (c === "]") {
          const d = parsePromDuration(body);
          if (typeof d !== "number") {
            this.error(d.error, line, col);
            return this.make("$end", start, line, col, "");
          }
          return this.make("RANGE", start, line, col, body, d);
        }
        body += c;
      }
      this.error("missing closing ']' in duration", line, col);
      return this.make("$end", start, line, col, "");
    }

    if (ch === "-" && this.peekChar(1) === "-") {
      // Parser flags of newer Loki: `--strict`, `--keep-empty`.
      const rest = this.src.slice(this.pos);
      const flag = /^--[a-z][a-z-]*/.exec(rest);
      if (flag && (flag[0] === "--strict" || flag[0] === "--keep-empty")) {
        for (let i = 0; i < flag[0].length; i++) this.nextChar();
        return this.make("FUNCTION_FLAG", start, line, col);
      }
    }

    this.nextChar();
    const two = ch + this.peekChar();
    const twoType = TOKENS[two];
    if (twoType !== undefined && two.length === 2) {
      this.nextChar();
      return this.make(twoType, start, line, col);
    }
    const oneType = TOKENS[ch];
    if (oneType !== undefined) return this.make(oneType, start, line, col);
    return this.make("IDENTIFIER", start, line, col);
  }

  /** Loki's `isFunction`: after optional spaces, `(` — or `by`/`without`, optional spaces, `(`. */
  private isFunctionAhead(): boolean {
    let p = this.pos;
    const src = this.src;
    while (p < src.length && isSpace(src[p] ?? "")) p++;
    let acc = "";
    while (p < src.length) {
      acc += src[p];
      p++;
      if (acc === "(") return true;
      if (acc === "by" || acc === "without") {
        while (p < src.length && isSpace(src[p] ?? "")) p++;
        return src[p] === "(";
      }
    }
    return false;
  }

  /**
   * Loki's `tryScanDuration`/`tryScanBytes`: the characters right after a number that belong to
   * a duration or size (until a space or another character), parsed together with the number.
   */
  private tryGlued(numberText: string, accept: (c: string) => boolean, parse: (text: string) => number | undefined): number | undefined {
    let p = this.pos;
    let consumed = "";
    while (p < this.src.length) {
      const len = this.charLen(p);
      const c = this.src.slice(p, p + len);
      if (isSpace(c) || !accept(c)) break;
      consumed += c;
      p += len;
    }
    if (consumed === "") return undefined;
    const value = parse(numberText + consumed);
    if (value === undefined) return undefined;
    for (let i = 0; i < [...consumed].length; i++) this.nextChar();
    return value;
  }

  /** Go's text/scanner number syntax (decimal, 0x/0o/0b, fractions, exponents, `_` separators). */
  private scanNumber(): void {
    const digitsOf = (accept: (c: string) => boolean) => {
      while (this.pos < this.src.length) {
        const c = this.peekChar();
        if (accept(c) || c === "_") this.nextChar();
        else break;
      }
    };
    const dec = (c: string) => c >= "0" && c <= "9";
    const hex = (c: string) => dec(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
    let isHex = false;
    if (this.peekChar() === "0") {
      const p = this.peekChar(1).toLowerCase();
      if (p === "x" || p === "o" || p === "b") {
        this.nextChar();
        this.nextChar();
        isHex = p === "x";
        digitsOf(p === "x" ? hex : p === "o" ? (c) => c >= "0" && c <= "7" : (c) => c === "0" || c === "1");
        if (p !== "x") return;
      }
    }
    if (!isHex) digitsOf(dec);
    if (this.peekChar() === ".") {
      this.nextChar();
      digitsOf(isHex ? hex : dec);
    }
    const e = this.peekChar().toLowerCase();
    if ((!isHex && e === "e") || (isHex && e === "p")) {
      const sign = this.peekChar(1);
      const afterSign = sign === "+" || sign === "-" ? this.peekChar(2) : sign;
      if (dec(afterSign)) {
        this.nextChar();
        if (sign === "+" || sign === "-") this.nextChar();
        digitsOf(dec);
      }
    }
  }

  private scanString(quote: string, line: number, col: number): string {
    this.nextChar();
    if (quote === "`") {
      let value = "";
      while (this.pos < this.src.length) {
        const c = this.nextChar();
        if (c === "`") return value.replaceAll("\r", "");
        value += c;
      }
      this.error("literal not terminated", line, col);
      return value;
    }
    let value = "";
    while (this.pos < this.src.length) {
      const c = this.nextChar();
      if (c === '"') return value;
      if (c === "\n") {
        this.error("literal not terminated", line, col);
        return value;
      }
      if (c !== "\\") {
        value += c;
        continue;
      }
      const esc = this.nextChar();
      switch (esc) {
        case "a":
          value += "\x07";
          break;
        case "b":
          value += "\b";
          break;
        case "f":
          value += "\f";
          break;
        case "n":
          value += "\n";
          break;
        case "r":
          value += "\r";
          break;
        case "t":
          value += "\t";
          break;
        case "v":
          value += "\v";
          break;
        case "\\":
          value += "\\";
          break;
        case '"':
          value += '"';
          break;
        case "x":
        case "u":
        case "U": {
          const width = esc === "x" ? 2 : esc === "u" ? 4 : 8;
          let hexDigits = "";
          for (let i = 0; i < width; i++) {
            const h = this.peekChar();
            if (!/^[0-9a-fA-F]$/.test(h)) break;
            hexDigits += this.nextChar();
          }
          if (hexDigits.length !== width) {
            this.error("invalid char escape", line, col);
            break;
          }
          const code = parseInt(hexDigits, 16);
          if (esc === "x") value += String.fromCharCode(code);
          else if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.error("invalid char escape", line, col);
          else value += String.fromCodePoint(code);
          break;
        }
        default:
          if (esc >= "0" && esc <= "7") {
            let octal = esc;
            for (let i = 0; i < 2; i++) {
              const o = this.peekChar();
              if (o < "0" || o > "7") break;
              octal += this.nextChar();
            }
            if (octal.length !== 3 || parseInt(octal, 8) > 255) this.error("invalid char escape", line, col);
            else value += String.fromCharCode(parseInt(octal, 8));
          } else {
            this.error("invalid char escape", line, col);
            if (esc === "") return value;
          }
      }
    }
    this.error("literal not terminated", line, col);
    return value;
  }

  private scanCharLiteral(line: number, col: number): void {
    this.nextChar();
    let count = 0;
    while (this.pos < this.src.length) {
      const c = this.nextChar();
      if (c === "'") {
        if (count !== 1) this.error("invalid char literal", line, col);
        return;
      }
      if (c === "\n") break;
      if (c === "\\") this.nextChar();
      count++;
    }
    this.error("literal not terminated", line, col);
  }
}
