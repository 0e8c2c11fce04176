/**
 * Durations, byte sizes and numbers written the way Loki's Go code reads and writes them:
 * Prometheus durations (`1h30m`, `5d`), Go's `time.ParseDuration` (`1.5h`, `300ms`, `-2us`),
 * Go's `Duration.String()` (`1h0m0s`), go-humanize's `ParseBytes` (`1MB`, `5 KiB`) and
 * `strconv.ParseFloat`. Durations are nanoseconds held in a number (exact up to ~104 days).
 */

export const NS_PER_MS = 1_000_000;
export const NS_PER_SECOND = 1_000_000_000;

const PROM_UNITS: ReadonlyArray<[string, number]> = [
  ["y", 365 * 24 * 3600 * 1000],
  ["w", 7 * 24 * 3600 * 1000],
  ["d", 24 * 3600 * 1000],
  ["h", 3600 * 1000],
  ["m", 60 * 1000],
  ["s", 1000],
  ["ms", 1],
];

const PROM_DURATION = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** Prometheus' `model.ParseDuration`: integer units y w d h m s ms, each at most once, in order. Returns ns or an error text. */
export function parsePromDuration(text: string): number | { error: string } {
  const invalid = { error: `not a valid duration string: ${goQuote(text)}` };
  if (text === "0") return 0;
  if (text === "") return invalid;
  const match = PROM_DURATION.exec(text);
  if (!match) return invalid;
  let ms = 0;
  for (let i = 0; i < PROM_UNITS.length; i++) {
    const part = match[i + 1];
    if (part === undefined) continue;
    const unit = PROM_UNITS[i];
    if (!unit) continue;
    ms += Number(part) * unit[1];
  }
  if (!Number.isSafeInteger(ms * NS_PER_MS) && ms * NS_PER_MS > 2 ** 63) return { error: "duration out of range" };
  return ms * NS_PER_MS;
}

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3, // U+00B5
  "μs": 1e3, // U+03BC
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`. Returns ns or Go's error text. */
export function parseGoDuration(text: string): number | { error: string } {
  const orig = text;
  const invalid = { error: `time: invalid duration ${goQuote(orig)}` };
  let s = text;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return invalid;
  let total = 0;
  while (s !== "") {
    // integer part
    let i = 0;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    const intPart = s.slice(0, i);
    s = s.slice(i);
    let fracPart = "";
    let hadDot = false;
    if (s[0] === ".") {
      hadDot = true;
      s = s.slice(1);
      let j = 0;
      while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
      fracPart = s.slice(0, j);
      s = s.slice(j);
    }
    if (intPart === "" && fracPart === "") return invalid; // no digits (e.g. ".s")
    void hadDot;
    let u = 0;
    while (u < s.length) {
      const c = s[u];
      if (c === "." || (c !== undefined && c >= "0" && c <= "9")) break;
      u++;
    }
    if (u === 0) return { error: `time: missing unit in duration ${goQuote(orig)}` };
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = GO_UNITS[unitName];
    if (unit === undefined) return { error: `time: unknown unit ${goQuote(unitName)} in duration ${goQuote(orig)}` };
    const value = Number(intPart === "" ? "0" : intPart) * unit + (fracPart === "" ? 0 : Number(`0.${fracPart}`) * unit);
    total += value;
    if (total > 2 ** 63) return invalid;
  }
  total = Math.trunc(total);
  return neg ? -total : total;
}

/** Go's `time.Duration.String()`, e.g. `1h0m0s`, `1.5s`, `300ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let u = Math.abs(Math.round(ns));
  let out: string;
  if (u < 1e9) {
    // sub-second: ns, µs or ms with a fraction
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${fractionText(u, 3)}µs`;
    else out = `${fractionText(u, 6)}ms`;
  } else {
    const secondsPart = fractionText(u % 60e9, 9);
    u = Math.floor(u / 60e9);
    out = `${secondsPart}s`;
    if (u > 0) {
      out = `${u % 60}m${out}`;
      u = Math.floor(u / 60);
      if (u > 0) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** `value / 10^digits` written with the fraction's trailing zeros removed. */
function fractionText(value: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(value / scale);
  const frac = value - whole * scale;
  if (frac === 0) return String(whole);
  const fracText = String(frac).padStart(digits, "0").replace(/0+$/, "");
  return `${whole}.${fracText}`;
}

/** Prometheus' `model.Duration.String()`: `5m`, `1h30m`, `1d`, `0s`. */
export function formatPromDuration(ns: number): string {
  let ms = Math.floor(ns / NS_PER_MS);
  if (ms === 0) return "0s";
  let out = "";
  const units: ReadonlyArray<[string, number]> = [
    ["y", 365 * 24 * 3600 * 1000],
    ["w", 7 * 24 * 3600 * 1000],
    ["d", 24 * 3600 * 1000],
    ["h", 3600 * 1000],
    ["m", 60 * 1000],
    ["s", 1000],
    ["ms", 1],
  ];
  for (const [name, size] of units) {
    const count = Math.floor(ms / size);
    if (count > 0) {
      out += `${count}${name}`;
      ms -= count * size;
    }
  }
  return out;
}

const BYTES_SIZE_TABLE: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  kb: 1000,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
  pib: 1024 ** 5,
  pb: 1000 ** 5,
  eib: 1024 ** 6,
  eb: 1000 ** 6,
  "": 1,
  ki: 1024,
  k: 1000,
  mi: 1024 ** 2,
  m: 1000 ** 2,
  gi: 1024 ** 3,
  g: 1000 ** 3,
  ti: 1024 ** 4,
  t: 1000 ** 4,
  pi: 1024 ** 5,
  p: 1000 ** 5,
  ei: 1024 ** 6,
  e: 1000 ** 6,
};

/** go-humanize's `ParseBytes` (v1.0.0): `42`, `42MB`, `42 mib`, `1,000 kB`. Returns bytes or Go's error text. */
export function parseHumanBytes(text: string): number | { error: string } {
  let lastDigit = 0;
  let hasComma = false;
  for (const ch of text) {
    if (!((ch >= "0" && ch <= "9") || ch === "." || ch === ",")) break;
    if (ch === ",") hasComma = true;
    lastDigit += ch.length;
  }
  let num = text.slice(0, lastDigit);
  if (hasComma) num = num.replaceAll(",", "");
  const f = parseGoFloat(num);
  if (typeof f !== "number") return f;
  const extra = goTrimSpace(text.slice(lastDigit)).toLowerCase();
  const factor = BYTES_SIZE_TABLE[extra];
  if (factor === undefined) return { error: `unhandled size name: ${extra}` };
  const value = f * factor;
  if (value >= 18446744073709551615) return { error: `too large: ${text}` };
  return Math.trunc(value) < 0 ? 0 : Math.trunc(value);
}

const GO_FLOAT_DEC = /^[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9]*(?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const GO_FLOAT_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;
const GO_FLOAT_HEX = /^[+-]?0[xX](?:[0-9a-fA-F_]*\.?[0-9a-fA-F_]*)(?:[pP][+-]?[0-9_]+)?$/;

/** Go's `strconv.ParseFloat(s, 64)`. Returns the number or Go's error text. */
export function parseGoFloat(text: string): number | { error: string } {
  // Fast path: plain decimal digits with an optional fraction.
  const n = text.length;
  if (n > 0 && n < 16) {
    let simple = true;
    let dot = false;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) continue;
      if (c === 46 && !dot && i > 0 && i < n - 1) {
        dot = true;
        continue;
      }
      simple = false;
      break;
    }
    if (simple) return Number(text);
  }
  const invalid = { error: `strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax` };
  if (text === "") return invalid;
  if (GO_FLOAT_SPECIAL.test(text)) {
    const lower = text.toLowerCase();
    if (lower.endsWith("nan")) return lower.startsWith("+") || lower.startsWith("-") ? invalid : NaN;
    return lower.startsWith("-") ? -Infinity : Infinity;
  }
  if (GO_FLOAT_HEX.test(text)) {
    const value = parseHexFloat(text.replaceAll("_", ""));
    if (value === undefined) return invalid;
    return value;
  }
  if (!GO_FLOAT_DEC.test(text)) return invalid;
  // Underscores are only allowed with a base prefix in ParseFloat.
  if (text.includes("_")) return invalid;
  const body = text.replace(/^[+-]/, "");
  if (!/[0-9]/.test(body.split(/[eE]/)[0] ?? "")) return invalid;
  const value = Number(text);
  if (Number.isNaN(value)) return invalid;
  if (!Number.isFinite(value)) return { error: `strconv.ParseFloat: parsing ${goQuote(text)}: value out of range` };
  return value;
}

function parseHexFloat(text: string): number | undefined {
  const match = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, intPart = "", fracPart = "", exp] = match;
  if (intPart === "" && fracPart === "") return undefined;
  if (fracPart !== "" && exp === undefined) return undefined;
  let mantissa = 0;
  for (const c of intPart) mantissa = mantissa * 16 + parseInt(c, 16);
  let scale = 1;
  for (const c of fracPart) {
    scale /= 16;
    mantissa += parseInt(c, 16) * scale;
  }
  const value = mantissa * 2 ** Number(exp ?? "0");
  return sign === "-" ? -value : value;
}

/** Go's `strings.TrimSpace` (Unicode white space). */
export function goTrimSpace(text: string): string {
  return text.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, "");
}

/** Go's `strconv.Quote`: double-quoted with Go escapes; printable Unicode kept as is. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, "0")}`;
    } else if (code === 0xfffd && ch !== "\ufffd") {
      out += "\\ufffd";
    } else if (!isGoPrintable(code)) {
      out += code > 0xffff ? `\\U${code.toString(16).padStart(8, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function isGoPrintable(code: number): boolean {
  if (code === 0x20) return true;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return !NON_PRINTABLE.test(String.fromCodePoint(code));
}

/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest decimal that reads back as `v`, never
 * in exponent form. NaN and infinities as Go prints them.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Object.is(value, -0)) return "-0";
  const text = String(value);
  if (!text.includes("e")) return text;
  return expandExponent(text);
}

function expandExponent(text: string): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = "", lead = "", frac = "", expText = "0"] = match;
  const digits = lead + frac;
  const exp = Number(expText);
  const pointAt = 1 + exp; // position of the decimal point within `digits`
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
