import { describe, expect, it } from "vitest";
import { compileAnchoredRe2 } from "../logql/re2";
import type { LabelMatcher } from "../logql/source";
import { canonicalLabels, compileMatchers, containmentOf, fingerprintOf, matchesAll } from "./labels";

describe("canonicalLabels and fingerprintOf", () => {
  it("sorts names, drops empty values, and gives equal label sets one fingerprint", () => {
    expect(Object.keys(canonicalLabels({ b: "2", a: "1", c: "" }))).toEqual(["a", "b"]);
    expect(fingerprintOf(canonicalLabels({ b: "2", a: "1" }))).toEqual(fingerprintOf(canonicalLabels({ a: "1", b: "2", c: "" })));
    expect(fingerprintOf({ a: "1" })).not.toEqual(fingerprintOf({ a: "2" }));
    expect(fingerprintOf({ a: "1" })).toHaveLength(16);
  });
});

describe("matchers", () => {
  const labels = { app: "web", env: "prod" };
  const m = (name: string, op: LabelMatcher["op"], value: string): LabelMatcher => ({ name, op, value });
  it.each<[LabelMatcher[], boolean]>([
    [[m("app", "=", "web")], true],
    [[m("app", "=", "we")], false],
    [[m("app", "=~", "we")], false],
    [[m("app", "=~", "we.*")], true],
    [[m("app", "=~", "(?i)WEB")], true],
    [[m("app", "!~", "w.*")], false],
    [[m("team", "=", "")], true],
    [[m("team", "!=", "x")], true],
    [[m("team", "=~", ".+")], false],
    [[m("app", "=", "web"), m("env", "!=", "prod")], false],
  ])("%j → %s", (matchers, expected) => {
    expect(matchesAll(labels, compileMatchers(matchers, compileAnchoredRe2))).toBe(expected);
  });

  it("narrows the label index by non-empty equality matchers only", () => {
    expect(containmentOf([m("app", "=", "web"), m("env", "=~", "p.*"), m("team", "=", "")])).toEqual({ app: "web" });
    expect(containmentOf([m("app", "=", "web"), m("app", "=", "api")])).toBeNull();
  });
});
