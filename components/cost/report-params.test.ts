import { describe, expect, it } from "vitest";
import { costParamsToSearch, parseCostParams, reportInputOf, resolvePeriod } from "./report-params";

const NOW = Date.UTC(2026, 10, 24, 18, 30);
const params = (search: string) => parseCostParams((name) => new URLSearchParams(search).get(name));

describe("the cost review's URL state", () => {
  it.each([
    ["", { kind: "month", from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1), label: "November 2026" }],
    ["month=2026-10", { kind: "month", from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1), label: "October 2026" }],
    ["month=2026-12", { kind: "month", from: Date.UTC(2026, 11, 1), to: Date.UTC(2027, 0, 1), label: "December 2026" }],
    ["from=2026-10-03&to=2026-10-17", { kind: "range", from: Date.UTC(2026, 9, 3), to: Date.UTC(2026, 9, 18), label: "2026-10-03 – 2026-10-17" }],
    ["from=2026-10-03&to=2026-10-03", { kind: "range", from: Date.UTC(2026, 9, 3), to: Date.UTC(2026, 9, 4), label: "2026-10-03" }],
  ])("%s", (search, expected) => {
    expect(resolvePeriod(params(search), NOW)).toEqual(expected);
  });

  it.each([
    ["month=2026-13", /not a month/],
    ["month=oct", /not a month/],
    ["from=2026-10-03", /first and a last day/],
    ["from=2026-10-09&to=2026-10-03", /before its first day/],
    ["from=2020-01-01&to=2026-01-01", /at most 400 days/],
  ])("falls back to the current month on %s, saying why", (search, problem) => {
    const period = resolvePeriod(params(search), NOW);
    expect(period.problem).toMatch(problem);
    expect(period.from).toBe(Date.UTC(2026, 10, 1));
  });

  it("turns filters into the report's input, and back into the same query string", () => {
    const p = params("month=2026-10&team=payments&account=123456789012&path=nat_processing&other=x");
    expect(reportInputOf(p, NOW)).toEqual({ from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1), filters: { team: "payments", accountId: "123456789012", path: "nat_processing" } });
    expect(costParamsToSearch(p)).toBe("month=2026-10&team=payments&account=123456789012&path=nat_processing");
  });
});
