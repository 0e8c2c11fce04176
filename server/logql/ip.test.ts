import { describe, expect, it } from "vitest";
import { ipFilterMatches, parseIp, parseIpPattern } from "./ip";

describe("ip() patterns", () => {
  it.each([
    ["10.0.0.1", "ip"],
    ["10.0.0.0/8", "prefix"],
    ["10.1.2.3/8", "prefix"],
    ["10.0.0.1-10.0.0.9", "range"],
    ["2001:db8::1", "ip"],
    ["2001:db8::/32", "prefix"],
    ["::1-::ff", "range"],
  ])("%s is a %s", (pattern, kind) => {
    expect(parseIpPattern(pattern)?.kind).toBe(kind);
  });
  it.each(["10.0.0", "010.0.0.1", "256.0.0.1", "10.0.0.0/33", "10.0.0.9-10.0.0.1", "10.0.0.1-::1", "1:2:3:4:5:6:7:8:9", "", "x"])("%s is invalid", (pattern) => {
    expect(parseIpPattern(pattern)).toBeNull();
  });
  it("parses IPv6 with an embedded IPv4 address", () => {
    expect(parseIp("::ffff:10.0.0.1")).toEqual({ v4: false, value: 0xffff0a000001n });
  });
});

describe("ip() matching (Loki's scan of a line or label value)", () => {
  it.each([
    ["10.0.0.0/8", "from 10.1.2.3 to x", true],
    ["10.0.0.0/8", "from 11.1.2.3 to 10.9.9.9", true],
    ["10.0.0.0/8", "from 11.1.2.3", false],
    ["10.0.0.5", "10.0.0.50", false],
    ["10.0.0.5", "10.0.0.5:443", true],
    ["10.0.0.0/8", "x10.0.0.1", true],
    ["10.0.0.0/8", "1.10.0.0.1", false],
    ["10.0.0.0/8", "010.0.0.1", false],
    ["2001:db8::/32", "addr=2001:db8::42 ok", true],
    ["2001:db8::/32", "addr=2001:db9::42 ok", false],
    ["10.0.0.0/8", "::ffff:10.0.0.1", false],
    ["192.168.1.1-192.168.1.10", "192.168.1.7", true],
    ["10.0.0.0/8", "", false],
  ])("%s in %j: %s", (pattern, text, matches) => {
    const p = parseIpPattern(pattern);
    expect(p).not.toBeNull();
    expect(ipFilterMatches(p as NonNullable<typeof p>, text)).toBe(matches);
  });
});
