import { parser as lezerParser } from "@grafana/lezer-logql";
import { describe, expect, it } from "vitest";
import type { LabelFilterExpr, LogSelectorExpr, RangeAggregationExpr } from "./ast";
import { LogQLParseError, parseLogQL, parseStreamSelector } from "./parser";

function parseError(query: string): string {
  try {
    parseLogQL(query);
  } catch (error) {
    if (error instanceof LogQLParseError) return error.message;
    throw error;
  }
  throw new Error(`expected ${query} to fail`);
}

const PATTERN = "`<_> <account> <eni> <src> <dst> <srcport> <dstport> <proto> <packets> <bytes> <start> <end> <action> <status>`";

describe("parseLogQL: syntax errors with Loki's texts and columns", () => {
  it.each([
    ['{__aws_log_type="s3_vpc_flow"} |= ', "parse error at line 1, col 35: syntax error: unexpected $end, expecting STRING or ip"],
    ['{__aws_log_type="s3_vpc_flow"', "parse error at line 1, col 30: syntax error: unexpected $end, expecting } or ,"],
    ['sum({__aws_log_type="s3_vpc_flow"})', "parse error at line 1, col 35: syntax error: unexpected )"],
    ['count_over_time({__aws_log_type="s3_vpc_flow"})', "parse error at line 1, col 47: syntax error: unexpected )"],
    ["{}", "parse error at line 1, col 2: syntax error: unexpected }, expecting IDENTIFIER"],
    ['topk({__aws_log_type="s3_vpc_flow"})', "parse error at line 1, col 36: syntax error: unexpected )"],
    ['sum by (x) (count_over_time({__aws_log_type="s3_vpc_flow"} [5m]) offset)', "parse error at line 1, col 66: syntax error: unexpected offset"],
    ["{a", "parse error at line 1, col 3: syntax error: unexpected $end, expecting = or =~ or !~ or !="],
    ["{a=", "parse error at line 1, col 4: syntax error: unexpected $end, expecting STRING"],
    ["count_over_time()", "parse error at line 1, col 17: syntax error: unexpected ), expecting NUMBER or { or ("],
    ['count_over_time({a="b"} | unwrap x)', "parse error at line 1, col 35: syntax error: unexpected ), expecting RANGE or |"],
    ['count_over_time({a="b"}[5m] foo)', "parse error at line 1, col 29: syntax error: unexpected IDENTIFIER, expecting )"],
    ['{a="b"} | unwrap x', "parse error at line 1, col 11: syntax error: unexpected unwrap"],
    ['{a="b"} | x > "5"', "parse error at line 1, col 15: syntax error: unexpected STRING, expecting BYTES or NUMBER or DURATION"],
    ["sum by (a", "parse error at line 1, col 10: syntax error: unexpected $end, expecting , or )"],
    ['rate({a="b"}[5x])', 'parse error at line 1, col 13: not a valid duration string: "5x"'],
    ['{a="b"} |= "x', "parse error at line 1, col 12: literal not terminated"],
    ['{a="b"}\n  |= ', "parse error at line 2, col 6: syntax error: unexpected $end, expecting STRING or ip"],
  ])("%s", (query, message) => {
    expect(parseError(query)).toBe(message);
  });
});

describe("parseLogQL: semantic errors", () => {
  it.each([
    [`sum by (src) (count_over_time({a="b"} | pattern ${PATTERN} | unwrap src [5m]))`, "parse error : invalid aggregation count_over_time with unwrap"],
    ['{foo=~".*"}', 'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will'],
    ['{a="b"} | pattern `<_> <_`', "parse error : invalid pattern parser: at least one capture is required"],
    ['{a="b"} | pattern `<a><b>`', "parse error : invalid pattern parser: found consecutive capture '<a><b>': invalid expression"],
    ['{a="b"} | regexp "(a"', "parse error : invalid regexp parser: error parsing regexp: missing closing ): `(a`"],
    ['{a="b"} | regexp "(a)"', "parse error : invalid regexp parser: at least one named capture must be supplied"],
    ['{a=~"("}', "parse error : error parsing regexp: missing closing ): `^(?:()$`"],
    ['sum_over_time({a="b"}[5m])', "parse error : invalid aggregation sum_over_time without unwrap"],
    ['rate({a="b"}[5m]) by (x)', "parse error : grouping not allowed for rate aggregation"],
    ['quantile_over_time({a="b"} | unwrap x [5m])', "parse error : parameter required for operation quantile_over_time"],
    ['topk(0, rate({a="b"}[5m]))', "parse error : invalid parameter (must be greater than 0) topk(0"],
    ['topk(rate({a="b"}[5m]))', "parse error : parameter required for operation topk"],
    ['sum(2, rate({a="b"}[5m]))', "parse error : unsupported parameter for operation sum(2,"],
    ['{a="b"} or {c="d"}', "parse error : unexpected type for left leg of binary operation (or): *syntax.MatchersExpr"],
    ['rate({a="b"}[5m]) or 1', "parse error : unexpected literal for right leg of logical/set binary operation (or): 1.000000"],
    ['sum(rate({a=""}[5m]))', 'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will'],
  ])("%s", (query, message) => {
    expect(parseError(query)).toBe(message);
  });
});

describe("parseLogQL: syntax tree", () => {
  it("reads a log query with every kind of stage", () => {
    const expr = parseLogQL(
      '{app="x", env!~"dev|test"} |= "a" or "b" != ip("10.0.0.0/8") |~ "(?i)err" | json | logfmt --strict k="key" | regexp "(?P<n>\\\\d+)" | pattern "<x> <_>" | unpack | line_format "{{.x}}" | label_format y=x, z="{{.a}}" | drop a, b="1" | keep c',
    ) as LogSelectorExpr;
    expect(expr.kind).toBe("logSelector");
    expect(expr.matchers).toEqual([
      { name: "app", op: "=", value: "x" },
      { name: "env", op: "!~", value: "dev|test" },
    ]);
    expect(expr.stages.map((s) => s.kind)).toEqual(["lineFilter", "lineFilter", "lineFilter", "json", "logfmt", "regexp", "pattern", "unpack", "lineFormat", "labelFormat", "drop", "keep"]);
    expect(expr.stages[0]).toMatchObject({ op: "|=", alternatives: [{ fn: "", value: "a" }, { fn: "", value: "b" }] });
    expect(expr.stages[1]).toMatchObject({ op: "!=", alternatives: [{ fn: "ip", value: "10.0.0.0/8" }] });
    expect(expr.stages[4]).toMatchObject({ strict: true, keepEmpty: false, extractions: [{ name: "k", expression: "key" }] });
    expect(expr.stages[9]).toMatchObject({ formats: [{ name: "y", rename: true, value: "x" }, { name: "z", rename: false, value: "{{.a}}" }] });
    expect(expr.stages[10]).toMatchObject({ labels: [{ name: "a", matcher: null }, { name: "b", matcher: { name: "b", op: "=", value: "1" } }] });
    expect(expr.start).toBe(0);
  });

  it("gives label filters goyacc's precedences", () => {
    const filterOf = (q: string) => ((parseLogQL(`{a="b"} | ${q}`) as LogSelectorExpr).stages[0] as { filter: LabelFilterExpr }).filter;
    const shape = (f: LabelFilterExpr): string =>
      f.kind === "and" || f.kind === "or" ? `(${shape(f.left)} ${f.kind} ${shape(f.right)})` : f.kind === "string" ? f.matcher.name : "name" in f ? f.name : "";
    expect(shape(filterOf("a=1 or b=2 and c=3"))).toBe("(a or (b and c))");
    expect(shape(filterOf("a=1 and b=2 or c=3"))).toBe("((a and b) or c)");
    expect(shape(filterOf("a=1, b=2 or c=3"))).toBe("(a and (b or c))");
    expect(shape(filterOf("a=1 or b=2, c=3"))).toBe("(a or (b and c))");
    expect(shape(filterOf("a=1 b=2 or c=3"))).toBe("(a and (b or c))");
    expect(shape(filterOf("(a=1 or b=2) c=3"))).toBe("((a or b) and c)");
    expect(filterOf("d > 5m")).toEqual({ kind: "duration", name: "d", op: ">", value: 300e9 });
    expect(filterOf("b >= 1MB")).toEqual({ kind: "bytes", name: "b", op: ">=", value: 1e6 });
    expect(filterOf("n == 2.5")).toEqual({ kind: "number", name: "n", op: "==", value: 2.5 });
    expect(filterOf("n = 2")).toEqual({ kind: "number", name: "n", op: "==", value: 2 });
    expect(filterOf('ip != ip("10.0.0.1-10.0.0.9")')).toEqual({ kind: "ip", name: "ip", op: "!=", pattern: "10.0.0.1-10.0.0.9" });
  });

  it.each([
    ['sum_over_time({a="b"} | json | unwrap x [5m] offset 1h)', 300e9, 3600e9, "x", ""],
    ['sum_over_time({a="b"}[5m] offset 1h | json | unwrap bytes(x) | __error__="")', 300e9, 3600e9, "x", "bytes"],
    ['sum_over_time(({a="b"} |= "x" | unwrap duration(x)) [1h])', 3600e9, 0, "x", "duration"],
    ['avg_over_time(({a="b"})[5m] | unwrap x)', 300e9, 0, "x", ""],
    ['rate((({a="b"} | json [1m30s])))', 90e9, 0, null, null],
  ])("reads range %s", (query, rangeNs, offsetNs, label, conversion) => {
    const expr = parseLogQL(query) as RangeAggregationExpr;
    expect(expr.range.rangeNs).toBe(rangeNs);
    expect(expr.range.offsetNs).toBe(offsetNs);
    expect(expr.range.unwrap?.label ?? null).toBe(label);
    expect(expr.range.unwrap?.conversion ?? null).toBe(conversion);
  });

  it("reads binary operations with precedence, bool and vector matching", () => {
    const expr = parseLogQL('sum by (a) (rate({x="y"}[5m])) * on (a) group_left (b) sum by (a, b) (rate({x="z"}[5m])) > bool 2 ^ 2 ^ 3');
    expect(expr).toMatchObject({
      kind: "binOp",
      op: ">",
      returnBool: true,
      left: { kind: "binOp", op: "*", matching: { card: "many-to-one", on: true, labels: ["a"], include: ["b"] } },
      right: { kind: "literal", value: 256 },
    });
  });

  it("folds literal arithmetic as Loki does", () => {
    expect(parseLogQL("1 + 2 * 3")).toMatchObject({ kind: "literal", value: 7 });
    expect(parseLogQL("1 / 0")).toMatchObject({ kind: "literal", value: NaN });
    expect(parseLogQL("-1 > 2")).toMatchObject({ kind: "literal", value: 0 });
  });

  it("accepts what Grafana's grammar accepts (lezer-logql as a second opinion)", () => {
    const queries = [
      '{a="b"}',
      '{a="b"} |= "x" |~ "y" != "z" !~ "w"',
      '{a="b"} | json | line_format "{{.a}}" | label_format b=a',
      'sum by (a) (count_over_time({a="b"} | logfmt | x > 10 [5m]))',
      'topk(3, sum by (dst) (sum_over_time({a="b"} | pattern "<a> <dst> <b>" | unwrap b [15m])))',
      'max_over_time({a="b"} | regexp "(?P<x>\\\\d+)" | unwrap x [1h]) by (a)',
      'sum(rate({a="b"}[5m])) / ignoring(x) sum(rate({a="c"}[5m]))',
      'label_replace(rate({a="b"}[5m]), "dst", "$1", "src", "(.*)")',
      'vector(1) + 2',
      'sort(sum by (a) (rate({a="b"}[5m])))',
      'absent_over_time({a="b"}[5m])',
      '{a="b"} | drop x, y="1"',
    ];
    for (const query of queries) {
      expect(() => parseLogQL(query), query).not.toThrow();
      let lezerError = false;
      lezerParser.parse(query).iterate({
        enter: (node) => {
          if (node.type.isError) lezerError = true;
        },
      });
      expect(lezerError, query).toBe(false);
    }
  });
});

describe("parseStreamSelector", () => {
  it("returns the matchers of a selector", () => {
    expect(parseStreamSelector('{__aws_s3_vpc_flow_owner=~"1.*|2.*"}')).toEqual([{ name: "__aws_s3_vpc_flow_owner", op: "=~", value: "1.*|2.*" }]);
  });
  it("rejects anything else", () => {
    expect(() => parseStreamSelector('{a="b"} |= "x"')).toThrow("only label matchers is supported");
    expect(() => parseStreamSelector("{}")).toThrow(LogQLParseError);
  });
});

describe("lexing as Loki does", () => {
  it.each([
    // Function names are keywords only before `(` (or by/without then `(`).
    ['sum by (count, rate, bytes) (count_over_time({sum="1"} | logfmt | bytes > 1KB [1m]))', true],
    ['{a="b"} | json | ip = ip("1.2.3.4")', true],
    ['{a="b"} // a comment\n |= "x"', true],
    ['{a="b"} # a comment\n |= "x"', true],
    ['{a="b"} /* block */ |= "x"', true],
    ["{a=`raw \\d`} |~ `\\d+`", true],
    ['{a="b"} | x > 1.5h', true],
    ['{a="b"} | x > 10KiB', true],
    ['{by="x"}', false],
    ["{a='b'}", false],
  ])("%s", (query, ok) => {
    if (ok) expect(() => parseLogQL(query)).not.toThrow();
    else expect(() => parseLogQL(query)).toThrow(LogQLParseError);
  });

  it("reads escapes in strings and keeps raw strings raw", () => {
    const expr = parseLogQL('{a="tab\\there \\u00e9 \\x41"} |= `\\n`') as LogSelectorExpr;
    expect(expr.matchers[0]?.value).toBe("tab\there é A");
    expect(expr.stages[0]).toMatchObject({ alternatives: [{ value: "\\n" }] });
  });

  it("rejects queries longer than Loki's 5120 bytes", () => {
    expect(() => parseLogQL(`{a="${"x".repeat(5200)}"}`)).toThrow("parse error : input size too long (5206 > 5120)");
  });
});
