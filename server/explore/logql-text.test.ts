import { describe, expect, it } from "vitest";
import { parseLogQL } from "../logql/parser";
import { compileAnchoredRe2 } from "../logql/re2";
import { escapeRegex, exactString, goQuote, goUnquote, regexAlternation, regexString } from "./logql-text";

describe("escaping for LogQL", () => {
  it.each([
    ["10.0.0.1", String.raw`10\.0\.0\.1`],
    ["a+b*c?", String.raw`a\+b\*c\?`],
    ["(x|y)", String.raw`\(x\|y\)`],
    ["[0-9]{2}", String.raw`\[0-9\]\{2\}`],
    ["^start$", String.raw`\^start\$`],
    [String.raw`back\slash`, String.raw`back\\slash`],
    ["plain-text_42", "plain-text_42"],
  ])("escapes %s as RE2 literal text", (value, escaped) => {
    expect(escapeRegex(value)).toBe(escaped);
    // the escaped text matches exactly the value, as Loki's anchored label regexes do
    const regex = compileAnchoredRe2(escaped);
    expect(regex.test(value)).toBe(true);
    expect(regex.test(`${value}x`)).toBe(false);
  });

  it.each([
    ["simple", '"simple"'],
    ['say "hi"', String.raw`"say \"hi\""`],
    [String.raw`C:\path`, String.raw`"C:\\path"`],
    ["line\nbreak\ttab", String.raw`"line\nbreak\ttab"`],
    ["bell\u0007", String.raw`"bell\x07"`],
    ["naïve ☃", '"naïve ☃"'],
  ])("quotes %j as a Go string", (value, quoted) => {
    expect(goQuote(value)).toBe(quoted);
    expect(goUnquote(quoted)).toBe(value);
  });

  it("writes regexes as raw strings unless they hold a backtick", () => {
    expect(regexString(String.raw`10\.0\.0\.1|10\.0\.0\.2`)).toBe("`10\\.0\\.0\\.1|10\\.0\\.0\\.2`");
    expect(regexString("a`b")).toBe('"a`b"');
    expect(regexString(String.raw`a\.b` + "`")).toBe('"a\\\\.b`"');
  });

  it("alternations match each value and nothing else, through Loki's parser", () => {
    const values = ["10.0.0.1", "a|b", "x.y", 'q"uote', "back`tick"];
    const query = `{app="x"} | v=~${regexString(regexAlternation(values))}`;
    const expr = parseLogQL(query);
    if (expr.kind !== "logSelector" || expr.stages[0]?.kind !== "labelFilter" || expr.stages[0].filter.kind !== "string") throw new Error("unexpected tree");
    const regex = compileAnchoredRe2(expr.stages[0].filter.matcher.value);
    for (const value of values) expect(regex.test(value)).toBe(true);
    for (const other of ["10.0.0.10", "10a0a0a1", "a", "b", "xzy"]) expect(regex.test(other)).toBe(false);
  });

  it("exact strings survive Loki's parser unchanged", () => {
    for (const value of ['a"b', String.raw`c:\d`, "tab\there", "`raw`"]) {
      const expr = parseLogQL(`{app=${exactString(value)}}`);
      expect(expr.kind === "logSelector" && expr.matchers[0]?.value).toBe(value);
    }
  });
});
