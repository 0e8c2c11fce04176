import { describe, expect, it } from "vitest";
import { type CidrRange, formatAddress, parseCidr } from "./ip";
import { PrefixTable } from "./prefix-table";

/** A small deterministic random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForce(entries: { range: CidrRange; value: string }[], address: string): string | undefined {
  const value = parseCidr(address)!;
  let best: { length: number; value: string; index: number } | undefined;
  entries.forEach((entry, index) => {
    const range = entry.range;
    if (range.family !== value.family || value.first < range.first || value.first > range.last) return;
    if (!best || range.prefixLength > best.length || (range.prefixLength === best.length && index > best.index)) best = { length: range.prefixLength, value: entry.value, index };
  });
  return best?.value;
}

describe("PrefixTable", () => {
  it("finds the most specific prefix", () => {
    const table = new PrefixTable([
      { cidr: "52.92.0.0/16", value: "AMAZON" },
      { cidr: "52.92.16.0/20", value: "S3" },
      { cidr: "52.92.16.128/25", value: "S3-narrow" },
      { cidr: "10.0.0.0/8", value: "office" },
      { cidr: "2600:1f14::/35", value: "EC2 v6" },
      { cidr: "2600:1f14:8000::/40", value: "S3 v6" },
    ]);
    expect(table.lookup("52.92.0.1")).toBe("AMAZON");
    expect(table.lookup("52.92.16.1")).toBe("S3");
    expect(table.lookup("52.92.16.200")).toBe("S3-narrow");
    expect(table.lookup("52.92.31.255")).toBe("S3");
    expect(table.lookup("52.92.32.0")).toBe("AMAZON");
    expect(table.lookup("52.93.0.0")).toBeUndefined();
    expect(table.lookup("10.255.255.255")).toBe("office");
    expect(table.lookup("9.255.255.255")).toBeUndefined();
    expect(table.lookup("2600:1f14::1")).toBe("EC2 v6");
    expect(table.lookup("2600:1f14:80ff::1")).toBe("S3 v6");
    expect(table.lookup("2600:1f15::1")).toBeUndefined();
  });

  it("takes the later of two equal prefixes, and covers the whole address space edges", () => {
    const table = new PrefixTable([
      { cidr: "0.0.0.0/0", value: "all" },
      { cidr: "255.255.255.255/32", value: "broadcast" },
      { cidr: "10.0.0.0/8", value: "first" },
      { cidr: "10.0.0.0/8", value: "second" },
      { cidr: "::/0", value: "all6" },
    ]);
    expect(table.lookup("0.0.0.0")).toBe("all");
    expect(table.lookup("255.255.255.255")).toBe("broadcast");
    expect(table.lookup("255.255.255.254")).toBe("all");
    expect(table.lookup("10.1.1.1")).toBe("second");
    expect(table.lookup("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).toBe("all6");
  });

  it("reports prefixes that do not parse", () => {
    const bad: string[] = [];
    const table = new PrefixTable([{ cidr: "10.0.0.0/40", value: "x" }, { cidr: "10.0.0.0/8", value: "ok" }], (entry) => bad.push(entry.cidr));
    expect(bad).toEqual(["10.0.0.0/40"]);
    expect(table.size).toBe(1);
  });

  it.each([1, 2, 3, 4])("agrees with a brute-force search on random nested prefixes (seed %i)", (seed) => {
    const next = random(seed);
    const entries: { cidr: string; value: string }[] = [];
    for (let i = 0; i < 400; i++) {
      const v6 = next() < 0.3;
      const bits = v6 ? 128 : 32;
      const length = Math.floor(next() * (v6 ? 64 : 28)) + 4;
      // Addresses drawn from a narrow band so prefixes nest often.
      let value = 0n;
      for (let b = 0; b < bits; b++) value = (value << 1n) | (b < 6 ? 0n : next() < 0.5 ? 1n : 0n);
      const cidr = `${formatAddress(value, v6 ? 6 : 4)}/${length}`;
      entries.push({ cidr: parseCidr(cidr)!.cidr, value: `p${i}` });
    }
    const table = new PrefixTable(entries);
    const parsed = entries.map((entry) => ({ range: parseCidr(entry.cidr)!, value: entry.value }));
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const v6 = next() < 0.3;
      const bits = v6 ? 128 : 32;
      let value = 0n;
      for (let b = 0; b < bits; b++) value = (value << 1n) | (b < 6 ? 0n : next() < 0.5 ? 1n : 0n);
      const address = formatAddress(value, v6 ? 6 : 4);
      const expected = bruteForce(parsed, address);
      if (expected !== undefined) found++;
      expect(table.lookup(address), address).toBe(expected);
    }
    expect(found).toBeGreaterThan(200);
  });
});
