/**
 * RE2 (Go's regexp syntax, as Loki and Prometheus use it) translated to JavaScript RegExp.
 *
 * The pattern is parsed as Go's regexp/syntax parses it (Perl flags: `(?i)`, `(?m)`, `(?s)`,
 * `(?U)`, scoped `(?i:…)`, `(?P<name>…)`, `\A` `\z`, `\Q…\E`, POSIX classes `[[:alpha:]]`,
 * `\pL` `\p{Greek}`, octal and `\x{…}` escapes, ASCII-only `\d \s \w \b`) and re-emitted as a
 * `u`-flag JavaScript pattern with the same meaning: case folding is expanded into classes,
 * `.` never matches `\n` unless `(?s)`, `^`/`$` are text anchors unless `(?m)`. Invalid
 * patterns fail with Go's message (`error parsing regexp: missing closing ): \`(\``).
 *
 * Used for stream-selector and label-filter matchers (fully anchored, as Prometheus does),
 * line filters, the `regexp` parser and template functions.
 */

import type { LabelMatcher } from "./source";

export class Re2SyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = "Re2SyntaxError";
  }
}

interface Flags {
  fold: boolean;
  multiLine: boolean;
  dotNL: boolean;
  nonGreedy: boolean;
}

/** A set of code points: sorted, non-overlapping inclusive ranges, plus Unicode property items. */
interface CharSet {
  ranges: Array<[number, number]>;
  /** JS class items such as `\p{L}` or `\P{Script=Greek}` (already in JS syntax). */
  props: string[];
}

export type Re2Node =
  | { op: "literal"; chars: number[]; fold: boolean }
  | { op: "class"; set: CharSet; negated: boolean }
  | { op: "any"; dotNL: boolean }
  | { op: "beginText" | "endText" | "beginLine" | "endLine" | "wordBoundary" | "noWordBoundary" }
  | { op: "empty" }
  | { op: "capture"; index: number; name: string | null; sub: Re2Node }
  | { op: "concat"; subs: Re2Node[] }
  | { op: "alternate"; subs: Re2Node[] }
  | { op: "repeat"; sub: Re2Node; min: number; max: number; greedy: boolean };

export interface ParsedRe2 {
  node: Re2Node;
  /** Capture group names by group index (1-based); "" for unnamed. */
  captureNames: string[];
}

const MAX_CODE_POINT = 0x10ffff;

const PERL_CLASSES: Readonly<Record<string, Array<[number, number]>>> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX_CLASSES: Readonly<Record<string, Array<[number, number]>>> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

const GENERAL_CATEGORIES = new Set([
  "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
  "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
]);

function normalizeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) {
      if (r[1] > last[1]) last[1] = r[1];
    } else {
      out.push([r[0], r[1]]);
    }
  }
  return out;
}

function negateRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of normalizeRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** The simple case-folding orbit of a code point (Go's unicode.SimpleFold), approximated with JS case mapping. */
function foldOrbit(cp: number): number[] {
  const special: Readonly<Record<number, number[]>> = {
    0x4b: [0x4b, 0x6b, 0x212a],
    0x6b: [0x4b, 0x6b, 0x212a],
    0x212a: [0x4b, 0x6b, 0x212a],
    0x53: [0x53, 0x73, 0x17f],
    0x73: [0x53, 0x73, 0x17f],
    0x17f: [0x53, 0x73, 0x17f],
    0xb5: [0xb5, 0x39c, 0x3bc],
    0x39c: [0xb5, 0x39c, 0x3bc],
    0x3bc: [0xb5, 0x39c, 0x3bc],
  };
  const known = special[cp];
  if (known) return known;
  const ch = String.fromCodePoint(cp);
  const set = new Set<number>([cp]);
  for (const variant of [ch.toLowerCase(), ch.toUpperCase()]) {
    const points = [...variant];
    if (points.length === 1) {
      const v = variant.codePointAt(0);
      if (v !== undefined) set.add(v);
    }
  }
  return [...set].sort((a, b) => a - b);
}

function foldRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = ranges.slice();
  for (const [lo, hi] of ranges) {
    if (hi - lo > 4000) continue;
    for (let cp = lo; cp <= hi; cp++) {
      for (const f of foldOrbit(cp)) if (f < lo || f > hi) out.push([f, f]);
    }
  }
  return normalizeRanges(out);
}

function isAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

/** Parses an RE2 pattern as Go's `regexp.Compile` does (syntax.Perl). */
export function parseRe2(pattern: string): ParsedRe2 {
  return new Re2Parser(pattern).parse();
}

class Re2Parser {
  private pos = 0;
  private captureCount = 0;
  private readonly names: string[] = [""];
  private readonly chars: string[];

  constructor(private readonly src: string) {
    this.chars = [...src];
  }

  private get rest(): string {
    return this.chars.slice(this.pos).join("");
  }

  parse(): ParsedRe2 {
    const flags: Flags = { fold: false, multiLine: false, dotNL: false, nonGreedy: false };
    const node = this.parseAlternation(flags, 0);
    if (this.pos < this.chars.length) {
      // Only a stray `)` stops the top level.
      throw new Re2SyntaxError("unexpected )", this.src);
    }
    return { node, captureNames: this.names };
  }

  private parseAlternation(flags: Flags, depth: number): Re2Node {
    const branches: Re2Node[] = [this.parseConcat(flags, depth)];
    while (this.chars[this.pos] === "|") {
      this.pos++;
      branches.push(this.parseConcat(flags, depth));
    }
    return branches.length === 1 ? (branches[0] as Re2Node) : { op: "alternate", subs: branches };
  }

  private parseConcat(flags: Flags, depth: number): Re2Node {
    const items: Re2Node[] = [];
    // Flags set by `(?i)` inside a group last until the group's end; `flags` is mutated in place.
    for (;;) {
      const c = this.chars[this.pos];
      if (c === undefined || c === "|") break;
      if (c === ")") {
        if (depth === 0) throw new Re2SyntaxError("unexpected )", this.src);
        break;
      }
      const start = this.pos;
      switch (c) {
        case "(": {
          const group = this.parseGroup(flags, depth);
          if (group !== null) items.push(group);
          continue;
        }
        case "*":
        case "+":
        case "?": {
          this.pos++;
          const max = c === "*" || c === "+" ? -1 : 1;
          const min = c === "+" ? 1 : 0;
          this.applyRepeat(items, min, max, flags, start);
          continue;
        }
        case "{": {
          const repeat = this.tryParseRepeat();
          if (repeat === null) {
            this.pos++;
            items.push(this.literal(0x7b, flags));
            continue;
          }
          this.applyRepeat(items, repeat.min, repeat.max, flags, start);
          continue;
        }
        case "[":
          items.push(this.parseClass(flags));
          continue;
        case ".":
          this.pos++;
          items.push({ op: "any", dotNL: flags.dotNL });
          continue;
        case "^":
          this.pos++;
          items.push({ op: flags.multiLine ? "beginLine" : "beginText" });
          continue;
        case "$":
          this.pos++;
          items.push({ op: flags.multiLine ? "endLine" : "endText" });
          continue;
        case "\\": {
          const node = this.parseBackslash(flags, items);
          if (node !== null) items.push(node);
          continue;
        }
        default:
          this.pos++;
          items.push(this.literal(c.codePointAt(0) ?? 0, flags));
      }
    }
    return concatOf(items);
  }

  private literal(cp: number, flags: Flags): Re2Node {
    return { op: "literal", chars: [cp], fold: flags.fold };
  }

  private applyRepeat(items: Re2Node[], min: number, max: number, flags: Flags, start: number): void {
    let greedy = true;
    if (this.chars[this.pos] === "?") {
      this.pos++;
      greedy = false;
    }
    if (flags.nonGreedy) greedy = !greedy;
    const opText = this.chars.slice(start, this.pos).join("");
    const last = items.pop();
    if (last === undefined) throw new Re2SyntaxError("missing argument to repetition operator", opText);
    if (last.op === "repeat" && (last as { fromOperator?: boolean }).fromOperator) {
      throw new Re2SyntaxError("invalid nested repetition operator", (last as { opText?: string }).opText + opText);
    }
    let sub = last;
    // Repetition applies to the last character of a literal run.
    if (last.op === "literal" && last.chars.length > 1) {
      const lastChar = last.chars[last.chars.length - 1] as number;
      items.push({ op: "literal", chars: last.chars.slice(0, -1), fold: last.fold });
      sub = { op: "literal", chars: [lastChar], fold: last.fold };
    }
    if ((min > 1000 || max > 1000) && max !== -1) throw new Re2SyntaxError("invalid repeat count", opText);
    if (min > 1000) throw new Re2SyntaxError("invalid repeat count", opText);
    const node = { op: "repeat", sub, min, max, greedy, fromOperator: true, opText } as Re2Node;
    items.push(node);
  }

  /** `{n}`, `{n,}`, `{n,m}` at the current position, or null when the brace is a literal. */
  private tryParseRepeat(): { min: number; max: number } | null {
    const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(this.rest);
    if (!m) return null;
    const min = Number(m[1]);
    let max = min;
    if (m[2] !== undefined) max = m[3] === "" || m[3] === undefined ? -1 : Number(m[3]);
    const text = m[0];
    this.pos += [...text].length;
    if (min > 1000 || max > 1000 || (max !== -1 && max < min)) throw new Re2SyntaxError("invalid repeat count", text);
    return { min, max };
  }

  private parseGroup(flags: Flags, depth: number): Re2Node | null {
    const start = this.pos;
    this.pos++; // (
    if (this.chars[this.pos] === "?") {
      const rest = this.rest;
      const named = /^\?P<([^>]*)>/.exec(rest);
      if (rest.startsWith("?P<")) {
        if (!named) throw new Re2SyntaxError("invalid named capture", this.chars.slice(start).join(""));
        const name = named[1] ?? "";
        const text = `(${named[0]}`;
        if (name === "" || !/^[A-Za-z0-9_]+$/.test(name)) throw new Re2SyntaxError("invalid named capture", text);
        if (this.names.includes(name)) throw new Re2SyntaxError("duplicate capture group name", text);
        this.pos += [...named[0]].length;
        return this.finishCapture(flags, depth, name, start);
      }
      // Flags: (?i) (?-s) (?i:...) (?im-s:...)
      this.pos++;
      const local: Flags = { ...flags };
      let negate = false;
      let sawFlag = false;
      for (;;) {
        const c = this.chars[this.pos];
        if (c === undefined) throw new Re2SyntaxError("missing closing )", this.src);
        this.pos++;
        switch (c) {
          case "i":
            local.fold = !negate;
            sawFlag = true;
            continue;
          case "m":
            local.multiLine = !negate;
            sawFlag = true;
            continue;
          case "s":
            local.dotNL = !negate;
            sawFlag = true;
            continue;
          case "U":
            local.nonGreedy = !negate;
            sawFlag = true;
            continue;
          case "-":
            if (negate) throw new Re2SyntaxError("invalid or unsupported Perl syntax", this.chars.slice(start, this.pos).join(""));
            negate = true;
            sawFlag = false;
            continue;
          case ")":
          case ":": {
            if (negate && !sawFlag) throw new Re2SyntaxError("invalid or unsupported Perl syntax", this.chars.slice(start, this.pos).join(""));
            if (c === ")") {
              if (this.pos - start === 3 && !sawFlag) {
                throw new Re2SyntaxError("invalid or unsupported Perl syntax", this.chars.slice(start, this.pos).join(""));
              }
              Object.assign(flags, local);
              return null;
            }
            const sub = this.parseAlternation(local, depth + 1);
            if (this.chars[this.pos] !== ")") throw new Re2SyntaxError("missing closing )", this.src);
            this.pos++;
            // A group is an atom: `(?:a*)*` is not a nested repetition.
            return sub.op === "repeat" ? { op: "concat", subs: [sub] } : sub;
          }
          default:
            throw new Re2SyntaxError("invalid or unsupported Perl syntax", this.chars.slice(start, this.pos).join(""));
        }
      }
    }
    return this.finishCapture(flags, depth, null, start);
  }

  private finishCapture(flags: Flags, depth: number, name: string | null, _start: number): Re2Node {
    const index = ++this.captureCount;
    this.names[index] = name ?? "";
    const sub = this.parseAlternation({ ...flags }, depth + 1);
    if (this.chars[this.pos] !== ")") throw new Re2SyntaxError("missing closing )", this.src);
    this.pos++;
    return { op: "capture", index, name, sub };
  }

  private parseBackslash(flags: Flags, items: Re2Node[]): Re2Node | null {
    const start = this.pos;
    const next = this.chars[this.pos + 1];
    if (next === undefined) throw new Re2SyntaxError("trailing backslash at end of expression", "");
    switch (next) {
      case "A":
        this.pos += 2;
        return { op: "beginText" };
      case "z":
        this.pos += 2;
        return { op: "endText" };
      case "b":
        this.pos += 2;
        return { op: "wordBoundary" };
      case "B":
        this.pos += 2;
        return { op: "noWordBoundary" };
      case "Q": {
        this.pos += 2;
        const rest = this.rest;
        const end = rest.indexOf("\\E");
        const literalText = end === -1 ? rest : rest.slice(0, end);
        this.pos += [...literalText].length + (end === -1 ? 0 : 2);
        for (const ch of literalText) items.push(this.literal(ch.codePointAt(0) ?? 0, flags));
        return null;
      }
      case "d":
      case "D":
      case "s":
      case "S":
      case "w":
      case "W": {
        this.pos += 2;
        const ranges = PERL_CLASSES[next.toLowerCase()] ?? [];
        return { op: "class", set: { ranges: next === next.toUpperCase() ? negateRanges(ranges) : ranges.slice(), props: [] }, negated: false };
      }
      case "p":
      case "P": {
        const set = this.parseUnicodeClass();
        return { op: "class", set, negated: false };
      }
    }
    const cp = this.parseEscape(start);
    return this.literal(cp, flags);
  }

  /** `\pL`, `\p{Greek}`, `\PL`, `\p{^Greek}` at the current position. */
  private parseUnicodeClass(): CharSet {
    const start = this.pos;
    const negatedP = this.chars[this.pos + 1] === "P";
    this.pos += 2;
    let name: string;
    if (this.chars[this.pos] === "{") {
      const rest = this.rest;
      const end = rest.indexOf("}");
      if (end === -1) throw new Re2SyntaxError("invalid character class range", this.chars.slice(start).join(""));
      name = rest.slice(1, end);
      this.pos += [...rest.slice(0, end + 1)].length;
    } else {
      const c = this.chars[this.pos];
      if (c === undefined) throw new Re2SyntaxError("invalid character class range", this.chars.slice(start).join(""));
      name = c;
      this.pos++;
    }
    const text = this.chars.slice(start, this.pos).join("");
    let negated = negatedP;
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === "Any") return { ranges: negated ? [] : [[0, MAX_CODE_POINT]], props: [] };
    const prop = GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
    try {
      new RegExp(`\\p{${prop}}`, "u");
    } catch {
      throw new Re2SyntaxError("invalid character class range", text);
    }
    return { ranges: [], props: [`\\${negated ? "P" : "p"}{${prop}}`] };
  }

  /** A single-character escape (Go's parseEscape); the backslash is at `start`. */
  private parseEscape(start: number): number {
    this.pos = start + 1;
    const c = this.chars[this.pos] ?? "";
    this.pos++;
    const invalid = () => new Re2SyntaxError("invalid escape sequence", this.chars.slice(start, this.pos).join(""));
    if (c >= "1" && c <= "7") {
      const n = this.chars[this.pos];
      if (n === undefined || n < "0" || n > "7") throw invalid();
    }
    if (c >= "0" && c <= "7") {
      let value = c.charCodeAt(0) - 48;
      for (let i = 1; i < 3; i++) {
        const d = this.chars[this.pos];
        if (d === undefined || d < "0" || d > "7") break;
        value = value * 8 + (d.charCodeAt(0) - 48);
        this.pos++;
      }
      return value;
    }
    switch (c) {
      case "x": {
        if (this.chars[this.pos] === "{") {
          this.pos++;
          let hex = "";
          while (this.chars[this.pos] !== undefined && this.chars[this.pos] !== "}") {
            hex += this.chars[this.pos];
            this.pos++;
          }
          if (this.chars[this.pos] !== "}") throw invalid();
          this.pos++;
          if (hex === "" || !/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > MAX_CODE_POINT) throw invalid();
          return parseInt(hex, 16);
        }
        const h1 = this.chars[this.pos];
        const h2 = this.chars[this.pos + 1];
        if (h1 === undefined || h2 === undefined || !/^[0-9a-fA-F]{2}$/.test(h1 + h2)) {
          this.pos = Math.min(this.pos + 2, this.chars.length);
          throw invalid();
        }
        this.pos += 2;
        return parseInt(h1 + h2, 16);
      }
      case "a":
        return 7;
      case "f":
        return 12;
      case "n":
        return 10;
      case "r":
        return 13;
      case "t":
        return 9;
      case "v":
        return 11;
    }
    const cp = c.codePointAt(0) ?? 0;
    if (cp < 0x80 && !isAlnum(c)) return cp;
    throw invalid();
  }

  private parseClass(flags: Flags): Re2Node {
    const start = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.chars[this.pos] === "^") {
      negated = true;
      this.pos++;
    }
    const ranges: Array<[number, number]> = [];
    const props: string[] = [];
    let first = true;
    for (;;) {
      const c = this.chars[this.pos];
      if (c === undefined) throw new Re2SyntaxError("missing closing ]", this.chars.slice(start).join(""));
      if (c === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      // POSIX class [:alpha:]
      if (c === "[" && this.chars[this.pos + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.rest);
        if (m) {
          const posix = POSIX_CLASSES[m[2] ?? ""];
          if (!posix) throw new Re2SyntaxError("invalid character class range", m[0]);
          ranges.push(...(m[1] === "^" ? negateRanges(posix) : posix));
          this.pos += m[0].length;
          continue;
        }
      }
      if (c === "\\") {
        const n = this.chars[this.pos + 1];
        if (n !== undefined && "dDsSwW".includes(n)) {
          const perl = PERL_CLASSES[n.toLowerCase()] ?? [];
          ranges.push(...(n === n.toUpperCase() ? negateRanges(perl) : perl));
          this.pos += 2;
          continue;
        }
        if (n === "p" || n === "P") {
          const set = this.parseUnicodeClass();
          ranges.push(...set.ranges);
          props.push(...set.props);
          continue;
        }
      }
      const rangeStart = this.pos;
      const lo = this.classChar();
      if (this.chars[this.pos] === "-" && this.chars[this.pos + 1] !== "]" && this.chars[this.pos + 1] !== undefined) {
        this.pos++;
        const hiStart = this.pos;
        if (this.chars[this.pos] === "\\" && "dDsSwWpP".includes(this.chars[this.pos + 1] ?? "")) {
          throw new Re2SyntaxError("invalid character class range", this.chars.slice(rangeStart, hiStart + 2).join(""));
        }
        const hi = this.classChar();
        if (hi < lo) throw new Re2SyntaxError("invalid character class range", this.chars.slice(rangeStart, this.pos).join(""));
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    let set: CharSet = { ranges: normalizeRanges(ranges), props };
    if (flags.fold) set = { ranges: foldRanges(set.ranges), props };
    // Go turns one-character classes into literals, and [Aa] into a case-folded literal.
    if (!negated && props.length === 0) {
      const r = set.ranges;
      if (r.length === 1 && r[0] && r[0][0] === r[0][1]) return { op: "literal", chars: [r[0][0]], fold: false };
      if (r.length === 2 && r[0] && r[1] && r[0][0] === r[0][1] && r[1][0] === r[1][1]) {
        const a = r[0][0];
        const b = r[1][0];
        const orbit = foldOrbit(a);
        if (orbit.length === 2 && orbit.includes(b)) return { op: "literal", chars: [a], fold: true };
      }
    }
    return { op: "class", set, negated };
  }

  /** One character inside a class (a literal or an escape). */
  private classChar(): number {
    const c = this.chars[this.pos];
    if (c === undefined) throw new Re2SyntaxError("missing closing ]", this.src);
    if (c === "\\") return this.parseEscape(this.pos);
    this.pos++;
    return c.codePointAt(0) ?? 0;
  }
}

function concatOf(items: Re2Node[]): Re2Node {
  // Merge adjacent literal characters with the same folding (as Go does).
  const merged: Re2Node[] = [];
  for (const item of items) {
    const last = merged[merged.length - 1];
    if (item.op === "literal" && last && last.op === "literal" && last.fold === item.fold) {
      merged[merged.length - 1] = { op: "literal", chars: [...last.chars, ...item.chars], fold: last.fold };
    } else {
      merged.push(item);
    }
  }
  if (merged.length === 0) return { op: "empty" };
  if (merged.length === 1) return merged[0] as Re2Node;
  return { op: "concat", subs: merged };
}

function escapeLiteral(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if ("^$\\.*+?()[]{}|/".includes(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && /[\p{C}\p{Z}]/u.test(ch))) return `\\u{${cp.toString(16)}}`;
  return ch;
}

function escapeClassChar(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if ("\\]-[^".includes(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f || cp >= 0x80) return `\\u{${cp.toString(16)}}`;
  return ch;
}

function emitSet(set: CharSet, negated: boolean): string {
  if (!negated && set.props.length === 0 && set.ranges.length === 0) return "[]";
  if (negated && set.props.length === 0 && set.ranges.length === 0) return "[\\s\\S]";
  let body = "";
  for (const [lo, hi] of set.ranges) {
    body += lo === hi ? escapeClassChar(lo) : `${escapeClassChar(lo)}-${escapeClassChar(hi)}`;
  }
  body += set.props.join("");
  return `[${negated ? "^" : ""}${body}]`;
}

function emit(node: Re2Node): string {
  switch (node.op) {
    case "literal": {
      let out = "";
      for (const cp of node.chars) {
        if (node.fold) {
          const orbit = foldOrbit(cp);
          out += orbit.length > 1 ? emitSet({ ranges: orbit.map((c) => [c, c] as [number, number]), props: [] }, false) : escapeLiteral(cp);
        } else {
          out += escapeLiteral(cp);
        }
      }
      return out;
    }
    case "class":
      return emitSet(node.set, node.negated);
    case "any":
      return node.dotNL ? "[\\s\\S]" : "[^\\n]";
    case "beginText":
      return "^";
    case "endText":
      return "$";
    case "beginLine":
      return "(?<![^\\n])";
    case "endLine":
      return "(?![^\\n])";
    case "wordBoundary":
      return "\\b";
    case "noWordBoundary":
      return "\\B";
    case "empty":
      return "(?:)";
    case "capture":
      // Names stay with the parse (Go allows names JavaScript does not); groups keep Go's numbering.
      return `(${emit(node.sub)})`;
    case "concat":
      return node.subs.map((s) => (s.op === "alternate" ? `(?:${emit(s)})` : emit(s))).join("");
    case "alternate":
      return node.subs.map(emit).join("|");
    case "repeat": {
      const sub = node.sub;
      const atom =
        (sub.op === "literal" && sub.chars.length === 1) || sub.op === "class" || sub.op === "any" || sub.op === "capture"
          ? emit(sub)
          : `(?:${emit(sub)})`;
      let q: string;
      if (node.min === 0 && node.max === -1) q = "*";
      else if (node.min === 1 && node.max === -1) q = "+";
      else if (node.min === 0 && node.max === 1) q = "?";
      else if (node.max === -1) q = `{${node.min},}`;
      else if (node.min === node.max) q = `{${node.min}}`;
      else q = `{${node.min},${node.max}}`;
      return atom + q + (node.greedy ? "" : "?");
    }
  }
}

/** JavaScript source (for the `u` flag) equivalent to a parsed RE2 pattern. */
export function re2ToJsSource(parsed: ParsedRe2): string {
  return emit(parsed.node);
}

/** A compiled RE2 pattern: the JavaScript RegExp and the capture names by group index ("" when unnamed). */
export interface CompiledRe2 {
  re: RegExp;
  names: string[];
  /** The same regex with the `g` flag, made on first use by goReplaceAll. */
  global?: RegExp;
}

/** Compiles an RE2 pattern to a JavaScript RegExp (`u` flag plus `extraFlags`). Throws Re2SyntaxError. */
export function compileRe2(pattern: string, extraFlags = ""): RegExp {
  return compileRe2WithNames(pattern, extraFlags).re;
}

export function compileRe2WithNames(pattern: string, extraFlags = ""): CompiledRe2 {
  const parsed = parseRe2(pattern);
  return { re: new RegExp(re2ToJsSource(parsed), `u${extraFlags}`), names: parsed.captureNames };
}

/** A fully anchored matcher regex, as Prometheus builds it: `^(?:re)$`. */
export function compileAnchoredRe2(pattern: string): RegExp {
  return compileRe2(`^(?:${pattern})$`);
}

/** Checks an RE2 pattern; returns Go's error text or null. */
export function re2Error(pattern: string): string | null {
  try {
    compileRe2(pattern);
    return null;
  } catch (error) {
    if (error instanceof Re2SyntaxError) return error.message;
    return `error parsing regexp: invalid or unsupported Perl syntax: \`${pattern}\``;
  }
}

/** A compiled stream-selector or label matcher: `=`, `!=`, `=~`, `!~` (regexes fully anchored). */
export function compileLabelMatcher(matcher: LabelMatcher): (value: string) => boolean {
  const { op, value } = matcher;
  switch (op) {
    case "=":
      return (v) => v === value;
    case "!=":
      return (v) => v !== value;
    case "=~":
    case "!~": {
      const re = compileAnchoredRe2(value);
      const positive = op === "=~";
      return (v) => re.test(v) === positive;
    }
  }
}

/** Whether a matcher matches the empty string (Loki's `SplitFiltersAndMatchers` counts those as filters). */
export function matcherMatchesEmpty(matcher: LabelMatcher): boolean {
  return compileLabelMatcher(matcher)("");
}

/**
 * A line filter (`|~` / `!~`) as Loki 2.7 builds it: patterns that are literals (optionally
 * wrapped in `.*`, or alternations of such) become substring searches, case-insensitive ones with
 * Loki's own byte-wise comparison (quirks included); anything else is a regex search.
 */
export type LineMatcher = (line: string) => boolean;

export function compileLineRegex(pattern: string): LineMatcher {
  const parsed = parseRe2(pattern);
  const simple = simplifyForFilter(parsed.node);
  if (simple) return simple;
  const re = new RegExp(re2ToJsSource(parsed), "u");
  return (line) => re.test(line);
}

const TRUE_MATCHER: LineMatcher = () => true;

function literalText(chars: number[]): string {
  return String.fromCodePoint(...chars);
}

function containsMatcher(chars: number[], fold: boolean): LineMatcher {
  const text = literalText(chars);
  if (text === "") return TRUE_MATCHER;
  if (!fold) return (line) => line.includes(text);
  const needle = text.toLowerCase();
  return (line) => containsLower(line, needle);
}

function orMatcher(a: LineMatcher, b: LineMatcher): LineMatcher {
  if (a === TRUE_MATCHER || b === TRUE_MATCHER) return TRUE_MATCHER;
  return (line) => a(line) || b(line);
}

function unwrapCapture(node: Re2Node): Re2Node {
  return node.op === "capture" ? unwrapCapture(node.sub) : node;
}

function isDotStar(node: Re2Node): boolean {
  return node.op === "repeat" && node.min === 0 && node.max === -1 && node.sub.op === "any" && !node.sub.dotNL;
}

function simplifyForFilter(root: Re2Node): LineMatcher | null {
  const node = unwrapCapture(root);
  switch (node.op) {
    case "literal":
      return containsMatcher(node.chars, node.fold);
    case "empty":
      return TRUE_MATCHER;
    case "alternate": {
      // Go turns several one-character branches into a character class: no simplification then.
      const single = node.subs.filter((s) => {
        const u = unwrapCapture(s);
        return (u.op === "literal" && u.chars.length === 1) || u.op === "class";
      });
      if (single.length >= 2) return null;
      let acc: LineMatcher | null = null;
      for (const sub of node.subs) {
        const m = simplifyForFilter(sub);
        if (!m) return null;
        acc = acc ? orMatcher(acc, m) : m;
      }
      return acc;
    }
    case "concat": {
      const subs = node.subs.map(unwrapCapture).filter((s) => s.op !== "empty");
      if (subs.length > 3) return null;
      let literal: { chars: number[]; fold: boolean } | null = null;
      for (const sub of subs) {
        if (sub.op === "literal") {
          if (literal) return null;
          literal = { chars: sub.chars, fold: sub.fold };
          continue;
        }
        if (isDotStar(sub)) continue;
        return null;
      }
      return literal ? containsMatcher(literal.chars, literal.fold) : null;
    }
    case "repeat":
      return isDotStar(node) ? TRUE_MATCHER : null;
    default:
      return null;
  }
}

/**
 * Loki 2.7's case-insensitive substring search (`containsLower`), byte for byte: ASCII bytes
 * match when equal to the lowered needle or when `c + 32` equals it; on a mismatch the search
 * restarts after the current byte (no backtracking).
 */
export function containsLower(line: string, needle: string): boolean {
  if (needle.length === 0) return true;
  if (needle.length > line.length * 3) return false;
  // Fast path for ASCII-only input.
  let asciiLine = true;
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) >= 0x80) {
      asciiLine = false;
      break;
    }
  }
  let asciiNeedle = true;
  for (let i = 0; i < needle.length; i++) {
    if (needle.charCodeAt(i) >= 0x80) {
      asciiNeedle = false;
      break;
    }
  }
  if (asciiLine && asciiNeedle) {
    if (needle.length > line.length) return false;
    let j = 0;
    const first = needle.charCodeAt(0);
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const want = needle.charCodeAt(j);
      if (c === want || ((c + 32) & 0xff) === want) {
        j++;
        if (j === needle.length) return true;
        continue;
      }
      j = 0;
      void first;
    }
    return false;
  }
  // General case over UTF-8 bytes, as Go does.
  const lineBytes = Buffer.from(line, "utf8");
  const sub = Buffer.from(needle, "utf8");
  if (sub.length > lineBytes.length) return false;
  let j = 0;
  let i = 0;
  while (i < lineBytes.length) {
    const c = lineBytes[i] as number;
    if (c < 0x80) {
      if (c === sub[j] || ((c + 32) & 0xff) === sub[j]) {
        j++;
        if (j === sub.length) return true;
        i++;
        continue;
      }
      i++;
      j = 0;
      continue;
    }
    const [lr, lwid] = decodeRune(lineBytes, i);
    const [mr, mwid] = decodeRune(sub, j);
    if (lr === mr || mr === lowerRune(lr)) {
      j += mwid;
      if (j >= sub.length) return true;
      i += lwid;
      continue;
    }
    i += lwid;
    j = 0;
  }
  return false;
}

function lowerRune(cp: number): number {
  const lower = String.fromCodePoint(cp).toLowerCase();
  return [...lower].length === 1 ? (lower.codePointAt(0) ?? cp) : cp;
}

function decodeRune(bytes: Uint8Array, at: number): [number, number] {
  const b0 = bytes[at];
  if (b0 === undefined) return [0xfffd, 1];
  if (b0 < 0x80) return [b0, 1];
  const width = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 1;
  if (width === 1 || at + width > bytes.length) return [0xfffd, 1];
  const text = Buffer.from(bytes.subarray(at, at + width)).toString("utf8");
  return [text.codePointAt(0) ?? 0xfffd, width];
}

/**
 * Go's `Regexp.ReplaceAllString` expansion: `$1`, `${1}`, `$name`, `${name}`, `$$`. In `$name` the
 * name is the longest run of letters, digits and `_` (so `$1x` is the group named `1x`: empty).
 */
export function goReplaceAll(compiled: CompiledRe2, text: string, template: string, literal = false): string {
  // String.replace resets a global regex's lastIndex, so the global twin is made once and reused.
  const global = (compiled.global ??= new RegExp(compiled.re.source, `${compiled.re.flags.replace("g", "")}g`));
  return text.replace(global, (...args: unknown[]) => {
    if (literal) return template;
    // args: match, p1..pn, offset, string
    const captures = args.slice(0, args.length - 2) as Array<string | undefined>;
    return expandGoTemplate(template, captures, compiled.names);
  });
}

/** Go's `Regexp.Expand` for one match: `captures[0]` is the whole match. */
export function expandGoTemplate(template: string, captures: ReadonlyArray<string | undefined>, names: readonly string[]): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    let name: string | null = null;
    let consumed = 0;
    if (next === "{") {
      const close = template.indexOf("}", i + 2);
      const inner = close === -1 ? "" : template.slice(i + 2, close);
      if (close !== -1 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        consumed = close + 1 - i;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (m) {
        name = m[0];
        consumed = 1 + m[0].length;
      }
    }
    if (name === null) {
      // Malformed: Go writes the `$` and moves on.
      out += "$";
      i++;
      continue;
    }
    if (/^[0-9]+$/.test(name)) {
      const idx = Number(name);
      out += captures[idx] ?? "";
    } else {
      const idx = names.indexOf(name);
      out += idx > 0 ? (captures[idx] ?? "") : "";
    }
    i += consumed;
  }
  return out;
}
