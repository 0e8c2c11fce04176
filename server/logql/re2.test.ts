import { describe, expect, it } from "vitest";
import { compileAnchoredRe2, compileLineRegex, compileRe2, compileRe2WithNames, containsLower, goReplaceAll, matcherMatchesEmpty, re2Error } from "./re2";

describe("RE2 → JavaScript", () => {
  it.each([
    // pattern, input, matches
    ["(?i)reject", "REJECT", true],
    ["a(?i)b", "aB", true],
    ["a(?i)b", "AB", false],
    ["(?i:a)b", "Ab", true],
    ["(?i:a)b", "AB", false],
    ["a.c", "a\nc", false],
    ["(?s)a.c", "a\nc", true],
    ["^b$", "a\nb", false],
    ["(?m)^b$", "a\nb", true],
    ["(?m)^a$", "a\r\nb", false],
    ["a\\z", "a\n", false],
    ["\\Aab", "ab", true],
    ["\\Qa.b\\E", "a.b", true],
    ["\\Qa.b\\E", "axb", false],
    ["[[:alpha:]]+[[:digit:]]", "abc1", true],
    ["[[:^space:]]", " ", false],
    ["\\d+", "٣", false],
    ["\\s", "\u00a0", false],
    ["\\s", "\v", false],
    ["\\w", "é", false],
    ["\\pL", "é", true],
    ["\\p{Greek}", "α", true],
    ["\\PL", "é", false],
    ["\\x{1F600}", "😀", true],
    ["\\101", "A", true],
    ["a{2,3}", "aa", true],
    ["a{,3}", "a{,3}", true],
    ["x{", "x{", true],
    ["[]a]", "]", true],
    ["[^]a]", "b", true],
    ["(?U)a+", "aaa", true],
    ["\\bfoo\\b", "a foo b", true],
    [".", "😀", true],
  ])("%s on %j → %s", (pattern, input, matches) => {
    expect(compileRe2(pattern).test(input)).toBe(matches);
  });

  it("keeps Go's group numbering and names (even names JavaScript does not allow)", () => {
    const { re, names } = compileRe2WithNames("(?P<a>\\d+)-(x)(?P<1b>y)");
    expect(names).toEqual(["", "a", "", "1b"]);
    expect(re.exec("12-xy")?.slice(1)).toEqual(["12", "x", "y"]);
  });

  it("makes (?U) swap greediness", () => {
    expect(compileRe2("(?U)a+").exec("aaa")?.[0]).toBe("a");
    expect(compileRe2("(?U)a+?").exec("aaa")?.[0]).toBe("aaa");
  });

  it.each([
    ["(", "error parsing regexp: missing closing ): `(`"],
    [")", "error parsing regexp: unexpected ): `)`"],
    ["[a", "error parsing regexp: missing closing ]: `[a`"],
    ["z-a]", null],
    ["[z-a]", "error parsing regexp: invalid character class range: `z-a`"],
    ["a**", "error parsing regexp: invalid nested repetition operator: `**`"],
    ["*a", "error parsing regexp: missing argument to repetition operator: `*`"],
    ["\\1", "error parsing regexp: invalid escape sequence: `\\1`"],
    ["\\C", "error parsing regexp: invalid escape sequence: `\\C`"],
    ["x{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
    ["(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
    ["(?<n>a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"],
    ["(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"],
    ["[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"],
    ["a\\", "error parsing regexp: trailing backslash at end of expression: ``"],
  ])("%s fails as Go does", (pattern, message) => {
    expect(re2Error(pattern)).toBe(message);
  });

  it("anchors label matchers fully, as Prometheus does", () => {
    expect(compileAnchoredRe2("22|23").test("22")).toBe(true);
    expect(compileAnchoredRe2("22|23").test("223")).toBe(false);
    expect(compileAnchoredRe2("(?i)prod").test("PROD")).toBe(true);
    expect(compileAnchoredRe2(".*").test("a\nb")).toBe(false);
  });

  it.each([
    [{ name: "a", op: "=~", value: ".*" }, true],
    [{ name: "a", op: "=~", value: ".+" }, false],
    [{ name: "a", op: "=", value: "" }, true],
    [{ name: "a", op: "!=", value: "x" }, true],
    [{ name: "a", op: "!~", value: "" }, false],
    [{ name: "a", op: "=", value: "x" }, false],
  ] as const)("%o matches the empty string: %s", (matcher, empty) => {
    expect(matcherMatchesEmpty(matcher)).toBe(empty);
  });
});

describe("line filter regexes", () => {
  it.each([
    ["REJECT|NODATA", "x NODATA", true],
    ["REJECT|NODATA", "x ACCEPT", false],
    [".*foo.*", "a foo b", true],
    ["f(o)o", "foo", true],
    ["^2 1", "2 111", true],
    ["^2 1", "x 2 1", false],
    ["", "anything", true],
    ["(?i)reject", "x Reject", true],
  ])("%s on %j → %s", (pattern, line, matches) => {
    expect(compileLineRegex(pattern)(line)).toBe(matches);
  });

  it("uses Loki 2.7's case-insensitive search, which does not backtrack", () => {
    // Loki's containsLower restarts after a mismatch without backtracking: "rreject" misses "reject".
    expect(compileLineRegex("(?i)reject")("rreject")).toBe(false);
    expect(containsLower("aaab", "aab")).toBe(false);
    expect(containsLower("xAAB", "aab")).toBe(true);
    // Bytes whose value + 32 equals the needle byte match too.
    expect(containsLower("a b", "a@b")).toBe(true);
    expect(containsLower("ÉCOLE", "école")).toBe(true);
  });
});

describe("Go's replacement expansion", () => {
  it.each([
    ["(\\d+)\\.(\\d+)", "10.20", "${2}-$1", "20-10"],
    ["(\\d+)\\.(\\d+)", "10.20", "$1x", ""],
    ["(?P<a>\\d+)", "7", "<$a>", "<7>"],
    ["(\\d)", "1", "$$1", "$1"],
    ["b", "abcb", "X", "aXcX"],
  ])("%s on %j with %j → %j", (pattern, text, template, out) => {
    expect(goReplaceAll(compileRe2WithNames(pattern), text, template)).toBe(out);
  });
  it("can replace literally", () => {
    expect(goReplaceAll(compileRe2WithNames("(a)"), "aa", "$1", true)).toBe("$1$1");
  });
});
