import { describe, expect, it } from "vitest";
import type { PushStream } from "../loki/push";
import { LOKI_DEFAULT_LIMITS } from "./limits";
import { PushValidationError, type ValidateOptions, formatRfc3339, planPush, sortAndDedupe } from "./validate";

const NOW = 1_795_532_400_000_000_000n;
const options: ValidateOptions = { limits: LOKI_DEFAULT_LIMITS, now: NOW };
const flow = { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-1", __aws_s3_vpc_flow_owner: "111111111111" };

function expectRejected(streams: PushStream[], message: string, opts = options) {
  try {
    planPush(streams, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(PushValidationError);
    expect((error as Error).message).toBe(message);
    return;
  }
  throw new Error("planPush accepted an invalid push");
}

describe("planPush", () => {
  it("groups streams with the same labels, sorts entries, and drops exact repeats", () => {
    const plan = planPush(
      [
        { labels: { b: "2", a: "1" }, entries: [{ timestamp: 3n, line: "c" }, { timestamp: 1n, line: "a" }] },
        { labels: { a: "1", b: "2", empty: "" }, entries: [{ timestamp: 1n, line: "a" }, { timestamp: 1n, line: "a2" }, { timestamp: 2n, line: "b" }] },
        { labels: { a: "other" }, entries: [] },
      ],
      options,
    );
    expect(plan.streams).toHaveLength(1);
    expect(plan.streams[0]).toMatchObject({
      labels: { a: "1", b: "2" },
      labelsText: '{a="1", b="2"}',
      timestamps: [1n, 1n, 2n, 3n],
      lines: ["a", "a2", "b", "c"],
      bytes: 5,
    });
    expect(plan).toMatchObject({ entries: 4, bytes: 5 });
  });

  it.each<[string, PushStream[], string]>([
    ["no labels", [{ labels: {}, entries: [{ timestamp: 1n, line: "x" }] }], "error at least one label pair is required per stream"],
    ["only empty labels", [{ labels: { a: "" }, entries: [{ timestamp: 1n, line: "x" }] }], "error at least one label pair is required per stream"],
    [
      "a bad label name",
      [{ labels: { "foo-bar": "x" }, entries: [{ timestamp: 1n, line: "x" }] }],
      `Error parsing labels '{foo-bar="x"}' with error: invalid label name "foo-bar"`,
    ],
    [
      "too many label names",
      [{ labels: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`l${String(i).padStart(2, "0")}`, "v"])), entries: [{ timestamp: 1n, line: "x" }] }],
      `entry for stream '{${Array.from({ length: 31 }, (_, i) => `l${String(i).padStart(2, "0")}="v"`).join(", ")}}' has 31 label names; limit 30`,
    ],
    ["a long label name", [{ labels: { ["n".repeat(1025)]: "v" }, entries: [{ timestamp: 1n, line: "x" }] }], `stream '{${"n".repeat(1025)}="v"}' has label name too long: '${"n".repeat(1025)}'`],
    ["a long label value", [{ labels: { a: "v".repeat(2049) }, entries: [{ timestamp: 1n, line: "x" }] }], `stream '{a="${"v".repeat(2049)}"}' has label value too long: '${"v".repeat(2049)}'`],
    [
      "a long line",
      [{ labels: flow, entries: [{ timestamp: 1n, line: "é".repeat(128_001) }] }],
      `Max entry size '256000' bytes exceeded for stream '{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="fl-1", __aws_s3_vpc_flow_owner="111111111111"}' while adding an entry with length '256002' bytes`,
    ],
    [
      "an entry from the future",
      [{ labels: { a: "1" }, entries: [{ timestamp: NOW + 11n * 60_000_000_000n, line: "x" }] }],
      `entry for stream '{a="1"}' has timestamp too new: 2026-11-24T15:11:00Z`,
    ],
  ])("refuses %s with Loki's message", (_name, streams, message) => {
    expectRejected(streams, message);
  });

  it("accepts lines up to the limit and entries within the grace period", () => {
    const plan = planPush([{ labels: { a: "1" }, entries: [{ timestamp: NOW + 9n * 60_000_000_000n, line: "x".repeat(256_000) }] }], options);
    expect(plan.entries).toBe(1);
  });

  it("refuses entries older than the retention when one is set", () => {
    expectRejected(
      [{ labels: { a: "1" }, entries: [{ timestamp: NOW - 86_400_000_000_000n, line: "x" }] }],
      "entry for stream '{a=\"1\"}' has timestamp too old: 2026-11-23T15:00:00Z, oldest acceptable timestamp is: 2026-11-24T14:00:00Z",
      { ...options, oldestAcceptable: NOW - 3_600_000_000_000n },
    );
  });

  it("refuses the whole push when one stream is bad", () => {
    expectRejected(
      [
        { labels: { a: "1" }, entries: [{ timestamp: 1n, line: "fine" }] },
        { labels: {}, entries: [{ timestamp: 1n, line: "x" }] },
      ],
      "error at least one label pair is required per stream",
    );
  });
});

describe("sortAndDedupe", () => {
  it("keeps push order for equal timestamps and drops repeats in long runs", () => {
    const ts = Array.from({ length: 100 }, () => 5n);
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i % 40}`);
    const out = sortAndDedupe([...ts, 4n], [...lines, "first"]);
    expect(out.lines).toEqual(["first", ...Array.from({ length: 40 }, (_, i) => `line ${i}`)]);
    expect(out.timestamps[0]).toBe(4n);
  });
});

describe("formatRfc3339", () => {
  it("prints seconds in UTC like Go", () => {
    expect(formatRfc3339(1_795_525_200_123_456_789n)).toBe("2026-11-24T13:00:00Z");
  });
});
