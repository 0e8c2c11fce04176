/**
 * Writing values into LogQL text. Two escapings that must not be confused:
 *
 * - a value matched exactly (`label="v"`, `|= "v"`) is only quoted as a Go string: `\` and `"`
 *   are escaped, control characters written as escapes;
 * - a value inside a regular expression (`label=~"a|b"`, `|~ "…"`) is first escaped as RE2
 *   literal text (Go's regexp.QuoteMeta: `\.+*?()|[]{}^$`), then quoted. Regexes are written as
 *   raw strings (backticks) so that `10\.0\.0\.1` reads as it is sent; a value holding a backtick
 *   falls back to a double-quoted Go string with every backslash doubled.
 *
 * Pure code; anything may import it.
 */

/** RE2 (and Go regexp) metacharacters, as regexp.QuoteMeta escapes them. */
const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** `value` as RE2 literal text: `10.0.0.1` → `10\.0\.0\.1`. */
export function escapeRegex(value: string): string {
  return value.replace(RE2_META, (c) => `\\${c}`);
}

/** A regex matching exactly one of `values` (as a whole, since Loki anchors label regexes). */
export function regexAlternation(values: readonly string[]): string {
  return values.map(escapeRegex).join("|");
}

/** A Go interpreted string literal, as strconv.Quote writes it for ASCII and as Loki reads it. */
export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** A string for an exact matcher or a plain line filter: always double-quoted. */
export function exactString(value: string): string {
  return goQuote(value);
}

/** A string holding a regex: raw (backticks) when it can be, else a double-quoted Go string. */
export function regexString(regex: string): string {
  return regex.includes("`") ? goQuote(regex) : `\`${regex}\``;
}

/**
 * Reads back a Go string literal as written by goQuote or as a raw string. For tests and for
 * recognising the builder's own text; the LogQL parser is the authority for user queries.
 */
export function goUnquote(literal: string): string {
  if (literal.startsWith("`") && literal.endsWith("`") && literal.length >= 2) return literal.slice(1, -1);
  if (!(literal.startsWith('"') && literal.endsWith('"') && literal.length >= 2)) throw new Error(`not a Go string: ${literal}`);
  const body = literal.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i] as string;
    if (char !== "\\") {
      out += char;
      continue;
    }
    const next = body[++i];
    if (next === "n") out += "\n";
    else if (next === "r") out += "\r";
    else if (next === "t") out += "\t";
    else if (next === "x") {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += next ?? "";
  }
  return out;
}

/** Whether `name` is a valid LogQL label name. */
export function isLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}
