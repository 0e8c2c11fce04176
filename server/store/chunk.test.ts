import snappy from "snappy";
import { describe, expect, it } from "vitest";
import { decodeChunk, encodeChunk, lineAt, linesContaining, lowerBound } from "./chunk";

describe("chunk encoding", () => {
  it("round-trips timestamps and lines, including multi-byte text, newlines and NUL", () => {
    const timestamps = [1n, 5n, 5n, 1_795_525_200_000_000_000n, 9_000_000_000_000_000_000n];
    const lines = ["plain", "ünïcödé ✓ 🚀", "", "multi\nline\u0000nul", "2 111111111111 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK"];
    const encoded = encodeChunk(timestamps, lines);
    expect(encoded).toMatchObject({ minTs: 1n, maxTs: 9_000_000_000_000_000_000n, entries: 5 });
    expect(encoded.bytes).toBe(lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0));
    const decoded = decodeChunk(encoded.data);
    expect([...decoded.timestamps]).toEqual(timestamps);
    expect(lines.map((_, i) => lineAt(decoded, i))).toEqual(lines);
  });

  it("compresses repetitive flow lines", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `2 111111111111 eni-0f542441d111b8aaa 10.10.1.${i % 250} 10.20.0.5 443 ${40000 + i} 6 10 840 1795525200 1795525260 ACCEPT OK`);
    const encoded = encodeChunk(lines.map((_, i) => 1_795_525_200_000_000_000n + BigInt(i)), lines);
    expect(encoded.data.length).toBeLessThan(encoded.bytes / 2);
  });

  it("round-trips plain ASCII text (decoded as Latin-1)", () => {
    const lines = ["2 111111111111 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK", "", "~!@#$%^&*()"];
    const decoded = decodeChunk(encodeChunk([1n, 2n, 3n], lines).data);
    expect(lines.map((_, i) => lineAt(decoded, i))).toEqual(lines);
    expect(decoded.text).toBe(lines.join(""));
  });

  it("reads chunks of format 1 (timestamps as deltas)", () => {
    const lines = ["é one", "two"];
    const text = Buffer.from(lines.join(""), "utf8");
    const raw = Buffer.alloc(16 + 8 + 8 + text.length);
    raw.writeUInt32LE(1, 0);
    raw.writeUInt32LE(2, 4);
    raw.writeBigInt64LE(1_795_525_200_000_000_000n, 8);
    raw.writeBigInt64LE(7n, 16);
    raw.writeUInt32LE(5, 24);
    raw.writeUInt32LE(8, 28);
    text.copy(raw, 32);
    const decoded = decodeChunk(snappy.compressSync(raw));
    expect([...decoded.timestamps]).toEqual([1_795_525_200_000_000_000n, 1_795_525_200_000_000_007n]);
    expect([lineAt(decoded, 0), lineAt(decoded, 1)]).toEqual(lines);
  });

  it("rejects an empty chunk and mismatched arrays", () => {
    expect(() => encodeChunk([], [])).toThrow();
    expect(() => encodeChunk([1n], ["a", "b"])).toThrow();
  });
});

describe("lowerBound", () => {
  const ts = new BigInt64Array([1n, 3n, 3n, 7n]);
  it.each([
    [0n, 0],
    [1n, 0],
    [2n, 1],
    [3n, 1],
    [4n, 3],
    [7n, 3],
    [8n, 4],
  ])("first index with timestamp >= %s is %s", (t, index) => {
    expect(lowerBound(ts, t)).toBe(index);
  });
});

describe("linesContaining", () => {
  const lines = ["REJECT one", "ACCEPT", "", "xREJECTx REJECT", "REJ", "ECT spans", "tail REJECT"];
  const chunk = decodeChunk(encodeChunk(lines.map((_, i) => BigInt(i)), lines).data);
  const expected = (needle: string, keep: boolean, begin = 0, end = lines.length) =>
    lines.map((line, i) => [line, i] as const).filter(([line, i]) => i >= begin && i < end && line.includes(needle) === keep).map(([, i]) => i);

  it.each<[string, boolean, number?, number?]>([
    ["REJECT", true],
    ["REJECT", false],
    ["REJECT", true, 1, 6],
    ["REJECT", false, 2, 5],
    ["JECT", true],
    ["REJECTREJ", true],
    ["nowhere", true],
    ["nowhere", false],
    ["T s", true],
    ["e", false, 0, 7],
  ])("%s keep=%s in [%s, %s)", (needle, keep, begin = 0, end = lines.length) => {
    expect(linesContaining(chunk, begin, end, needle, keep)).toEqual(expected(needle, keep, begin, end));
  });

  it("never matches across a line boundary", () => {
    expect(linesContaining(chunk, 0, lines.length, "REJECT", true)).not.toContain(4);
    expect(linesContaining(chunk, 0, lines.length, "REJECT", true)).not.toContain(5);
  });
});
