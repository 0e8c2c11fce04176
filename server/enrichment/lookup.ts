/**
 * The compiled enrichment lookup: the inventory turned into structures that name an address in a
 * few hundred nanoseconds without allocating.
 *
 * - interfaces by id, each with its service (mapping rules evaluated once, here) and place
 *   (account, VPC, subnet, AZ);
 * - an address index keyed by (scope, IPv4 address): one scope per VPC (RFC 1918 ranges overlap
 *   across VPCs), one across all VPCs (for peered and transit traffic), one for public addresses;
 *   each key holds the interfaces that had the address, with validity intervals, newest first;
 * - IPv6 addresses by value (they are globally unique);
 * - a longest-prefix table of known networks and AWS's public ranges.
 *
 * Validity: an address belongs to holder i from the moment the previous holder lost it (or from
 * its own first sighting, whichever is earlier; the first holder since forever) until it was
 * removed (or forever while current). ENI ids are never reused, so the interface a record was
 * logged on is found by id alone.
 */
import type { MappingRule } from "../inventory/mapping-rules";
import { DEFAULT_MAPPING_RULES, compileMappingRules, mapInterface } from "../inventory/mapping-rules";
import type {
  AwsIpRange,
  InventoryAccount,
  InventoryAddress,
  InventoryInterface,
  InventoryService,
  InventorySubnet,
  InventoryVpc,
  KnownNetwork,
  Validity,
} from "../inventory/model";
import { type CidrRange, ipv6Key, isLocalIPv4, isPrivateIPv4, isPrivateIPv6, parseCidr, parseIPv4, parseIPv6 } from "./ip";
import { PrefixTable } from "./prefix-table";

export interface SnapshotInterface extends InventoryInterface, Validity {
  addresses: (InventoryAddress & Validity)[];
}

/** Everything the lookup is built from (see loader.ts for PostgreSQL, or build one by hand in tests). */
export interface InventorySnapshot {
  /** The inventory stamp this snapshot was read at. */
  version: number;
  accounts: InventoryAccount[];
  vpcs: InventoryVpc[];
  subnets: InventorySubnet[];
  interfaces: SnapshotInterface[];
  services: InventoryService[];
  knownNetworks: KnownNetwork[];
  awsRanges: AwsIpRange[];
  /** The saved mapping rules in order; the built-in rules are evaluated after them. */
  rules: MappingRule[];
}

/** A network interface of the inventory, with its service and place. */
export interface InterfaceEndpoint {
  kind: "interface";
  interfaceId: string;
  interfaceType: string;
  description: string;
  /** null when no mapping rule matches the interface. */
  service: string | null;
  team: string | null;
  /** The mapping rule that named the service. */
  rule: string | null;
  accountId: string;
  accountName: string | null;
  environment: string | null;
  vpcId: string;
  vpcName: string | null;
  subnetId: string | null;
  subnetName: string | null;
  availabilityZone: string | null;
  availabilityZoneId: string | null;
  region: string;
  instanceId: string | null;
  /** When the interface was deleted (ms), null while it exists. */
  deletedAt: number | null;
}

/** An address in one of AWS's public ranges. */
export interface AwsEndpoint {
  kind: "aws";
  /** The most specific service of the prefix (S3, DYNAMODB, EC2 …; AMAZON when nothing narrower). */
  service: string;
  /** Every service ip-ranges.json lists for the prefix. */
  services: string[];
  region: string;
  prefix: string;
}

export interface KnownNetworkEndpoint {
  kind: "known";
  name: string;
  category: string;
  cidr: string;
}

export interface InternetEndpoint {
  kind: "internet";
}

/** A private (or in-VPC) address no interface of the inventory held at the time. */
export interface PrivateEndpoint {
  kind: "private";
  /** The VPC whose CIDR contains the address, when the flow's VPC does. */
  vpcId: string | null;
  vpcName: string | null;
  /** `unknown`: nobody known held it; `ambiguous`: several VPCs' interfaces did (overlapping ranges). */
  reason: "unknown" | "ambiguous";
}

/** An address that is not an address (a malformed record). */
export interface InvalidEndpoint {
  kind: "invalid";
}

export type Endpoint = InterfaceEndpoint | AwsEndpoint | KnownNetworkEndpoint | InternetEndpoint | PrivateEndpoint | InvalidEndpoint;

export const INTERNET: InternetEndpoint = Object.freeze({ kind: "internet" });
export const PRIVATE_UNKNOWN: PrivateEndpoint = Object.freeze({ kind: "private", vpcId: null, vpcName: null, reason: "unknown" });
export const PRIVATE_AMBIGUOUS: PrivateEndpoint = Object.freeze({ kind: "private", vpcId: null, vpcName: null, reason: "ambiguous" });
export const INVALID: InvalidEndpoint = Object.freeze({ kind: "invalid" });

interface Holding {
  endpoint: InterfaceEndpoint;
  accountId: string;
  /** Validity in Unix seconds: [from, to). */
  from: number;
  to: number;
}

/** An interface of the lookup: its endpoint and every IPv4 address it ever held (for the interface's own side of a flow). */
export interface InterfaceEntry {
  endpoint: InterfaceEndpoint;
  vpcScope: number;
  addressesV4: Uint32Array;
  addressesV6: string[];
}

interface VpcEntry {
  scope: number;
  cidrs4: { first: number; last: number }[];
  cidrs6: CidrRange[];
  unknownInside: PrivateEndpoint;
}

const SCOPE_ALL_VPCS = 0;
const SCOPE_PUBLIC = 1;
const FIRST_VPC_SCOPE = 2;

/**
 * Open-addressing hash index from (scope, IPv4 address) to the interfaces that held the address,
 * built once from lists of holdings. Everything a lookup touches lives in typed arrays: one slot of
 * four int32 (scope, address, first holding, count) and the holdings' validity side by side, so a
 * lookup costs about two cache misses and allocates nothing. A count of -1 marks a single holder
 * valid at all times (the common case), which skips the validity check.
 */
class AddressIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  readonly from: Float64Array;
  readonly to: Float64Array;
  readonly endpoints: InterfaceEndpoint[];
  readonly accounts: string[];

  constructor(lists: ReadonlyMap<string, { scope: number; address: number; holdings: Holding[] }>) {
    let capacity = 16;
    while (capacity < lists.size * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 4).fill(-1);
    this.mask = capacity - 1;
    let total = 0;
    for (const list of lists.values()) total += list.holdings.length;
    this.from = new Float64Array(total);
    this.to = new Float64Array(total);
    this.endpoints = [];
    this.accounts = [];
    for (const { scope, address, holdings } of lists.values()) {
      let slot = AddressIndex.hash(scope, address) & this.mask;
      while ((this.slots[slot * 4] as number) !== -1) slot = (slot + 1) & this.mask;
      const first = this.endpoints.length;
      for (const holding of holdings) {
        this.from[this.endpoints.length] = holding.from;
        this.to[this.endpoints.length] = holding.to;
        this.endpoints.push(holding.endpoint);
        this.accounts.push(holding.accountId);
      }
      const always = holdings.length === 1 && holdings[0]?.from === -Infinity && holdings[0].to === Infinity;
      this.slots.set([scope, address | 0, first, always ? -1 : holdings.length], slot * 4);
    }
  }

  private static hash(scope: number, address: number): number {
    let h = Math.imul(address ^ Math.imul(scope, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** The slot offset of (scope, address), or -1. */
  find(scope: number, address: number): number {
    const slots = this.slots;
    const key = address | 0;
    let slot = AddressIndex.hash(scope, address) & this.mask;
    for (;;) {
      const offset = slot * 4;
      const slotScope = slots[offset] as number;
      if (slotScope === -1) return -1;
      if (slotScope === scope && slots[offset + 1] === key) return offset;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The holding (index into endpoints) valid at `time` for the slot at `offset`, newest first; -1 if none. */
  holderAt(offset: number, time: number): number {
    const first = this.slots[offset + 2] as number;
    const count = this.slots[offset + 3] as number;
    if (count === -1) return first;
    for (let i = first; i < first + count; i++) {
      if ((this.from[i] as number) <= time && time < (this.to[i] as number)) return i;
    }
    return -1;
  }

  /** The first holding and count of the slot at `offset` (count -1: one holder, always valid). */
  range(offset: number): { first: number; count: number } {
    const count = this.slots[offset + 3] as number;
    return { first: this.slots[offset + 2] as number, count: count === -1 ? 1 : count };
  }
}

/** Lowercase hex digit values by character code; -1 elsewhere. */
const HEX_DIGIT = Int8Array.from({ length: 128 }, (_, code) => (code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1));

/**
 * Interfaces by id. ENI ids (`eni-` and 8 or 17 hex digits) are read as three numbers and found in
 * a typed-array hash table, so a lookup neither hashes nor compares strings (V8 only fast-paths
 * internalized strings, and every id cut out of a flow line is a fresh one). Other ids fall back
 * to a Map.
 */
class InterfaceTable {
  /** Per slot: three key words (the 17 hex digits: 5 + 6 + 6, with the digit count in the first) and the entry index. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly entries: InterfaceEntry[] = [];
  private readonly others = new Map<string, InterfaceEntry>();
  private static readonly key = new Int32Array(3);
  private lastId: string | null = null;
  private lastEntry: InterfaceEntry | undefined = undefined;

  constructor(capacityFor: number) {
    let capacity = 16;
    while (capacity < capacityFor * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 4).fill(-1);
    this.mask = capacity - 1;
  }

  /** Reads `eni-<hex>` into InterfaceTable.key; false for any other id. */
  private static readKey(id: string): boolean {
    const length = id.length;
    const digits = length - 4;
    if (digits < 1 || digits > 17 || id.charCodeAt(0) !== 101 || id.charCodeAt(1) !== 110 || id.charCodeAt(2) !== 105 || id.charCodeAt(3) !== 45) return false;
    let a = digits;
    let b = 0;
    let c = 0;
    for (let i = 4; i < length; i++) {
      const code = id.charCodeAt(i);
      const digit = code < 128 ? (HEX_DIGIT[code] as number) : -1;
      if (digit < 0) return false;
      const position = i - 4;
      if (position < 5) a = a * 16 + digit;
      else if (position < 11) b = b * 16 + digit;
      else c = c * 16 + digit;
    }
    const key = InterfaceTable.key;
    key[0] = a;
    key[1] = b;
    key[2] = c;
    return true;
  }

  private slotOf(): number {
    const key = InterfaceTable.key;
    let h = Math.imul((key[2] as number) ^ Math.imul(key[1] as number, 0x9e3779b1), 0x85ebca6b) ^ (key[0] as number);
    h ^= h >>> 15;
    return Math.imul(h, 0xc2b2ae35) & this.mask;
  }

  set(id: string, value: InterfaceEntry): void {
    this.lastId = null;
    this.entries.push(value);
    if (!InterfaceTable.readKey(id)) {
      this.others.set(id, value);
      return;
    }
    const key = InterfaceTable.key;
    const slots = this.slots;
    let slot = this.slotOf();
    for (;;) {
      const offset = slot * 4;
      if (slots[offset + 3] === -1 || (slots[offset] === key[0] && slots[offset + 1] === key[1] && slots[offset + 2] === key[2])) {
        slots[offset] = key[0] as number;
        slots[offset + 1] = key[1] as number;
        slots[offset + 2] = key[2] as number;
        slots[offset + 3] = this.entries.length - 1;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  get(id: string): InterfaceEntry | undefined {
    // Records of one interface tend to come together (as in files delivered to S3).
    if (id === this.lastId) return this.lastEntry;
    const entry = this.find(id);
    this.lastId = id;
    this.lastEntry = entry;
    return entry;
  }

  private find(id: string): InterfaceEntry | undefined {
    if (!InterfaceTable.readKey(id)) return this.others.get(id);
    const key = InterfaceTable.key;
    const a = key[0] as number;
    const b = key[1] as number;
    const c = key[2] as number;
    const slots = this.slots;
    let slot = this.slotOf();
    for (;;) {
      const offset = slot * 4;
      const index = slots[offset + 3] as number;
      if (index === -1) return undefined;
      if (slots[offset] === a && slots[offset + 1] === b && slots[offset + 2] === c) return this.entries[index];
      slot = (slot + 1) & this.mask;
    }
  }

  values(): InterfaceEntry[] {
    return [...new Set(this.entries)];
  }
}

/** The holder valid at `time` in a newest-first list, or undefined. */
function holderAt(list: Holding[], time: number): Holding | undefined {
  for (let i = 0; i < list.length; i++) {
    const holding = list[i] as Holding;
    if (holding.from <= time && time < holding.to) return holding;
  }
  return undefined;
}

const seconds = (ms: number) => ms / 1000;

/** Orders holdings newest first and sets each one's effective start (see the file comment). */
function settleValidity(list: Holding[], firstSeen: Map<Holding, number>): void {
  list.sort((a, b) => (firstSeen.get(a) as number) - (firstSeen.get(b) as number));
  for (let i = 0; i < list.length; i++) {
    const holding = list[i] as Holding;
    const previous = list[i - 1];
    const seen = firstSeen.get(holding) as number;
    holding.from = previous === undefined ? -Infinity : Math.min(seen, Number.isFinite(previous.to) ? previous.to : seen);
  }
  list.reverse();
}

/** AWS services from most to least specific: AMAZON (the umbrella) last. */
function awsEndpointFor(prefix: string, ranges: AwsIpRange[]): AwsEndpoint {
  const services = [...new Set(ranges.map((r) => r.service))].sort((a, b) => (a === "AMAZON" ? 1 : b === "AMAZON" ? -1 : a.localeCompare(b)));
  return { kind: "aws", service: services[0] as string, services, region: (ranges[0] as AwsIpRange).region, prefix };
}

export interface LookupStats {
  interfaces: number;
  mappedInterfaces: number;
  addresses: number;
  prefixes: number;
  buildMs: number;
}

export class EnrichmentLookup {
  readonly version: number;
  readonly stats: LookupStats;
  private readonly interfaces: InterfaceTable;
  private readonly vpcs = new Map<string, VpcEntry>();
  private readonly vpcsByScope: VpcEntry[] = [];
  private readonly index: AddressIndex;
  private readonly v6 = new Map<string, Holding[]>();
  private readonly external: PrefixTable<AwsEndpoint | KnownNetworkEndpoint>;
  private readonly words = new Uint32Array(4);

  constructor(snapshot: InventorySnapshot) {
    const started = performance.now();
    this.version = snapshot.version;
    const accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
    const subnets = new Map(snapshot.subnets.map((s) => [s.id, s]));
    const services = new Map(snapshot.services.map((s) => [s.name, s]));
    const rules = compileMappingRules([...snapshot.rules, ...DEFAULT_MAPPING_RULES]);

    const vpcsById = new Map(snapshot.vpcs.map((v) => [v.id, v]));
    const vpcEntry = (id: string): VpcEntry => {
      let entry = this.vpcs.get(id);
      if (!entry) {
        const vpc = vpcsById.get(id);
        const cidrs = [...(vpc?.cidrBlocks ?? []), ...(vpc?.ipv6CidrBlocks ?? [])].map((c) => parseCidr(c)).filter((c): c is CidrRange => c !== undefined);
        entry = {
          scope: FIRST_VPC_SCOPE + this.vpcsByScope.length,
          cidrs4: cidrs.filter((c) => c.family === 4).map((c) => ({ first: Number(c.first), last: Number(c.last) })),
          cidrs6: cidrs.filter((c) => c.family === 6),
          unknownInside: Object.freeze({ kind: "private", vpcId: id, vpcName: vpc?.name ?? null, reason: "unknown" }),
        };
        this.vpcs.set(id, entry);
        this.vpcsByScope.push(entry);
      }
      return entry;
    };
    for (const vpc of snapshot.vpcs) vpcEntry(vpc.id);

    let addressCount = 0;
    for (const iface of snapshot.interfaces) addressCount += iface.addresses.length;
    this.interfaces = new InterfaceTable(snapshot.interfaces.length);
    const firstSeen = new Map<Holding, number>();
    /** The per-VPC, public and IPv6 lists, each settled on its own; VPC lists are then merged into the all-VPC scope. */
    const lists = new Set<Holding[]>();
    const vpcLists: { address: number; list: Holding[] }[] = [];
    const indexLists = new Map<string, { scope: number; address: number; holdings: Holding[] }>();
    const listFor = (scope: number, value: number): Holding[] => {
      const key = `${scope}:${value}`;
      let entry = indexLists.get(key);
      if (!entry) indexLists.set(key, (entry = { scope, address: value, holdings: [] }));
      return entry.holdings;
    };
    let mapped = 0;

    for (const iface of snapshot.interfaces) {
      const account = accounts.get(iface.accountId);
      const subnet = iface.subnetId ? subnets.get(iface.subnetId) : undefined;
      const vpc = vpcEntry(iface.vpcId);
      const current = iface.addresses.filter((a) => a.endedAt === null && a.kind !== "public_ipv4").map((a) => a.address);
      const mapping = mapInterface({ ...iface, addresses: current.length > 0 ? current : iface.addresses.map((a) => a.address) }, rules);
      if (mapping) mapped++;
      const registered = mapping ? services.get(mapping.service) : undefined;
      const endpoint: InterfaceEndpoint = Object.freeze({
        kind: "interface",
        interfaceId: iface.id,
        interfaceType: iface.interfaceType,
        description: iface.description,
        service: mapping?.service ?? null,
        team: mapping?.team ?? registered?.team ?? iface.tags.team ?? iface.tags.Team ?? iface.tags.owner ?? account?.team ?? null,
        rule: mapping?.ruleName ?? null,
        accountId: iface.accountId,
        accountName: account?.name ?? null,
        environment: account?.environment ?? iface.tags.environment ?? iface.tags.env ?? null,
        vpcId: iface.vpcId,
        vpcName: vpcsById.get(iface.vpcId)?.name ?? null,
        subnetId: iface.subnetId,
        subnetName: subnet?.name ?? null,
        availabilityZone: iface.availabilityZone ?? subnet?.availabilityZone ?? null,
        availabilityZoneId: subnet?.availabilityZoneId ?? null,
        region: iface.region,
        instanceId: iface.instanceId,
        deletedAt: iface.endedAt,
      });
      const addressesV4: number[] = [];
      const addressesV6: string[] = [];
      for (const address of iface.addresses) {
        const add = (list: Holding[]) => {
          const holding: Holding = { endpoint, accountId: iface.accountId, from: -Infinity, to: address.endedAt === null ? Infinity : seconds(address.endedAt) };
          firstSeen.set(holding, seconds(address.firstSeen));
          list.push(holding);
          lists.add(list);
        };
        const addPrivate = (value: number) => {
          const list = listFor(vpc.scope, value);
          if (list.length === 0) vpcLists.push({ address: value, list });
          add(list);
        };
        if (address.kind === "private_ipv4") {
          const value = parseIPv4(address.address);
          if (value < 0) continue;
          addressesV4.push(value);
          addPrivate(value);
        } else if (address.kind === "public_ipv4") {
          const value = parseIPv4(address.address);
          if (value >= 0) add(listFor(SCOPE_PUBLIC, value));
        } else if (address.kind === "ipv4_prefix") {
          // Delegated prefixes (EKS prefix mode, /28): every address of the prefix is the interface's.
          const range = parseCidr(address.address);
          if (!range || range.family !== 4 || range.prefixLength < 20) continue;
          for (let value = Number(range.first); value <= Number(range.last); value++) addPrivate(value);
        } else if (address.kind === "ipv6") {
          if (!parseIPv6(address.address, this.words)) continue;
          const key = ipv6Key(this.words);
          addressesV6.push(key);
          let list = this.v6.get(key);
          if (!list) this.v6.set(key, (list = []));
          add(list);
        }
      }
      this.interfaces.set(iface.id, { endpoint, vpcScope: vpc.scope, addressesV4: Uint32Array.from(addressesV4), addressesV6 });
    }
    for (const list of lists) settleValidity(list, firstSeen);
    // Holders in different VPCs are concurrent, so the all-VPC scope reuses the settled holdings.
    for (const { address, list } of vpcLists) listFor(SCOPE_ALL_VPCS, address).push(...list);
    this.index = new AddressIndex(indexLists);

    const byPrefix = new Map<string, AwsIpRange[]>();
    for (const range of snapshot.awsRanges) {
      const parsed = parseCidr(range.prefix);
      if (!parsed) continue;
      const list = byPrefix.get(parsed.cidr) ?? [];
      list.push(range);
      byPrefix.set(parsed.cidr, list);
    }
    const entries: { cidr: string; value: AwsEndpoint | KnownNetworkEndpoint }[] = [];
    for (const [prefix, ranges] of byPrefix) entries.push({ cidr: prefix, value: Object.freeze(awsEndpointFor(prefix, ranges)) });
    // Known networks after AWS ranges: on an identical prefix, the name people gave wins.
    for (const network of snapshot.knownNetworks) {
      entries.push({ cidr: network.cidr, value: Object.freeze({ kind: "known", name: network.name, category: network.category, cidr: network.cidr }) });
    }
    this.external = new PrefixTable(entries);

    this.stats = {
      interfaces: snapshot.interfaces.length,
      mappedInterfaces: mapped,
      addresses: addressCount,
      prefixes: this.external.size,
      buildMs: performance.now() - started,
    };
  }

  /** The interface with this id (ENI ids are never reused), or undefined. */
  interface(interfaceId: string): InterfaceEntry | undefined {
    return this.interfaces.get(interfaceId);
  }

  /** The VPC scope of a VPC id (for records that carry vpc-id but whose interface is unknown). */
  vpcScope(vpcId: string): number {
    return this.vpcs.get(vpcId)?.scope ?? -1;
  }

  /**
   * Names `address` as seen by a flow at `time` (Unix seconds) logged in VPC scope `vpcScope`
   * (-1 when unknown) by an account (`accountId`, may be null), optionally on interface `own`.
   */
  resolve(address: string, time: number, vpcScope: number, accountId: string | null, own: InterfaceEntry | undefined): Endpoint {
    const v4 = parseIPv4(address);
    if (v4 >= 0) return this.resolveV4(v4, time, vpcScope, accountId, own);
    if (parseIPv6(address, this.words)) return this.resolveV6(this.words, time, vpcScope, own);
    return INVALID;
  }

  private resolveV4(address: number, time: number, vpcScope: number, accountId: string | null, own: InterfaceEntry | undefined): Endpoint {
    const index = this.index;
    if (isPrivateIPv4(address) || isLocalIPv4(address)) {
      const vpc = vpcScope >= FIRST_VPC_SCOPE ? this.vpcsByScope[vpcScope - FIRST_VPC_SCOPE] : undefined;
      if (vpc) {
        const slot = index.find(vpcScope, address);
        const holder = slot < 0 ? -1 : index.holderAt(slot, time);
        if (holder >= 0) return index.endpoints[holder] as InterfaceEndpoint;
        if (own && own.addressesV4.includes(address)) return own.endpoint;
        for (let i = 0; i < vpc.cidrs4.length; i++) {
          const cidr = vpc.cidrs4[i] as { first: number; last: number };
          if (address >= cidr.first && address <= cidr.last) return vpc.unknownInside;
        }
      } else if (own && own.addressesV4.includes(address)) {
        return own.endpoint;
      }
      const slot = index.find(SCOPE_ALL_VPCS, address);
      if (slot >= 0) {
        const { first, count } = index.range(slot);
        let found = -1;
        let candidates = 0;
        let sameAccount = -1;
        let sameAccountCount = 0;
        for (let i = first; i < first + count; i++) {
          if (!((index.from[i] as number) <= time && time < (index.to[i] as number))) continue;
          const endpoint = index.endpoints[i] as InterfaceEndpoint;
          if (found >= 0 && (index.endpoints[found] as InterfaceEndpoint).vpcId === endpoint.vpcId) continue;
          found = i;
          candidates++;
          if (index.accounts[i] === accountId) {
            sameAccount = i;
            sameAccountCount++;
          }
        }
        if (candidates === 1) return index.endpoints[found] as InterfaceEndpoint;
        if (sameAccountCount === 1) return index.endpoints[sameAccount] as InterfaceEndpoint;
        if (candidates > 1) return PRIVATE_AMBIGUOUS;
      }
      return this.external.lookupV4(address) ?? PRIVATE_UNKNOWN;
    }
    const slot = index.find(SCOPE_PUBLIC, address);
    const holder = slot < 0 ? -1 : index.holderAt(slot, time);
    if (holder >= 0) return index.endpoints[holder] as InterfaceEndpoint;
    return this.external.lookupV4(address) ?? INTERNET;
  }

  private resolveV6(words: Uint32Array, time: number, vpcScope: number, own: InterfaceEntry | undefined): Endpoint {
    const key = ipv6Key(words);
    const list = this.v6.get(key);
    const holder = list ? holderAt(list, time) : undefined;
    if (holder) return holder.endpoint;
    if (own && own.addressesV6.includes(key)) return own.endpoint;
    const vpc = vpcScope >= FIRST_VPC_SCOPE ? this.vpcsByScope[vpcScope - FIRST_VPC_SCOPE] : undefined;
    if (vpc && vpc.cidrs6.length > 0) {
      let value = 0n;
      for (let w = 0; w < 4; w++) value = (value << 32n) | BigInt(words[w] as number);
      if (vpc.cidrs6.some((c) => value >= c.first && value <= c.last)) return vpc.unknownInside;
    }
    const external = this.external.lookupV6(words);
    if (external) return external;
    return isPrivateIPv6(words) ? PRIVATE_UNKNOWN : INTERNET;
  }

  /** Every interface endpoint, for listings (not hot). */
  interfaceEndpoints(): InterfaceEndpoint[] {
    return this.interfaces.values().map((entry) => entry.endpoint);
  }
}
