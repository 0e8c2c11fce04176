import { describe, expect, it } from "vitest";
import type { LogSelectorExpr } from "./ast";
import { LabelsBuilder, labelsResultFromRecord, labelsToRecord, makeParserHints, NO_GROUPING, NO_HINTS, type ParserHints } from "./labels";
import { LogQLParseError, parseLogQL } from "./parser";
import { compilePipeline, runPipeline } from "./pipeline";

const TS = 1795532400123456789n;

/** Runs `{app="x"} <stages>` on one line of a stream labelled `stream`. */
function run(stages: string, line: string, stream: Record<string, string> = { app: "x" }, hints: ParserHints = NO_HINTS) {
  const expr = parseLogQL(`{app="x"} ${stages}`) as LogSelectorExpr;
  const pipeline = compilePipeline(expr.stages);
  const lb = new LabelsBuilder(labelsResultFromRecord(stream), hints, NO_GROUPING, new Map());
  lb.reset();
  const out = runPipeline(pipeline.stages, line, lb, { timestampNs: () => TS });
  if (out === null) return null;
  return { line: out, labels: labelsToRecord(lb.result()) };
}

function keeps(stages: string, line: string): boolean {
  return run(stages, line) !== null;
}

function stageError(stages: string): string {
  try {
    run(stages, "x");
  } catch (error) {
    if (error instanceof LogQLParseError) return error.message;
    throw error;
  }
  throw new Error("expected a stage error");
}

const FLOW = "2 111111111111 eni-0a1 10.10.2.32 10.20.1.58 34144 443 6 17 19499 1795532398 1795532429 ACCEPT OK";

describe("line filters", () => {
  it.each([
    ['|= "ACCEPT"', true],
    ['|= "REJECT"', false],
    ['!= "REJECT"', true],
    ['|= ""', true],
    ['!= ""', false],
    ['|~ "REJECT|ACCEPT"', true],
    ['!~ "^2 1"', false],
    ['|~ "(?i)accept"', true],
    ['|= "REJECT" or "ACCEPT"', true],
    ['!= "REJECT" or "ACCEPT"', false],
    ['|= "ACCEPT" |= " 443 "', true],
    ['|= "ACCEPT" != " 443 "', false],
    ['|= ip("10.20.0.0/16")', true],
    ['|= ip("10.20.1.58")', true],
    ['|= ip("10.20.1.50-10.20.1.60")', true],
    ['|= ip("192.168.0.0/16")', false],
    ['!= ip("10.0.0.0/8")', false],
    ['|= ip("192.168.0.0/16") or ip("10.10.2.32")', true],
  ])("%s", (stages, kept) => {
    expect(keeps(stages, FLOW)).toBe(kept);
  });

  it("reports bad filters as Loki's stage errors", () => {
    expect(stageError('|= "a" |~ "("')).toBe("parse error : stage '|= \"a\" |~ \"(\"' : error parsing regexp: missing closing ): `(`");
    expect(stageError('|~ ip("10.0.0.1")')).toBe("parse error : stage '|~ ip(\"10.0.0.1\")' : ip: invalid operation");
    expect(stageError('|= ip("10.0.0")')).toBe("parse error : stage '|= ip(\"10.0.0\")' : ip: invalid pattern: \"10.0.0\"");
  });
});

describe("parsers", () => {
  it("pattern: captures, `_`, missing literals, line start", () => {
    expect(run('| pattern "<_> <account> <eni> <src> <_>"', FLOW)?.labels).toEqual({ app: "x", account: "111111111111", eni: "eni-0a1", src: "10.10.2.32" });
    expect(run('| pattern "<a> - <b>"', "x y z")?.labels).toEqual({ app: "x", a: "x y z" });
    expect(run('| pattern "GET <path> HTTP"', "POST /x HTTP")?.labels).toEqual({ app: "x" });
    expect(run('| pattern "<app> <b>"', "1 2")?.labels).toEqual({ app: "x", app_extracted: "1", b: "2" });
    expect(run('| pattern "<a>,<b>"', ",")?.labels).toEqual({ app: "x", a: "", b: "" });
  });

  it("pattern: extracts only what a metric query needs", () => {
    const hints = makeParserHints([], ["eni"], false, false, "");
    expect(run('| pattern "<_> <account> <eni> <src> <_>"', FLOW, { app: "x" }, hints)?.labels).toEqual({ app: "x", eni: "eni-0a1" });
  });

  it("regexp: named groups only, sanitised, unmatched groups empty", () => {
    expect(run('| regexp "^\\\\d+ (?P<acct>\\\\d+) (?P<eni>eni-\\\\w+)"', FLOW)?.labels).toEqual({ app: "x", acct: "111111111111", eni: "eni-0a1" });
    expect(run('| regexp "(?P<a>x)|(?P<b>y)"', "y")?.labels).toEqual({ app: "x", a: "", b: "y" });
    expect(run('| regexp "(?P<a>z)"', "y")?.labels).toEqual({ app: "x" });
  });

  it("logfmt: values, quoting, keys without values, sanitising, errors", () => {
    expect(run("| logfmt", 'level=info msg="hello world" duration=1.5s')?.labels).toEqual({ app: "x", level: "info", msg: "hello world", duration: "1.5s" });
    expect(run("| logfmt", 'a="x\\"y" b= 1c=2 d.e=3 app=9')?.labels).toEqual({ app: "x", a: 'x"y', b: "", _1c: "2", d_e: "3", app_extracted: "9" });
    expect(run("| logfmt", "2 OK")?.labels).toEqual({ app: "x", _2: "", OK: "" });
    expect(run("| logfmt", 'a=1 b="open')?.labels).toEqual({ app: "x", a: "1", __error__: "LogfmtParserErr", __error_details__: "logfmt syntax error at pos 12 : unterminated quoted value" });
    expect(run("| logfmt", 'a=1 =x')?.labels).toEqual({ app: "x", a: "1", __error__: "LogfmtParserErr", __error_details__: "logfmt syntax error at pos 5 : unexpected '='" });
  });

  it("logfmt and json read the same backslash escapes in quoted values", () => {
    expect(run("| logfmt", String.raw`a="t\tn\nq\"s\/b\\u\u00e9x\'" c=1`)?.labels).toEqual({ app: "x", a: "t\tn\nq\"s/b\\u\u00e9x'", c: "1" });
    expect(run("| json", String.raw`{"a":"t\tn\nq\"s\/b\\u\u00e9f\fr\rb\b"}`)?.labels).toEqual({ app: "x", a: "t\tn\nq\"s/b\\u\u00e9f\fr\rb\b" });
    expect(run("| json", String.raw`{"a":"x\q"}`)?.labels.__error__).toBe("JSONParserErr");
    expect(run("| json", String.raw`{"a":"x\u00g1"}`)?.labels.__error__).toBe("JSONParserErr");
  });

  it("logfmt with parameters (newer Loki)", () => {
    expect(run('| logfmt lvl="level", msg', 'level=info msg=hi other=1')?.labels).toEqual({ app: "x", lvl: "info", msg: "hi" });
    expect(run("| logfmt missing", "a=1")?.labels).toEqual({ app: "x", missing: "" });
  });

  it("json: flattening, sanitising, types, errors", () => {
    const line = '{"a":"1","b":{"c":2.50,"d e":true},"arr":[1,2],"n":null,"app":"y","1x":"z"}';
    expect(run("| json", line)?.labels).toEqual({ app: "x", a: "1", b_c: "2.50", b_d_e: "true", app_extracted: "y", _1x: "z" });
    expect(run("| json", FLOW)?.labels).toEqual({ app: "x", __error__: "JSONParserErr", __error_details__: "expecting json object(6), but it is not" });
    expect(run("| json", '{"a":1,}')?.labels.__error__).toBe("JSONParserErr");
    expect(run("| json", "  {}  ")?.labels).toEqual({ app: "x" });
  });

  it("json with parameters: paths, objects as text, missing as empty", () => {
    const line = '{"pod":{"uuid":"u1","deployment":{"ref":"r", "params": [1,2,3]}},"f s":"v","nf":null}';
    expect(run('| json uuid="pod.uuid", ref="pod[\\"deployment\\"].ref", p0="pod.deployment.params[0]", params="pod.deployment.params", fs="[\\"f s\\"]", nf="nf", no="pod.nope"', line)?.labels).toEqual({
      app: "x",
      uuid: "u1",
      ref: "r",
      p0: "1",
      params: "[1,2,3]",
      fs: "v",
      nf: "",
      no: "",
    });
    expect(run('| json a="x"', "not json")?.labels).toEqual({ app: "x", __error__: "JSONParserErr" });
  });

  it("unpack: packed entries only", () => {
    expect(run("| unpack", '{"_entry":"original line","job":"j","n":1}')).toEqual({ line: "original line", labels: { app: "x", job: "j" } });
    expect(run("| unpack", '{"job":"j"}')).toEqual({ line: '{"job":"j"}', labels: { app: "x" } });
  });
});

describe("label filters", () => {
  const base = '| pattern "<_> <account> <eni> <src> <dst> <srcport> <dstport> <proto> <packets> <bytes> <start> <end> <action> <status>" ';
  it.each([
    ['| action = "ACCEPT"', true],
    ['| action != "ACCEPT"', false],
    ['| action =~ "ACC.*"', true],
    ['| action !~ "ACC"', true],
    ['| missing = ""', true],
    ["| dstport = 443", true],
    ["| dstport == 443", true],
    ["| dstport != 443", false],
    ["| bytes > 19000 and packets < 20", true],
    ["| bytes > 20000 or packets < 20", true],
    ["| bytes > 20000, packets < 20", false],
    ["| bytes >= 19.4KB", true],
    ["| bytes >= 19.5KB", false],
    ["| bytes < 1MiB", true],
    ["| missing > 1", false],
    ['| src = ip("10.10.0.0/16")', true],
    ['| src != ip("10.10.0.0/16")', false],
    ['| dst = ip("10.20.1.0-10.20.1.100")', true],
    ['| action = "REJECT" or (dstport = 443 and proto = 6)', true],
  ])("%s", (filter, kept) => {
    expect(run(base + filter, FLOW) !== null).toBe(kept);
  });

  it("sets LabelFilterErr on values that do not convert, and keeps the line", () => {
    expect(run(base + "| action > 5", FLOW)?.labels.__error__).toBe("LabelFilterErr");
    expect(run(base + "| action > 5", FLOW)?.labels.__error_details__).toBe('strconv.ParseFloat: parsing "ACCEPT": invalid syntax');
    expect(run(base + "| action > 5s", FLOW)?.labels.__error_details__).toBe('time: invalid duration "ACCEPT"');
    // After an error only string matchers filter; __error__ can be matched.
    expect(run(base + "| action > 5 | bytes > 99999999", FLOW)).not.toBeNull();
    expect(run(base + '| action > 5 | __error__ = ""', FLOW)).toBeNull();
    expect(run(base + '| action > 5 | __error__ != "LabelFilterErr"', FLOW)).toBeNull();
  });

  it("compares durations", () => {
    expect(keeps('| logfmt | took > 1s', "took=1500ms")).toBe(true);
    expect(keeps('| logfmt | took <= 1s', "took=1500ms")).toBe(false);
  });

  it("rejects an invalid ip pattern when the stage is built", () => {
    expect(stageError('| src = ip("nope")')).toBe("parse error : stage '| src=ip(\"nope\")' : ip: invalid pattern: \"nope\"");
  });
});

describe("formatting stages", () => {
  const base = '| pattern "<_> <account> <eni> <src> <dst> <srcport> <dstport> <proto> <packets> <bytes> <start> <end> <action> <status>" ';
  it("line_format renders the labels", () => {
    expect(run(base + "| line_format `{{.src}}:{{.srcport}} -> {{.dst}}:{{.dstport}} {{.action}} {{.bytes}}B`", FLOW)?.line).toBe("10.10.2.32:34144 -> 10.20.1.58:443 ACCEPT 19499B");
    expect(run(base + "| line_format `{{ .action | lower }} {{ __line__ | trunc 1 }} {{ .nope }}`", FLOW)?.line).toBe("accept 2 ");
  });

  it("line_format errors keep the line and set TemplateFormatErr", () => {
    const out = run('| line_format "{{ .app.x }}"', "orig");
    expect(out?.line).toBe("orig");
    expect(out?.labels.__error__).toBe("TemplateFormatErr");
    expect(out?.labels.__error_details__).toBe('template: line:1:3: executing "line" at <.app.x>: can\'t evaluate field x in type string');
  });

  it("label_format renames and renders (templates see the labels before the stage)", () => {
    expect(run(base + '| label_format direction=`{{ if eq .action "REJECT" }}blocked{{ else }}allowed{{ end }}`, peer=dst', FLOW)?.labels).toMatchObject({ direction: "allowed", peer: "10.20.1.58" });
    expect(run(base + "| label_format peer=dst", FLOW)?.labels.dst).toBeUndefined();
    expect(run('| label_format a="1", b="{{.a}}"', "x")?.labels).toEqual({ app: "x", a: "1", b: "" });
  });

  it("rejects invalid formats", () => {
    expect(stageError('| label_format __error__="x"')).toBe("parse error : stage '| label_format __error__=\"x\"' : __error__ cannot be formatted");
    expect(stageError('| label_format a="x", a="y"')).toBe("parse error : stage '| label_format a=\"x\",a=\"y\"' : multiple label name 'a' not allowed in a single format operation");
    expect(stageError('| line_format "{{"')).toBe("parse error : stage '| line_format \"{{\"' : invalid line template: template: line:1: unclosed action");
  });

  it("drop and keep (newer Loki)", () => {
    expect(run(base + "| drop account, eni, src, dst, srcport, dstport, proto, packets, bytes, start, end, status", FLOW)?.labels).toEqual({ app: "x", action: "ACCEPT" });
    expect(run(base + '| drop action="REJECT", proto="6"', FLOW)?.labels.action).toBe("ACCEPT");
    expect(run(base + '| drop action="REJECT", proto="6"', FLOW)?.labels.proto).toBeUndefined();
    expect(run(base + '| keep app, action, dst="nope"', FLOW)?.labels).toEqual({ app: "x", action: "ACCEPT" });
    expect(run("| json | drop __error__, __error_details__", "not json")?.labels).toEqual({ app: "x" });
    expect(run("| json | keep app", "not json")?.labels).toMatchObject({ app: "x", __error__: "JSONParserErr" });
  });
});

describe("line filter hints for the source", () => {
  it.each([
    ['|= "a" != "b" |~ "c" |= "x" or "y" |= ip("1.2.3.4") |= ""', [{ op: "|=", value: "a" }, { op: "!=", value: "b" }]],
    ['| json |= "a" | line_format "{{.x}}" |= "b"', [{ op: "|=", value: "a" }]],
    ['| unpack |= "a"', []],
  ])("%s", (stages, hints) => {
    const expr = parseLogQL(`{app="x"} ${stages}`) as LogSelectorExpr;
    expect(compilePipeline(expr.stages).lineFilterHints).toEqual(hints);
  });
});

describe("what stages read (parser hints)", () => {
  it.each([
    ['| json | a > 1 | line_format "{{.b}}" | label_format c=d, e="{{.f}}"', ["a", "b", "d", "f"]],
    ['|= "x" | logfmt', []],
  ])("%s", (stages, names) => {
    const expr = parseLogQL(`{app="x"} ${stages}`) as LogSelectorExpr;
    expect([...compilePipeline(expr.stages).requiredLabels].sort()).toEqual(names);
  });
});
