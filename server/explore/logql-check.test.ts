import { describe, expect, it } from "vitest";
import { checkLogQL, requireLogQL } from "./logql-check";

describe("LogQL checks", () => {
  it.each([
    ['{__aws_log_type="s3_vpc_flow"} |= "REJECT"', "log"],
    ['sum by (action) (count_over_time({__aws_log_type="s3_vpc_flow"}[5m]))', "metric"],
  ])("%s is a %s query", (query, kind) => {
    expect(checkLogQL(query)).toEqual({ ok: true, kind });
  });

  it("gives Loki's message and the offset of the error, for the editor", () => {
    const query = '{__aws_log_type="s3_vpc_flow"} | pattern `<a>` | a=';
    const check = checkLogQL(query);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toMatch(/^parse error at line 1, col \d+: syntax error/);
    // unexpected end of input: the last character is marked
    expect([check.from, check.to]).toEqual([query.length - 1, query.length]);

    const inside = '{__aws_log_type="s3_vpc_flow"} | pattern `<a>` | a=~"x" | ) | json';
    const second = checkLogQL(inside);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(inside.slice(second.from, second.to)).toBe(")");
  });

  it("finds the error on a later line", () => {
    const query = '{__aws_log_type="s3_vpc_flow"}\n  |= "x"\n  | unknown_stage';
    const check = checkLogQL(query);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.line).toBe(3);
      expect(check.from).toBeGreaterThan(query.indexOf("\n", query.indexOf("\n") + 1));
    }
  });

  it("refuses the wrong kind with advice", () => {
    expect(() => requireLogQL('{__aws_log_type="s3_vpc_flow"}', "metric")).toThrow(/This is a log query/);
    expect(() => requireLogQL("sum(", "log")).toThrow(/parse error/);
  });
});
