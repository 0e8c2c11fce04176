import { describe, expect, it } from "vitest";
import { OTHER_KEY, groupedTopList, nameSeries, onGrid, stepGrid, sumByLabels, topList, topWithOther, withOtherFromTotal } from "./series";
import { addressesHeldIn } from "./resolve";
import { buildSankey } from "./views";

const total = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("chart shaping", () => {
  it("puts a matrix on the step grid, absent points as zero", () => {
    const grid = stepGrid(60_000, 240_000, 60_000);
    expect(grid).toEqual([60_000, 120_000, 180_000, 240_000]);
    const values = onGrid([{ metric: { a: "x" }, values: [[60, "3"], [180, "5"]] }], grid);
    expect(values).toEqual([{ labels: { a: "x" }, values: [3, 0, 5, 0] }]);
  });

  it("places points Loki stamps 1 ms early (offset 1ns) on their step", () => {
    const grid = stepGrid(60_000, 240_000, 60_000);
    const values = onGrid([{ metric: {}, values: [[59.999, "3"], [179.999, "5"], [300, "7"]] }], grid);
    expect(values).toEqual([{ labels: {}, values: [3, 0, 5, 0] }]);
  });

  it("adds up answers of several queries by label set, ignoring the format-group label", () => {
    const summed = sumByLabels(
      [
        [{ labels: { a: "x", flowlens_format: "1" }, values: [1, 2] }],
        [
          { labels: { a: "x", flowlens_format: "2" }, values: [10, 20] },
          { labels: { a: "y" }, values: [5, 5] },
        ],
      ],
      ["flowlens_format"],
    );
    expect(summed).toEqual([
      { labels: { a: "x" }, values: [11, 22] },
      { labels: { a: "y" }, values: [5, 5] },
    ]);
  });

  it("names series and adds up those with the same name", () => {
    const named = nameSeries(
      [
        { labels: { eni: "eni-1" }, values: [1, 1] },
        { labels: { eni: "eni-2" }, values: [2, 0] },
        { labels: { eni: "eni-3" }, values: [0, 7] },
      ],
      (l) => (l.eni === "eni-3" ? { key: "b", label: "ledger" } : { key: "a", label: "payments-api" }),
    );
    expect(named).toEqual([
      { key: "a", label: "payments-api", values: [3, 1], total: 4 },
      { key: "b", label: "ledger", values: [0, 7], total: 7 },
    ]);
  });

  it.each([1, 2, 3, 5])("top %i + Other keeps every value: the sums per step and in total are exact", (n) => {
    const series = [
      { key: "a", label: "a", values: [5, 0, 1], total: 6 },
      { key: "b", label: "b", values: [1, 1, 1], total: 3 },
      { key: "c", label: "c", values: [0, 9, 0], total: 9 },
      { key: "d", label: "d", values: [2, 2, 2], total: 6 },
    ];
    const shaped = topWithOther(series, n);
    const perStep = [0, 1, 2].map((i) => total(shaped.map((s) => s.values[i] as number)));
    expect(perStep).toEqual([8, 12, 4]);
    expect(total(shaped.map((s) => s.total))).toBe(24);
    expect(shaped.slice(0, Math.min(n, 4)).map((s) => s.key)).toEqual(["c", "a", "d", "b"].slice(0, n));
    if (n < 4) expect(shaped[n]).toMatchObject({ key: OTHER_KEY, label: `Other (${4 - n})`, role: "other" });
    else expect(shaped).toHaveLength(4);
  });

  it("Other from the total is total − shown, step by step; no Other when nothing is left", () => {
    const shown = [{ key: "x", label: "x", values: [1, 2, 3], total: 6 }];
    expect(withOtherFromTotal(shown, [4, 2, 10])[1]).toMatchObject({ values: [3, 0, 7], total: 10, role: "other" });
    expect(withOtherFromTotal(shown, [1, 2, 3])).toHaveLength(1);
  });

  it("top lists: shares of the total and Other = total − shown", () => {
    const list = topList(
      [
        { key: "a", label: "a", value: 30 },
        { key: "b", label: "b", value: 50 },
      ],
      100,
    );
    expect(list.rows.map((r) => [r.key, r.value, r.share])).toEqual([
      ["b", 50, 0.5],
      ["a", 30, 0.3],
      [OTHER_KEY, 20, 0.2],
    ]);
  });

  it("grouped top lists add up by name before cutting, and the rest is exact", () => {
    const list = groupedTopList(
      [
        { labels: { i: "1" }, value: 10 },
        { labels: { i: "2" }, value: 15 },
        { labels: { i: "3" }, value: 20 },
        { labels: { i: "4" }, value: 1 },
      ],
      (l) => ({ key: l.i === "3" ? "B" : l.i === "4" ? "C" : "A", label: l.i === "3" ? "B" : l.i === "4" ? "C" : "A" }),
      1,
    );
    expect(list.rows.map((r) => [r.label, r.value])).toEqual([
      ["A", 25],
      ["Other (2)", 21],
    ]);
    expect(list.total).toBe(46);
  });
});

describe("addresses held during a range", () => {
  const range = { fromMs: 1000, toMs: 2000 };
  it.each([
    ["held throughout", [{ interfaceId: "eni-a", vpcId: "v", address: "10.0.0.1", firstSeen: 0, removedAt: null }], ["10.0.0.1"]],
    ["given up before the range", [{ interfaceId: "eni-a", vpcId: "v", address: "10.0.0.1", firstSeen: 0, removedAt: 900 }], []],
    [
      "taken over by another interface before the range",
      [
        { interfaceId: "eni-a", vpcId: "v", address: "10.0.0.1", firstSeen: 0, removedAt: 500 },
        { interfaceId: "eni-b", vpcId: "v", address: "10.0.0.1", firstSeen: 600, removedAt: null },
      ],
      [],
    ],
    [
      "seen late, but its own since the previous holder left in the range",
      [
        { interfaceId: "eni-b", vpcId: "v", address: "10.0.0.1", firstSeen: 0, removedAt: 1500 },
        { interfaceId: "eni-a", vpcId: "v", address: "10.0.0.1", firstSeen: 5000, removedAt: null },
      ],
      ["10.0.0.1"],
    ],
    [
      "the same private address in another VPC does not hand it over",
      [
        { interfaceId: "eni-a", vpcId: "v1", address: "10.0.0.1", firstSeen: 0, removedAt: null },
        { interfaceId: "eni-b", vpcId: "v2", address: "10.0.0.1", firstSeen: 100, removedAt: null },
      ],
      ["10.0.0.1"],
    ],
  ])("%s", (_name, holdings, expected) => {
    expect(addressesHeldIn(holdings, new Set(["eni-a"]), range)).toEqual(expected);
  });
});

describe("Sankey", () => {
  it("every source's links add up to its total, the remainder going to Other destinations", () => {
    const sankey = buildSankey(
      [
        { key: "s:a", label: "a", value: 100 },
        { key: "s:b", label: "b", value: 50 },
        { key: "s:c", label: "c", value: 5 },
      ],
      160,
      [
        { service: { key: "s:a", label: "a" }, destination: "S3 eu-west-1", value: 60 },
        { service: { key: "s:a", label: "a" }, destination: "internet", value: 10 },
        { service: { key: "s:b", label: "b" }, destination: "internet", value: 50 },
        { service: { key: "s:c", label: "c" }, destination: "S3 eu-west-1", value: 5 },
      ],
      2,
    );
    expect(sankey.nodes.map((n) => n.name)).toEqual(["a", "b", "Other services", "S3 eu-west-1", "internet", "Other destinations"]);
    const outOf = (i: number) => total(sankey.links.filter((l) => l.source === i).map((l) => l.value));
    expect([outOf(0), outOf(1), outOf(2)]).toEqual([100, 50, 10]);
    expect(total(sankey.links.map((l) => l.value))).toBe(160);
    expect(sankey.links).toContainEqual({ source: 2, target: 3, value: 5 }); // c is folded into Other services
  });
});
