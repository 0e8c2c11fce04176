import { describe, expect, it } from "vitest";
import { formatGoDuration, formatGoFloat, formatPromDuration, goQuote, parseGoDuration, parseGoFloat, parseHumanBytes, parsePromDuration } from "./units";

describe("parsePromDuration (Prometheus durations)", () => {
  it.each([
    ["5m", 300e9],
    ["1h30m", 5400e9],
    ["1d", 86400e9],
    ["1w", 7 * 86400e9],
    ["1y", 365 * 86400e9],
    ["100ms", 100e6],
    ["0", 0],
  ])("%s is %d ns", (text, ns) => {
    expect(parsePromDuration(text)).toBe(ns);
  });
  it.each(["", "1.5h", "5x", "m5", "30m1h", " 5m"])("rejects %j", (text) => {
    expect(parsePromDuration(text)).toEqual({ error: `not a valid duration string: ${JSON.stringify(text)}` });
  });
});

describe("parseGoDuration (time.ParseDuration)", () => {
  it.each([
    ["1.5h", 5400e9],
    ["300ms", 300e6],
    ["-2us", -2000],
    ["2µs", 2000],
    ["1h2m3s", 3723e9],
    ["0", 0],
    [".5s", 500e6],
  ])("%s is %d ns", (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });
  it.each([
    ["", 'time: invalid duration ""'],
    ["1", 'time: missing unit in duration "1"'],
    ["1x", 'time: unknown unit "x" in duration "1x"'],
    ["abc", 'time: invalid duration "abc"'],
  ])("rejects %j", (text, error) => {
    expect(parseGoDuration(text)).toEqual({ error });
  });
});

describe("formatGoDuration (Duration.String)", () => {
  it.each([
    [0, "0s"],
    [1.5e9, "1.5s"],
    [300e6, "300ms"],
    [2000, "2µs"],
    [5, "5ns"],
    [3600e9, "1h0m0s"],
    [744 * 3600e9, "744h0m0s"],
    [90e9, "1m30s"],
    [-90e9, "-1m30s"],
  ])("%d ns is %s", (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });
  it("formats Prometheus durations", () => {
    expect(formatPromDuration(5400e9)).toBe("1h30m");
    expect(formatPromDuration(0)).toBe("0s");
  });
});

describe("parseHumanBytes (go-humanize ParseBytes)", () => {
  it.each([
    ["42", 42],
    ["42B", 42],
    ["1MB", 1_000_000],
    ["1MiB", 1_048_576],
    ["1.5 kB", 1500],
    ["5 mib", 5 * 1_048_576],
    ["1,000KB", 1_000_000],
    ["2G", 2e9],
  ])("%s is %d bytes", (text, bytes) => {
    expect(parseHumanBytes(text)).toBe(bytes);
  });
  it.each([
    ["abc", 'strconv.ParseFloat: parsing "": invalid syntax'],
    ["5 XB", "unhandled size name: xb"],
  ])("rejects %j", (text, error) => {
    expect(parseHumanBytes(text)).toEqual({ error });
  });
});

describe("parseGoFloat (strconv.ParseFloat)", () => {
  it.each([
    ["22", 22],
    ["-1.5", -1.5],
    ["1e3", 1000],
    [".5", 0.5],
    ["5.", 5],
    ["+Inf", Infinity],
    ["-inf", -Infinity],
    ["0x10", 16],
    ["0x1p-2", 0.25],
  ])("%s is %d", (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });
  it("reads NaN", () => {
    expect(parseGoFloat("NaN")).toBeNaN();
  });
  it.each(["", " 1", "1 ", "abc", "1_000", "1e", "--1", "0x"])("rejects %j", (text) => {
    expect(parseGoFloat(text)).toEqual({ error: `strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax` });
  });
  it("reports out-of-range values", () => {
    expect(parseGoFloat("1e400")).toEqual({ error: 'strconv.ParseFloat: parsing "1e400": value out of range' });
  });
});

describe("Go text forms", () => {
  it.each([
    ["plain", '"plain"'],
    ['say "hi"\n', '"say \\"hi\\"\\n"'],
    ["tab\there", '"tab\\there"'],
    ["\x01", '"\\x01"'],
    ["é", '"é"'],
    ["\u200b", '"\\u200b"'],
  ])("goQuote(%j) is %s", (text, quoted) => {
    expect(goQuote(text)).toBe(quoted);
  });
  it.each([
    [0.1, "0.1"],
    [1e21, "1000000000000000000000"],
    [1.5e-7, "0.00000015"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [2652462749, "2652462749"],
    [1 / 3, "0.3333333333333333"],
  ])("formatGoFloat(%d) is %s", (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });
});
