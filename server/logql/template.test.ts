import { describe, expect, it } from "vitest";
import { executeTemplate, goFloatV, parseTemplate, TemplateError } from "./template";

const DATA = { action: "REJECT", dst: "10.0.0.1", n: "12", foo: "  blip ", bar: "blop", empty: "" };
const CTX = { line: "the line", timestampNs: 1795532400123456789n };

function render(template: string, data: Record<string, string> = DATA): string {
  return executeTemplate(parseTemplate("line", template), data, CTX);
}

function failure(template: string): string {
  try {
    render(template);
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
  throw new Error("expected an error");
}

describe("Go templates in line_format and label_format", () => {
  it.each([
    ["{{.action}} {{ .dst }}", "REJECT 10.0.0.1"],
    ["{{.missing}}|", "|"],
    ['{{ if eq .action "REJECT" }}blocked{{ else }}allowed{{ end }}', "blocked"],
    ['{{ if eq .action "X" "REJECT" }}one of{{ end }}', "one of"],
    ['{{ if ne .action "REJECT" }}a{{ else if eq .n "12" }}b{{ else }}c{{ end }}', "b"],
    ["{{ if .empty }}yes{{ else }}no{{ end }}", "no"],
    ["{{ if and .n .empty }}yes{{ else }}no{{ end }}", "no"],
    ["{{ or .empty .bar }}", "blop"],
    ["{{ not .empty }}", "true"],
    ["{{ with .bar }}[{{ . }}]{{ end }}", "[blop]"],
    ["{{ $x := .n }}{{ $x }}-{{ $ }}", "12-map[action:REJECT bar:blop dst:10.0.0.1 empty: foo:  blip  n:12]"],
    ["{{- .action -}} {{/* comment */}} x", "REJECT x"],
    ["{{ .action | lower }} {{ .action | ToLower }} {{ upper .bar }} {{ ToUpper .bar }}", "reject reject BLOP BLOP"],
    ['{{ .foo | trim }}|{{ .bar | trimAll "op" }}|{{ .bar | trimPrefix "b" }}|{{ .bar | trimSuffix "p" }}|{{ TrimSpace .foo }}', "blip|bl|lop|blo|blip"],
    ['{{ Trim .bar "bp" }}|{{ TrimLeft .bar "b" }}|{{ TrimRight .bar "p" }}|{{ TrimPrefix .bar "bl" }}|{{ TrimSuffix .bar "op" }}', "lo|lop|blo|op|bl"],
    ['{{ .bar | replace "o" "0" }} {{ Replace .bar "o" "0" -1 }} {{ Replace "aaa" "a" "b" 2 }}', "bl0p bl0p bba"],
    ['{{ regexReplaceAll "(\\\\d+)\\\\.(\\\\d+)" .dst "${2}.${1}" }}', "0.10.1.0"],
    ['{{ regexReplaceAllLiteral "\\\\d" .n "$1" }}', "$1$1"],
    ['{{ .bar | substr 1 3 }} {{ .bar | trunc 2 }} {{ .bar | trunc -1 }} {{ "hello world" | title }}', "lo bl p Hello World"],
    ['{{ contains "lo" .bar }} {{ hasPrefix "bl" .bar }} {{ hasSuffix "x" .bar }}', "true true false"],
    ['{{ "a\\nb" | indent 2 }}|{{ "a" | nindent 1 }}|{{ "ab" | repeat 3 }}', "  a\n  b|\n a|ababab"],
    ["{{ add .n 3 1 }} {{ sub .n 2 }} {{ mul 3 .n }} {{ div 7 2 }} {{ mod 7 2 }} {{ max 1 .n 5 }} {{ min 4 .n }}", "16 10 36 3 1 12 4"],
    ["{{ addf 0.1 0.2 }} {{ subf 1.5 0.25 }} {{ mulf 2 1.5 }} {{ divf 1 4 }} {{ maxf 1.5 2 }} {{ minf 1.5 2 }}", "0.3 1.25 3 0.25 2 1.5"],
    ["{{ ceil 1.2 }} {{ floor 1.8 }} {{ round 1.2345 2 }} {{ int .n }} {{ float64 .n }} {{ int \"1.5\" }}", "2 1 1.23 12 12 0"],
    ['{{ default "none" .missing }} {{ .missing | default "d2" }} {{ .bar | default "x" }}', "none d2 blop"],
    ['{{ printf "%s=%d %5.2f|%-4s|%q|%x|%v" "n" 42 3.14159 "ab" "q" 255 true }}', 'n=42  3.14|ab  |"q"|ff|true'],
    ['{{ printf "%d" .n }}', "%!d(string=12)"],
    ['{{ printf "%s %s" "a" }}', "a %!s(MISSING)"],
    ["{{ len .bar }} {{ index .bar 1 }} {{ slice .bar 1 3 }}", "4 108 lo"],
    ['{{ print "a" 1 2 "b" }}', "a1 2b"],
    ["{{ 1000000.0 }} {{ 123456.0 }} {{ 0.00001 }} {{ 3 }}", "1e+06 123456 1e-05 3"],
    ["{{ __line__ }} {{ __timestamp__ }}", "the line 2026-11-24 15:00:00.123456789 +0000 UTC"],
    ['{{ date "2006-01-02T15:04:05.000Z07:00" __timestamp__ }} {{ unixEpoch __timestamp__ }}', "2026-11-24T15:00:00.123Z 1795532400"],
    ['{{ html "<a href=\'x\'>" }} {{ urlquery "a b&c" }} {{ js "it\'s" }}', "&lt;a href=&#39;x&#39;&gt; a+b%26c it\\'s"],
    ["{{ range $k, $v := . }}{{ if eq $k \"n\" }}{{ $k }}={{ $v }}{{ end }}{{ end }}", "n=12"],
  ])("%s", (template, out) => {
    expect(render(template)).toBe(out);
  });

  it.each([
    ["{{ foo }}", 'template: line:1: function "foo" not defined'],
    ["{{", "template: line:1: unclosed action"],
    ["{{ end }}", "template: line:1: unexpected {{end}}"],
    ["{{ if .a }}x", "template: line:1: unexpected EOF"],
    ["{{ $x }}", 'template: line:1: undefined variable "$x"'],
    ["a\n{{ .a | }}", "template: line:2: missing command"],
    ['{{ toDate "2006-01-02" .a }}', 'template: line:1: function "toDate" is not supported by the flowlens store'],
  ])("parse error %s", (template, message) => {
    expect(() => parseTemplate("line", template)).toThrow(message);
  });

  it.each([
    ["{{ .action.x }}", 'template: line:1:3: executing "line" at <.action.x>: can\'t evaluate field x in type string'],
    ["{{ lower 3 }}", 'template: line:1:3: executing "line" at <lower>: expected string; found 3'],
    ["{{ div 1 0 }}", 'template: line:1:3: executing "line" at <div>: error calling div: runtime error: integer divide by zero'],
    ['{{ eq .n 12 }}', 'template: line:1:3: executing "line" at <eq>: error calling eq: incompatible types for comparison'],
    ["{{ lower .a .b }}", 'template: line:1:3: executing "line" at <lower>: wrong number of args for lower: want 1 got 2'],
  ])("execution error %s", (template, message) => {
    expect(failure(template)).toBe(message);
  });

  it("lists the fields a template reads", () => {
    expect(parseTemplate("line", '{{ .a }} {{ if .b }}{{ .c | lower }}{{ end }} {{ printf "%s" .d.e }}').fields.sort()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it.each([
    [1e6, "1e+06"],
    [123456, "123456"],
    [1.5, "1.5"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [-2.5e21, "-2.5e+21"],
  ])("prints float %d as Go's %%v: %s", (value, text) => {
    expect(goFloatV(value)).toBe(text);
  });
});
