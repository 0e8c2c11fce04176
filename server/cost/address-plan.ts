/**
 * How rollup queries keep the number of series small and the answer exact: inside LogQL, each
 * address of a flow record becomes a *key* that is as coarse as classification allows. Pure code.
 *
 * - Private addresses (RFC 1918, 100.64/10, link-local, loopback), VPC CIDRs and IPv6 stay exact:
 *   they name a service, an AZ, a VPC.
 * - Addresses in a "mixed" /24 (one that holds a prefix longer than /24 of ip-ranges.json, a known
 *   network or an Elastic IP of the inventory) only resolve alike one by one. AWS's own
 *   ip-ranges.json has about a thousand such /24s: listing them all would make every query longer
 *   than the 5,120 bytes Loki accepts. So a plan lists only the mixed /24s it was given
 *   (`withExactBlocks`); any other mixed /24 comes back as a /24 key that `unresolvedBlocks`
 *   reports, and the caller queries again with it listed. Traffic reaches few of them, and the
 *   rollup remembers them per flow log.
 * - Other public addresses whose /8 holds any prefix boundary (AWS ranges, known networks, Elastic
 *   IPs) become their /24; every address of such a /24 resolves alike.
 * - Every other public address becomes its /8: nothing in it is named, so it is all "internet" (or
 *   all one range wider than /8).
 *
 * The key is made by a `regexp` stage (one alternation per address field, named groups
 * `<field>_ip`, `<field>_24`, `<field>_8`, `<field>_x`) rather than `label_format` templates: a
 * regular expression is compiled once per query by Loki and by the embedded store alike.
 * Visitors from the whole internet then collapse into at most a few hundred keys per interface,
 * while every key still resolves to exactly one classification.
 */
import { parseCidr } from "../enrichment/ip";

/** Private and local IPv4 space, as the enrichment treats it (server/enrichment/ip.ts). */
export const PRIVATE_IPV4_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"] as const;

export interface AddressPlanInput {
  /** VPC CIDR blocks of the inventory (IPv4). */
  vpcCidrs: readonly string[];
  /** Public IPv4 prefixes that name something: ip-ranges.json, known networks. */
  namedPrefixes: readonly string[];
  /** Public IPv4 addresses of the inventory's interfaces (Elastic IPs). */
  publicAddresses: readonly string[];
}

interface V4Range {
  first: number;
  last: number;
  length: number;
}

function v4(cidr: string): V4Range | undefined {
  const parsed = parseCidr(cidr.includes("/") ? cidr : `${cidr}/32`);
  if (!parsed || parsed.family !== 4) return undefined;
  return { first: Number(parsed.first), last: Number(parsed.last), length: parsed.prefixLength };
}

const inside = (inner: V4Range, outer: V4Range) => inner.first >= outer.first && inner.last <= outer.last;

/** A regular expression (RE2 and JS alike) for the decimal numbers lo..hi (0 ≤ lo ≤ hi ≤ 255). */
export function octetRangePattern(lo: number, hi: number): string {
  if (lo === hi) return String(lo);
  if (lo === 0 && hi === 255) return "\\d+";
  const byTens = new Map<number, number[]>();
  for (let n = lo; n <= hi; n++) {
    const tens = Math.floor(n / 10);
    const list = byTens.get(tens) ?? [];
    list.push(n % 10);
    byTens.set(tens, list);
  }
  const parts: string[] = [];
  for (const [tens, digits] of byTens) {
    const prefix = tens === 0 ? "" : String(tens);
    const a = digits[0] as number;
    const b = digits[digits.length - 1] as number;
    parts.push(a === b ? `${prefix}${a}` : a === 0 && b === 9 ? `${prefix}\\d` : `${prefix}[${a}-${b}]`);
  }
  return parts.length === 1 ? (parts[0] as string) : `(?:${parts.join("|")})`;
}

/** A regular expression matching exactly the dotted IPv4 addresses inside `cidr`. */
export function cidrPattern(cidr: string): string {
  const range = v4(cidr);
  if (!range) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const octets = [range.first >>> 24, (range.first >>> 16) & 255, (range.first >>> 8) & 255, range.first & 255];
  const lastOctets = [range.last >>> 24, (range.last >>> 16) & 255, (range.last >>> 8) & 255, range.last & 255];
  return octets.map((o, i) => octetRangePattern(o, lastOctets[i] as number)).join("\\.");
}

/** A regular expression for a set of numbers 0–255, as runs of consecutive numbers. */
export function numberSetPattern(values: Iterable<number>): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    runs.push(octetRangePattern(sorted[i] as number, sorted[j] as number));
    i = j + 1;
  }
  return runs.length === 1 ? (runs[0] as string) : `(?:${runs.join("|")})`;
}

/** A regular expression for a set of /24 blocks (`a.b.c`), as a tree over their octets: `a\.(?:b\.(?:c|…)|…)`. */
export function blockSetPattern(blocks: Iterable<string>): string {
  const tree = new Map<number, Map<number, number[]>>();
  for (const block of blocks) {
    const [a, b, c] = block.split(".").map(Number) as [number, number, number];
    const second = tree.get(a) ?? new Map<number, number[]>();
    second.set(b, [...(second.get(b) ?? []), c]);
    tree.set(a, second);
  }
  const firsts = [...tree.entries()].sort((x, y) => x[0] - y[0]).map(([a, second]) => {
    const seconds = [...second.entries()].sort((x, y) => x[0] - y[0]).map(([b, thirds]) => `${b}\\.${numberSetPattern(thirds)}`);
    return `${a}\\.${seconds.length === 1 ? seconds[0] : `(?:${seconds.join("|")})`}`;
  });
  return firsts.length === 1 ? (firsts[0] as string) : `(?:${firsts.join("|")})`;
}

export interface AddressPlan {
  /** The RE2 alternation for one address field, capturing `<name>_ip`, `<name>_24`, `<name>_8`, `<name>_x`. */
  fieldPattern(name: string): string;
  /** First octets whose public addresses are kept as /24s. */
  readonly detailedOctets: ReadonlySet<number>;
  /**
   * /24s (as `a.b.c`) that hold a boundary longer than /24 (a /26 of ip-ranges.json, a /29 known
   * network, an Elastic IP): their addresses only resolve alike one by one.
   */
  readonly mixedBlocks: ReadonlySet<string>;
  /** The mixed /24s this plan reads address by address; any other mixed /24 comes back as a /24 key. */
  readonly exactBlocks: ReadonlySet<string>;
  /** The same plan, reading these mixed /24s address by address as well (blocks that are not mixed are ignored). */
  withExactBlocks(blocks: Iterable<string>): AddressPlan;
  /**
   * The mixed /24s among `keys` that came back as /24 keys: such a key does not name its addresses
   * and must not be resolved; query again with `withExactBlocks`.
   */
  unresolvedBlocks(keys: Iterable<AddressKey>): string[];
}

/**
 * Builds the plan for an inventory. It reads no mixed /24 address by address at first: AWS's
 * ip-ranges.json divides about a thousand /24s finer, far more than one LogQL query (5,120 bytes)
 * can list. Callers add the mixed /24s their traffic actually reaches (`unresolvedBlocks`, then
 * `withExactBlocks`) and query again.
 */
export function buildAddressPlan(input: AddressPlanInput): AddressPlan {
  const privateRanges = PRIVATE_IPV4_CIDRS.map((c) => v4(c) as V4Range);
  const isPrivate = (r: V4Range) => privateRanges.some((p) => inside(r, p));
  const exactCidrs: string[] = [...PRIVATE_IPV4_CIDRS];
  const detailed = new Set<number>();
  const mixed = new Set<string>();
  const block24 = (value: number) => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}`;
  const boundary = (range: V4Range) => {
    if (isPrivate(range)) return;
    if (range.length > 8) for (let o = range.first >>> 24; o <= range.last >>> 24; o++) detailed.add(o);
    if (range.length > 24) mixed.add(block24(range.first));
  };
  for (const cidr of input.vpcCidrs) {
    const range = v4(cidr);
    if (!range || isPrivate(range)) continue;
    // A VPC on public space: its addresses name interfaces, like private ones.
    if (range.length > 24) boundary(range);
    else exactCidrs.push(`${(range.first >>> 24) & 255}.${(range.first >>> 16) & 255}.${(range.first >>> 8) & 255}.${range.first & 255}/${range.length}`);
  }
  for (const prefix of input.namedPrefixes) {
    const range = v4(prefix);
    if (range) boundary(range);
  }
  for (const address of input.publicAddresses) {
    const range = v4(address);
    if (range) boundary(range);
  }
  return planOf(exactCidrs, detailed, mixed, new Set());
}

function planOf(exactCidrs: readonly string[], detailed: ReadonlySet<number>, mixed: ReadonlySet<string>, exactBlocks: ReadonlySet<string>): AddressPlan {
  const exact = [...exactCidrs.map(cidrPattern), ...(exactBlocks.size > 0 ? [`${blockSetPattern(exactBlocks)}\\.\\d+`] : []), "[0-9a-fA-F]*:[0-9a-fA-F:.]*"].join("|");
  const detailedPattern = detailed.size === 0 ? null : numberSetPattern(detailed);
  return {
    detailedOctets: detailed,
    mixedBlocks: mixed,
    exactBlocks,
    fieldPattern(name: string) {
      const alternatives = [`(?P<${name}_ip>${exact})`];
      if (detailedPattern) alternatives.push(`(?P<${name}_24>${detailedPattern}\\.\\d+\\.\\d+)\\.\\d+`);
      alternatives.push(`(?P<${name}_8>\\d+)\\.\\d+\\.\\d+\\.\\d+`, `(?P<${name}_x>\\S+)`);
      return `(?:${alternatives.join("|")})`;
    },
    withExactBlocks(blocks: Iterable<string>) {
      const added = [...blocks].filter((b) => mixed.has(b) && !exactBlocks.has(b));
      return added.length === 0 ? this : planOf(exactCidrs, detailed, mixed, new Set([...exactBlocks, ...added]));
    },
    unresolvedBlocks(keys: Iterable<AddressKey>) {
      const found = new Set<string>();
      for (const key of keys) if (key.kind === "block24" && mixed.has(key.block) && !exactBlocks.has(key.block)) found.add(key.block);
      return [...found].sort();
    },
  };
}

/** An address key read back from a series' labels. */
export type AddressKey =
  | { kind: "exact"; address: string }
  | { kind: "block24"; block: string }
  | { kind: "block8"; octet: string }
  /** `-` in the record, or the field is not in the format. */
  | { kind: "absent" }
  | { kind: "invalid"; text: string };

/** The key of address field `name` in a series' labels. */
export function addressKeyOf(labels: Readonly<Record<string, string>>, name: string): AddressKey {
  const ip = labels[`${name}_ip`];
  if (ip) return { kind: "exact", address: ip };
  const block = labels[`${name}_24`];
  if (block) return { kind: "block24", block };
  const octet = labels[`${name}_8`];
  if (octet) return { kind: "block8", octet };
  const other = labels[`${name}_x`];
  if (other && other !== "-") return { kind: "invalid", text: other };
  return { kind: "absent" };
}

/** An address that stands for every address of the key (for resolving it), or undefined. */
export function representativeAddress(key: AddressKey): string | undefined {
  switch (key.kind) {
    case "exact":
      return key.address;
    case "block24":
      return `${key.block}.0`;
    case "block8":
      return `${key.octet}.0.0.0`;
    case "invalid":
      return key.text;
    case "absent":
      return undefined;
  }
}

/** A stable text form of a key (for maps). */
export function addressKeyText(key: AddressKey): string {
  switch (key.kind) {
    case "exact":
      return key.address;
    case "block24":
      return `${key.block}.0/24`;
    case "block8":
      return `${key.octet}.0.0.0/8`;
    case "invalid":
      return `?${key.text}`;
    case "absent":
      return "-";
  }
}
