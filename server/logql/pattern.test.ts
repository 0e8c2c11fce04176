import { describe, expect, it } from "vitest";
import { compilePattern, PatternSyntaxError } from "./pattern";

function match(pattern: string, line: string): string[] {
  const p = compilePattern(pattern);
  const out: string[] = [];
  const n = p.match(line, out);
  return out.slice(0, n);
}

describe("pattern parser", () => {
  it.each([
    ["<ip> - <_> [<ts>] <msg>", '1.2.3.4 - u [10/Oct] "GET /"', ["1.2.3.4", "10/Oct", '"GET /"']],
    ["<a> <b>", "x", ["x"]],
    ["<a>|<b>|<c>", "1|2", ["1", "2"]],
    ["GET <path> ", "GET /x y", ["/x"]],
    ["GET <path>", "POST /x", []],
    ["<a>", "", []],
    ["<a> <b", "1 2 3", ["1 2 3"]],
    ["<_a>-<b1>", "x-y", ["x", "y"]],
  ])("%s on %j", (pattern, line, captures) => {
    expect(match(pattern, line)).toEqual(captures);
  });

  it("stops after the captures a query needs", () => {
    const p = compilePattern("<a> <b> <c>");
    const out: string[] = [];
    expect(p.match("1 2 3", out, 1)).toBe(1);
    expect(out[0]).toBe("1");
  });

  it.each([
    ["<_> <_", "at least one capture is required"],
    ["plain text", "at least one capture is required"],
    ["<a><b>", "found consecutive capture '<a><b>': invalid expression"],
    ["<a> <a>", "duplicate capture name (a): invalid expression"],
  ])("rejects %s", (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(new PatternSyntaxError(message));
  });
});
