import { describe, expect, it } from "vitest";
import { DAY_NS, dayOf, dayOfPartition, dayStart, partitionName } from "./partitions";
import { ParamError, boundsOf, parseTimestamp, tenantOf } from "./params";

describe("parseTimestamp (Loki's)", () => {
  it.each([
    ["1795525200", 1_795_525_200_000_000_000n],
    ["1795525200000000000", 1_795_525_200_000_000_000n],
    ["1795525200.5", 1_795_525_200_500_000_000n],
    ["1795525200.1234", 1_795_525_200_123_000_000n],
    ["2026-11-24T13:00:00Z", 1_795_525_200_000_000_000n],
    ["2026-11-24T14:00:00+01:00", 1_795_525_200_000_000_000n],
    ["2026-11-24T13:00:00.000000123Z", 1_795_525_200_000_000_123n],
    ["0", 0n],
  ])("%s", (text, ns) => {
    expect(parseTimestamp(text)).toBe(ns);
  });

  it.each([
    ["yesterday", 'strconv.ParseInt: parsing "yesterday": invalid syntax'],
    ["99999999999999999999", 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
  ])("refuses %s with Go's message", (text, message) => {
    expect(() => parseTimestamp(text)).toThrow(new ParamError(message));
  });
});

describe("boundsOf", () => {
  const now = 1_795_532_400_000_000_000n;
  it("defaults to the hour before now, or before end, and honours since", () => {
    expect(boundsOf(new URLSearchParams(), now)).toEqual({ start: now - 3_600_000_000_000n, end: now });
    expect(boundsOf(new URLSearchParams({ end: "1795525200" }), now)).toEqual({ start: 1_795_521_600_000_000_000n, end: 1_795_525_200_000_000_000n });
    expect(boundsOf(new URLSearchParams({ since: "2h" }), now).start).toBe(now - 7_200_000_000_000n);
    // an end in the future counts back from now
    expect(boundsOf(new URLSearchParams({ end: String(now + 7_200_000_000_000n), since: "1h" }), now).start).toBe(now - 3_600_000_000_000n);
    expect(() => boundsOf(new URLSearchParams({ since: "soon" }), now)).toThrow(/could not parse 'since' parameter/);
  });
});

describe("tenantOf", () => {
  const request = (header?: string) => new Request("http://x/", { headers: header === undefined ? {} : { "X-Scope-OrgID": header } });
  it.each([
    [undefined, "fake"],
    ["", "fake"],
    ["team-a", "team-a"],
    ["A_b.c!*'()", "A_b.c!*'()"],
  ])("%s → %s", (header, tenant) => {
    expect(tenantOf(request(header))).toBe(tenant);
  });

  it.each([
    ["a|b", "tenant ID 'a|b' contains unsupported character '|'"],
    ["x".repeat(151), "tenant ID is too long: max 150 characters"],
    ["..", "tenant ID is '.' or '..'"],
  ])("refuses %s", (header, message) => {
    expect(() => tenantOf(request(header))).toThrow(message);
  });
});

describe("day partitions", () => {
  it.each([
    [1_795_525_200_000_000_000n, "chunks_20261124"],
    [0n, "chunks_19700101"],
    [DAY_NS - 1n, "chunks_19700101"],
    [DAY_NS, "chunks_19700102"],
  ])("%s is in %s", (ts, name) => {
    expect(partitionName(dayOf(ts))).toBe(name);
    expect(dayOfPartition(name)).toBe(dayOf(ts));
    expect(dayStart(dayOf(ts)) <= ts && ts < dayStart(dayOf(ts) + 1)).toBe(true);
  });

  it("floors days before 1970 and ignores other tables", () => {
    expect(dayOf(-1n)).toBe(-1);
    expect(dayOfPartition("chunks_default")).toBeUndefined();
  });
});
