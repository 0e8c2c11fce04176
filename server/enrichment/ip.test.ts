import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { formatAddress, ipv6Key, isPrivateIPv4, isPrivateIPv6, parseCidr, parseIPv4, parseIPv6 } from "./ip";

describe("parseIPv4", () => {
  it.each([
    ["10.0.0.1", 0x0a000001],
    ["0.0.0.0", 0],
    ["255.255.255.255", 0xffffffff],
    ["172.31.16.139", 0xac1f108b],
    ["3.239.232.29", 0x03efe81d],
  ])("%s", (text, value) => expect(parseIPv4(text)).toBe(value));

  it.each(["", "-", "10.0.0", "10.0.0.1.2", "256.0.0.1", "10..0.1", "10.0.0.1 ", "a.b.c.d", "1234.0.0.1", "2001:db8::1", "10.0.0."])("refuses %j", (text) =>
    expect(parseIPv4(text)).toBe(-1),
  );
});

describe("parseIPv6", () => {
  const cases = [
    "2001:db8:1234:a100:8d6e:3477:df66:f105",
    "2001:db8::1",
    "::1",
    "::",
    "fe80::",
    "2600:1f14:abc:de00::/56".split("/")[0] as string,
    "::ffff:10.0.0.1",
    "64:ff9b::192.0.2.33",
    "2001:DB8:0:0:0:0:0:1",
    "1:2:3:4:5:6:7::",
    "1::8",
  ];
  it.each(cases)("reads %s as ipaddr.js does", (text) => {
    const words = new Uint32Array(4);
    expect(parseIPv6(text, words)).toBe(true);
    const expected = ipaddr.IPv6.parse(text).toByteArray();
    const bytes = [...words].flatMap((w) => [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255]);
    expect(bytes).toEqual(expected);
  });

  it.each(["", ":", "1:2", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "g::1", "10.0.0.1", "::1%eth0", "1:2:3:4:5:6:7:"])("refuses %j", (text) =>
    expect(parseIPv6(text, new Uint32Array(4))).toBe(false),
  );

  it("gives one key for every spelling", () => {
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    parseIPv6("2001:db8:0:0:0:0:0:1", a);
    parseIPv6("2001:DB8::1", b);
    expect(ipv6Key(a)).toBe(ipv6Key(b));
  });
});

describe("private ranges", () => {
  it.each([
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["100.64.0.1", true],
    ["100.128.0.1", false],
    ["3.239.232.29", false],
    ["11.0.0.1", false],
  ])("%s private: %s", (text, expected) => expect(isPrivateIPv4(parseIPv4(text))).toBe(expected));

  it.each([
    ["fd12:3456::1", true],
    ["fe80::1", true],
    ["::1", true],
    ["2600:1f14::1", false],
  ])("%s private: %s", (text, expected) => {
    const words = new Uint32Array(4);
    parseIPv6(text, words);
    expect(isPrivateIPv6(words)).toBe(expected);
  });
});

describe("parseCidr", () => {
  it("clears host bits and spells the CIDR normally", () => {
    expect(parseCidr("10.20.1.17/16")).toMatchObject({ family: 4, prefixLength: 16, cidr: "10.20.0.0/16", first: 0x0a140000n, last: 0x0a14ffffn });
    expect(parseCidr("2600:1F14:0ABC::/48")?.cidr).toBe("2600:1f14:abc::/48");
    expect(parseCidr("10.0.0.5")?.cidr).toBe("10.0.0.5/32");
  });
  it.each(["10.0.0.0/33", "nonsense", "10.0.0.0/", "fe80::1%eth0"])("refuses %s", (text) => expect(parseCidr(text)).toBeUndefined());
  it("formats addresses back", () => {
    expect(formatAddress(0x0a000001n, 4)).toBe("10.0.0.1");
    expect(formatAddress(1n, 6)).toBe("::1");
  });
});
