/**
 * Longest-prefix match over IPv4 and IPv6 as sorted, disjoint address ranges: nested prefixes
 * are flattened once at build time into ranges that each carry the value of the most specific
 * prefix covering them, so a lookup is one binary search over typed arrays (about 15 steps for
 * 10,000 prefixes) and allocates nothing.
 */
import { type CidrRange, parseCidr } from "./ip";

export interface PrefixEntry<V> {
  cidr: string;
  value: V;
}

interface Segment<V> {
  first: bigint;
  last: bigint;
  value: V;
}

/**
 * Flattens prefixes (which are either disjoint or nested, as CIDRs are) into disjoint segments
 * carrying the most specific prefix's value. Equal prefixes: the later entry wins.
 */
function flatten<V>(ranges: { range: CidrRange; value: V }[]): Segment<V>[] {
  const unique = new Map<string, { range: CidrRange; value: V }>();
  for (const entry of ranges) unique.set(entry.range.cidr, entry);
  const sorted = [...unique.values()].sort((a, b) =>
    a.range.first === b.range.first ? a.range.prefixLength - b.range.prefixLength : a.range.first < b.range.first ? -1 : 1,
  );
  const segments: Segment<V>[] = [];
  const stack: { range: CidrRange; value: V }[] = [];
  let cursor = 0n;
  const emit = (first: bigint, last: bigint, value: V) => {
    if (first > last) return;
    const previous = segments.at(-1);
    if (previous && previous.value === value && previous.last + 1n === first) previous.last = last;
    else segments.push({ first, last, value });
  };
  for (const entry of sorted) {
    for (let top = stack.at(-1); top && top.range.last < entry.range.first; top = stack.at(-1)) {
      emit(cursor, top.range.last, top.value);
      cursor = top.range.last + 1n;
      stack.pop();
    }
    const parent = stack.at(-1);
    if (parent) emit(cursor, entry.range.first - 1n, parent.value);
    cursor = entry.range.first;
    stack.push(entry);
  }
  for (let top = stack.pop(); top; top = stack.pop()) {
    emit(cursor, top.range.last, top.value);
    cursor = top.range.last + 1n;
  }
  return segments;
}

export class PrefixTable<V> {
  private readonly v4First: Uint32Array;
  private readonly v4Last: Uint32Array;
  private readonly v4Values: V[];
  /** Four words per range, most significant first. */
  private readonly v6First: Uint32Array;
  private readonly v6Last: Uint32Array;
  private readonly v6Values: V[];
  /** The number of prefixes the table was built from. */
  readonly size: number;

  /** Builds the table; entries whose CIDR does not parse are reported through `invalid`. */
  constructor(entries: readonly PrefixEntry<V>[], invalid?: (entry: PrefixEntry<V>) => void) {
    const v4: { range: CidrRange; value: V }[] = [];
    const v6: { range: CidrRange; value: V }[] = [];
    for (const entry of entries) {
      const range = parseCidr(entry.cidr);
      if (!range) {
        invalid?.(entry);
        continue;
      }
      (range.family === 4 ? v4 : v6).push({ range, value: entry.value });
    }
    this.size = v4.length + v6.length;
    const segments4 = flatten(v4);
    this.v4First = Uint32Array.from(segments4, (s) => Number(s.first));
    this.v4Last = Uint32Array.from(segments4, (s) => Number(s.last));
    this.v4Values = segments4.map((s) => s.value);
    const segments6 = flatten(v6);
    this.v6First = new Uint32Array(segments6.length * 4);
    this.v6Last = new Uint32Array(segments6.length * 4);
    segments6.forEach((segment, index) => {
      for (let w = 0; w < 4; w++) {
        const shift = BigInt(96 - 32 * w);
        this.v6First[index * 4 + w] = Number((segment.first >> shift) & 0xffffffffn);
        this.v6Last[index * 4 + w] = Number((segment.last >> shift) & 0xffffffffn);
      }
    });
    this.v6Values = segments6.map((s) => s.value);
  }

  /** The value of the most specific prefix containing the IPv4 address (an unsigned 32-bit number). */
  lookupV4(address: number): V | undefined {
    const first = this.v4First;
    let low = 0;
    let high = first.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if ((first[middle] as number) <= address) low = middle + 1;
      else high = middle - 1;
    }
    if (high < 0 || (this.v4Last[high] as number) < address) return undefined;
    return this.v4Values[high];
  }

  /** The value of the most specific prefix containing the IPv6 address (four words). */
  lookupV6(words: Uint32Array): V | undefined {
    const first = this.v6First;
    let low = 0;
    let high = this.v6Values.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (compareWords(first, middle * 4, words) <= 0) low = middle + 1;
      else high = middle - 1;
    }
    if (high < 0 || compareWords(this.v6Last, high * 4, words) < 0) return undefined;
    return this.v6Values[high];
  }

  /** Looks up an address written as text (not hot: for tests, previews and single lookups). */
  lookup(address: string): V | undefined {
    const range = parseCidr(address);
    if (!range || address.includes("/")) return undefined;
    if (range.family === 4) return this.lookupV4(Number(range.first));
    const words = new Uint32Array(4);
    for (let w = 0; w < 4; w++) words[w] = Number((range.first >> BigInt(96 - 32 * w)) & 0xffffffffn);
    return this.lookupV6(words);
  }
}

/** Compares the four words at `offset` in `table` with `words`: negative, zero or positive. */
function compareWords(table: Uint32Array, offset: number, words: Uint32Array): number {
  for (let w = 0; w < 4; w++) {
    const a = table[offset + w] as number;
    const b = words[w] as number;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}
