/**
 * Hourly cost rollups: flow logs read through the query gate with LogQL metric queries
 * (rollup-query.ts), each series resolved with the enrichment lookup and classified into billed
 * hops (classify.ts), and the hops summed into rows of `cost_rollups` per flow log and hour.
 *
 * - Exact and within Loki's limits: one query per flow log, metric and span of hours; a span that
 *   would return more than Loki's series limit (or time out) is split in halves down to one hour,
 *   then into shards, each the same query on a disjoint set of series: up to 16 by the last hex
 *   digit of the interface id, then 100 by the last characters of the source and destination keys
 *   (one interface with thousands of peers), then 1,600 by both. What worked is remembered per
 *   flow log for the next span.
 * - Idempotent per hour: an hour's rows of a flow log are replaced in one transaction, with a
 *   state row saying how many lines the log backend held for it (`entries`). An hour is *final*
 *   once the flow logs' delivery delay has passed after its end; before that it is provisional and
 *   recomputed on every run. A final hour is recomputed when the number of lines stored for it
 *   changes (late data), or when asked (`force`).
 * - Addresses in /24s that the inventory's ranges divide finer (address-plan.ts) are read one by
 *   one only once a span's answer shows traffic reaching them: the span is then queried again with
 *   those /24s listed, and they are remembered per flow log for the next spans and runs.
 * - Addresses are resolved as of the start of each hour; when any series' addresses changed owner
 *   within the hour (interfaces and IPs churn), that hour is queried again minute by minute.
 * - NAT gateway records without pkt-dstaddr say who used the NAT but not where to: the destination
 *   is inferred from the client's own records of the same hour, over the destinations the NAT's
 *   outer records show it carried, and marked `inferred`.
 *
 * Services call `rollupRange` (the CLI backfill, the portal's schedule in scheduler.ts) or
 * `computeRollupRows` (the same rows in memory, for reports over a few hours and the benchmark).
 */
import type { Database } from "../db/client";
import { type Endpoint, EnrichmentLookup, type InterfaceEntry } from "../enrichment/lookup";
import { loadInventorySnapshot } from "../enrichment/loader";
import { ipv6Key, parseIPv4, parseIPv6 } from "../enrichment/ip";
import { AppError } from "../errors";
import type { FlowFormatRegistry } from "../flows/registry";
import { loadFlowFormatRegistry } from "../inventory/flow-log-formats";
import { currentInventoryStamp } from "../inventory/stamp";
import type { QueryGate } from "../loki/gate";
import { type AddressKey, type AddressPlan, addressKeyText, buildAddressPlan, representativeAddress } from "./address-plan";
import { type BilledHop, type CostPeer, NO_TEAM, classifyObservation, peerOf } from "./classify";
import {
  ENTRY_COUNT_QUERY,
  QUERY_TOO_LONG,
  nextShardCount,
  type RollupMetric,
  type RollupPoint,
  type RollupQueryPlan,
  type RollupSeriesKey,
  type Shard,
  buildRollupQuery,
  missingRollupFields,
  readRollupAnswer,
  refinedRollupPlan,
  rollupQueryPlan,
} from "./rollup-query";

export const HOUR = 3600;
const NS = 1_000_000_000n;
const MAX_HOURS_PER_QUERY = 24;
/** Loki's default max_query_length is 721h: count queries go in 30-day pieces. */
const MAX_COUNT_SPAN = 30 * 24 * HOUR;

export const floorHour = (seconds: number) => Math.floor(seconds / HOUR) * HOUR;
export const ceilHour = (seconds: number) => Math.ceil(seconds / HOUR) * HOUR;

/** One row of `cost_rollups` (amounts as numbers: they stay below 2^53). */
export interface RollupRow {
  hour: number;
  flowLogId: string;
  accountId: string;
  region: string;
  vpcId: string;
  vpcName: string | null;
  availabilityZone: string | null;
  service: string;
  team: string;
  peerClass: string;
  peerName: string;
  peerRegion: string | null;
  path: string;
  direction: string;
  action: string;
  via: string | null;
  viaKind: string | null;
  priceRegion: string | null;
  inferred: boolean;
  bytes: number;
  packets: number;
  flows: number;
}

export interface RollupDeps {
  db: Database;
  gate: QueryGate;
  log?: (line: string) => void;
}

export interface RollupProgress {
  /** Flow log hours done and to do. */
  done: number;
  total: number;
  queries: number;
  rows: number;
  flowLogId: string;
}

export interface RollupRangeOptions {
  /** Unix seconds; rounded out to whole hours. */
  from: number;
  to: number;
  /** Recompute final hours whose count has not changed, too. */
  force?: boolean;
  /** Unix seconds (tests pin it). */
  now?: number;
  /** How long after an hour's end its flow logs may still arrive, in seconds. */
  deliveryDelaySeconds: number;
  onProgress?: (progress: RollupProgress) => void;
  signal?: AbortSignal;
}

export interface RollupSummary {
  hours: number;
  /** Flow log hours computed (queried and written). */
  computed: number;
  /** Of those, final hours recomputed because the log backend held a different number of lines. */
  lateData: number;
  /** Flow log hours left as they were (final, count unchanged). */
  unchanged: number;
  flowLogs: string[];
  /** Flow logs whose format lacks fields rollups need, with the fields. */
  skipped: { flowLogId: string; missing: string[] }[];
  /** Flow logs Loki could not answer (a query too long, an hour of one interface over the series limit), with why; their hours are left as they were. */
  failed: { flowLogId: string; error: string }[];
  queries: number;
  /** The largest number of interface shards any span needed. */
  maxShards: number;
  /** Hours queried again minute by minute because an address changed owner inside them. */
  refinedHours: number;
  rows: number;
  durationMs: number;
  /** Of which: waiting for the log backend, classifying, writing to PostgreSQL. */
  queryMs: number;
  classifyMs: number;
  writeMs: number;
}

/** Time spent per phase in this process (the summary reports a run's share). */
const timing = { queryMs: 0, classifyMs: 0, writeMs: 0 };

// ─── Inventory for a run ─────────────────────────────────────────────────────────────────────

export interface RollupInventory {
  version: number;
  lookup: EnrichmentLookup;
  addresses: AddressPlan;
}

const inventoryCache = new WeakMap<Database, RollupInventory>();

/** The compiled lookup and the address plan for the current inventory (cached per stamp). */
export async function rollupInventory(db: Database): Promise<RollupInventory> {
  const version = await currentInventoryStamp(db);
  const cached = inventoryCache.get(db);
  if (cached && cached.version === version) return cached;
  const snapshot = await loadInventorySnapshot(db);
  const publicAddresses: string[] = [];
  for (const iface of snapshot.interfaces) for (const a of iface.addresses) if (a.kind === "public_ipv4") publicAddresses.push(a.address);
  const inventory: RollupInventory = {
    version: snapshot.version,
    lookup: new EnrichmentLookup(snapshot),
    addresses: buildAddressPlan({
      vpcCidrs: snapshot.vpcs.flatMap((v) => v.cidrBlocks),
      namedPrefixes: [...snapshot.awsRanges.map((r) => r.prefix), ...snapshot.knownNetworks.map((n) => n.cidr)],
      publicAddresses,
    }),
  };
  inventoryCache.set(db, inventory);
  return inventory;
}

// ─── Counting lines (late data) ──────────────────────────────────────────────────────────────

/** Lines stored per flow log and hour in [from, to) (hours aligned), through the gate. */
export async function countEntries(gate: QueryGate, from: number, to: number): Promise<Map<string, Map<number, number>>> {
  const counts = new Map<string, Map<number, number>>();
  for (let start = from; start < to; start += MAX_COUNT_SPAN) {
    const end = Math.min(to, start + MAX_COUNT_SPAN);
    const answer = await gate.queryRange({
      query: ENTRY_COUNT_QUERY,
      start: BigInt(start + HOUR) * NS,
      end: BigInt(end) * NS,
      stepMs: HOUR * 1000,
    });
    if (answer.resultType !== "matrix") continue;
    for (const series of answer.result) {
      const flowLogId = series.metric.__aws_s3_vpc_flow;
      if (!flowLogId) continue;
      const byHour = counts.get(flowLogId) ?? new Map<number, number>();
      for (const [ts, value] of series.values) byHour.set(Math.round(ts) - HOUR, Number(value));
      counts.set(flowLogId, byHour);
    }
  }
  return counts;
}

// ─── Querying a span ─────────────────────────────────────────────────────────────────────────

const learned = new Map<string, { hours: number; shards: number }>();

function isTooBig(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  if (error.code === "LIMIT_EXCEEDED" && /maximum of series|max.*series/i.test(error.message)) return true;
  return error.code === "UNAVAILABLE" && /did not answer within/.test(error.message);
}

interface SpanResult {
  points: Map<RollupMetric, RollupPoint[]>;
  queries: number;
  shards: number;
  /** The most series one query of the span returned. */
  series: number;
}

/** Below this many series a span's queries may cover twice the hours next time (Loki's default limit is 500). */
const GROW_BELOW_SERIES = 150;

function seriesIn(points: readonly RollupPoint[]): number {
  return new Set(points.map((p) => p.key.id)).size;
}

async function queryShard(gate: QueryGate, plan: RollupQueryPlan, from: number, to: number, shard: Shard, rangeSeconds: number): Promise<Map<RollupMetric, RollupPoint[]>> {
  const run = async (metric: RollupMetric) => {
    const started = performance.now();
    const answer = await gate.queryRange({
      query: buildRollupQuery(plan, metric, shard, rangeSeconds),
      start: BigInt(from + rangeSeconds) * NS,
      end: BigInt(to) * NS,
      stepMs: rangeSeconds * 1000,
    }).finally(() => {
      timing.queryMs += performance.now() - started;
    });
    return readRollupAnswer(answer, rangeSeconds);
  };
  // Bytes first: when it fits, the other two (same series) fit as well.
  const bytes = await run("bytes");
  const [packets, flows] = await Promise.all([run("packets"), run("flows")]);
  return new Map([
    ["bytes", bytes],
    ["packets", packets],
    ["flows", flows],
  ]);
}

/** Queries [from, to) in `shards` shards, splitting finer (SHARD_COUNTS) while one is too big. */
async function queryShards(gate: QueryGate, plan: RollupQueryPlan, from: number, to: number, shards: number, rangeSeconds: number): Promise<SpanResult> {
  for (let count = shards; ; count = nextShardCount(count) ?? count) {
    const points = new Map<RollupMetric, RollupPoint[]>([["bytes", []], ["packets", []], ["flows", []]]);
    let queries = 0;
    let series = 0;
    try {
      for (let index = 0; index < count; index++) {
        const part = await queryShard(gate, plan, from, to, { index, count }, rangeSeconds);
        queries += 3;
        series = Math.max(series, seriesIn(part.get("bytes") ?? []));
        for (const [metric, list] of part) (points.get(metric) as RollupPoint[]).push(...list);
      }
      return { points, queries, shards: count, series };
    } catch (error) {
      if (!isTooBig(error) || nextShardCount(count) === undefined) throw error;
    }
  }
}

/** Mixed /24s each flow log's traffic has reached: its next queries read them address by address from the start. */
const learnedBlocks = new Map<string, ReadonlySet<string>>();

/**
 * Queries the hours [from, to) of a flow log, splitting the span, then sharding, until each query
 * fits; a span whose answer holds /24 keys that do not name their addresses is queried again with
 * those /24s read address by address. `onPart` gets the plan that answered.
 */
async function querySpan(
  gate: QueryGate,
  initial: RollupQueryPlan,
  from: number,
  to: number,
  onPart: (part: SpanResult, from: number, to: number, plan: RollupQueryPlan) => Promise<void>,
): Promise<void> {
  const known = initial.addresses.withExactBlocks(learnedBlocks.get(initial.flowLogId) ?? []);
  let plan = known === initial.addresses ? initial : rollupQueryPlan(initial.flowLogId, initial.format, known);
  const memory = learned.get(plan.flowLogId) ?? { hours: MAX_HOURS_PER_QUERY, shards: 1 };
  /** The /24s remembered from earlier spans are only a head start: the plan restarts from them no more than once per span. */
  let restartedAt: number | undefined;
  /** Queries of answers thrown away for a finer plan (counted with the span's). */
  let requeried = 0;
  for (let start = from; start < to; ) {
    const hours = Math.max(1, Math.min(memory.hours, (to - start) / HOUR));
    const end = start + hours * HOUR;
    try {
      const part = hours > 1 ? await querySingle(gate, plan, start, end, memory.shards) : await queryShards(gate, plan, start, end, memory.shards, HOUR);
      const refined = refinedRollupPlan(plan, part.points.get("bytes") ?? []);
      if (refined) {
        requeried += part.queries;
        plan = refined;
        learnedBlocks.set(plan.flowLogId, plan.addresses.exactBlocks);
        continue; // the same span again, with the finer plan
      }
      part.queries += requeried;
      requeried = 0;
      memory.shards = part.shards;
      // A span well under the limit: the next one may be longer (flow logs are busier at some hours than others).
      if (part.series < GROW_BELOW_SERIES && memory.hours < MAX_HOURS_PER_QUERY && memory.shards === 1) memory.hours = Math.min(MAX_HOURS_PER_QUERY, memory.hours * 2);
      learned.set(plan.flowLogId, memory);
      await onPart(part, start, end, plan);
      start = end;
    } catch (error) {
      if (error instanceof AppError && error.details?.reason === QUERY_TOO_LONG) {
        // Too many /24s listed: forget those of other spans, then try fewer hours (fewer /24s reached).
        if (restartedAt !== start && plan !== initial) {
          restartedAt = start;
          plan = initial;
          learnedBlocks.delete(plan.flowLogId);
          continue;
        }
        if (hours <= 1) throw error;
        plan = initial;
        memory.hours = Math.max(1, Math.floor(hours / 2));
        learned.set(plan.flowLogId, memory);
        continue;
      }
      if (!isTooBig(error) || hours <= 1) throw error;
      memory.hours = Math.max(1, Math.floor(hours / 2));
      learned.set(plan.flowLogId, memory);
    }
  }
}

/** A multi-hour span with the known shard count: too big means split the span, not shard further. */
async function querySingle(gate: QueryGate, plan: RollupQueryPlan, from: number, to: number, shards: number): Promise<SpanResult> {
  const points = new Map<RollupMetric, RollupPoint[]>([["bytes", []], ["packets", []], ["flows", []]]);
  let queries = 0;
  let series = 0;
  for (let index = 0; index < shards; index++) {
    const part = await queryShard(gate, plan, from, to, { index, count: shards }, HOUR);
    queries += 3;
    series = Math.max(series, seriesIn(part.get("bytes") ?? []));
    for (const [metric, list] of part) (points.get(metric) as RollupPoint[]).push(...list);
  }
  return { points, queries, shards, series };
}

// ─── From points to rows ─────────────────────────────────────────────────────────────────────

interface Amounts {
  key: RollupSeriesKey;
  windowStart: number;
  bytes: number;
  packets: number;
  flows: number;
}

/** Joins the three metrics' points by series and window. */
function joinMetrics(points: Map<RollupMetric, RollupPoint[]>): Amounts[] {
  const byId = new Map<string, Amounts>();
  for (const metric of ["bytes", "packets", "flows"] as const) {
    for (const point of points.get(metric) ?? []) {
      const id = `${point.key.id}@${point.windowStart}`;
      let amounts = byId.get(id);
      if (!amounts) byId.set(id, (amounts = { key: point.key, windowStart: point.windowStart, bytes: 0, packets: 0, flows: 0 }));
      amounts[metric] += point.value;
    }
  }
  return [...byId.values()];
}

function isOwnAddress(key: AddressKey, entry: InterfaceEntry | undefined, words: Uint32Array): boolean {
  if (!entry || key.kind !== "exact") return false;
  const v4 = parseIPv4(key.address);
  if (v4 >= 0) return entry.addressesV4.includes(v4);
  return parseIPv6(key.address, words) && entry.addressesV6.includes(ipv6Key(words));
}

class Resolver {
  private readonly words = new Uint32Array(4);
  constructor(private readonly lookup: EnrichmentLookup) {}

  endpoint(key: AddressKey, time: number, entry: InterfaceEntry | undefined, accountId: string | null): Endpoint | null {
    const address = representativeAddress(key);
    if (address === undefined) return null;
    return this.lookup.resolve(address, time, entry ? entry.vpcScope : -1, accountId, entry);
  }

  isOwn(key: AddressKey, entry: InterfaceEntry | undefined): boolean {
    return isOwnAddress(key, entry, this.words);
  }
}

interface Classified {
  hops: BilledHop[];
  /** NAT gateway interface → direction ("out": towards the internet) → peer key → bytes, from the NATs' outer records. */
  natCarried: Map<string, Map<string, number>>;
}

const peerKey = (peer: CostPeer) => `${peer.peerClass}|${peer.name}|${peer.region ?? ""}`;

/** What classification reads of an endpoint: two endpoints with the same signature classify alike. */
function signature(endpoint: Endpoint | null): string {
  if (endpoint === null) return "-";
  if (endpoint.kind !== "interface") return peerKey(peerOf(endpoint));
  const e = endpoint;
  return [e.service, e.team, e.accountId, e.vpcId, e.vpcName, e.region, e.availabilityZoneId ?? e.availabilityZone, e.interfaceType, e.description.startsWith("ELB app/")].join("|");
}

/** Classifies one series' amounts at `time`; returns the endpoints used (to compare across the hour). */
function classifySeries(amounts: Amounts, time: number, lookup: EnrichmentLookup, resolver: Resolver, into: Classified): (Endpoint | null)[] {
  const key = amounts.key;
  const entry = lookup.interface(key.interfaceId);
  const own = entry?.endpoint ?? null;
  const accountId = own?.accountId ?? key.accountId;
  if (!own) {
    into.hops.push({
      party: { accountId: key.accountId ?? "unknown", region: "unknown", vpcId: "unknown", vpcName: null, service: `(unknown interface ${key.interfaceId})`, team: NO_TEAM, availabilityZone: null },
      path: key.action === "REJECT" ? "rejected" : "unclassified",
      direction: "out",
      peer: null,
      via: null,
      viaKind: null,
      priceRegion: null,
      bytes: amounts.bytes,
      packets: amounts.packets,
      flows: amounts.flows,
      partyInterfaceId: null,
      viaInterfaceId: null,
    });
    return [];
  }
  const srcIsOwn = resolver.isOwn(key.src, entry);
  const dstIsOwn = resolver.isOwn(key.dst, entry);
  const src = srcIsOwn ? own : resolver.endpoint(key.src, time, entry, accountId);
  const dst = dstIsOwn ? own : resolver.endpoint(key.dst, time, entry, accountId);
  const samePktSrc = key.pktSrc.kind === "absent" || addressKeyText(key.pktSrc) === addressKeyText(key.src);
  const samePktDst = key.pktDst.kind === "absent" || addressKeyText(key.pktDst) === addressKeyText(key.dst);
  const pktSrc = samePktSrc ? null : resolver.endpoint(key.pktSrc, time, entry, accountId);
  const pktDst = samePktDst ? null : resolver.endpoint(key.pktDst, time, entry, accountId);
  if (!src || !dst) return [src, dst, pktSrc, pktDst];
  const obs = {
    own,
    srcIsOwn,
    dstIsOwn,
    src,
    dst,
    pktSrc,
    pktDst,
    action: key.action,
    flowDirection: key.flowDirection,
    trafficPath: key.trafficPath,
    bytes: amounts.bytes,
    packets: amounts.packets,
    flows: amounts.flows,
  };
  into.hops.push(...classifyObservation(obs));
  if (own.interfaceType === "nat_gateway" && key.action === "ACCEPT") {
    const direction = key.flowDirection ?? (srcIsOwn && !dstIsOwn ? "egress" : dstIsOwn && !srcIsOwn ? "ingress" : null);
    const remote = direction === "egress" ? dst : direction === "ingress" ? src : null;
    if (remote && remote.kind !== "interface" && remote.kind !== "private") {
      const id = `${own.interfaceId}/${direction === "egress" ? "out" : "in"}`;
      const carried = into.natCarried.get(id) ?? new Map<string, number>();
      const k = peerKey(peerOf(remote));
      carried.set(k, (carried.get(k) ?? 0) + amounts.bytes);
      into.natCarried.set(id, carried);
    }
  }
  return [src, dst, pktSrc, pktDst];
}

const EXTERNAL_PATHS = new Set(["internet_egress", "inter_region", "aws_regional", "gateway_endpoint", "regional_public", "inbound"]);

/** Splits `total` in proportion to `weights` into integers that add up to `total` exactly. */
export function splitInProportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0 && k < order.length; k++, left--) parts[(order[k] as { i: number }).i] = (parts[(order[k] as { i: number }).i] as number) + 1;
  return parts;
}

/**
 * Gives NAT hops without a logged destination the destinations of the client's own records of the
 * same window, among those the NAT carried (from its outer records), in proportion to bytes.
 */
function inferNatDestinations(classified: Classified): BilledHop[] {
  const clientTraffic = new Map<string, Map<string, { peer: CostPeer; bytes: number }>>();
  for (const hop of classified.hops) {
    if (!hop.partyInterfaceId || !hop.peer || !EXTERNAL_PATHS.has(hop.path)) continue;
    if (hop.peer.peerClass === "service" || hop.peer.peerClass === "private") continue;
    const id = `${hop.partyInterfaceId}/${hop.direction}`;
    const byPeer = clientTraffic.get(id) ?? new Map<string, { peer: CostPeer; bytes: number }>();
    const k = peerKey(hop.peer);
    const entry = byPeer.get(k) ?? { peer: hop.peer, bytes: 0 };
    entry.bytes += hop.bytes;
    byPeer.set(k, entry);
    clientTraffic.set(id, byPeer);
  }
  const out: BilledHop[] = [];
  for (const hop of classified.hops) {
    if (hop.peer !== null || !hop.viaInterfaceId || (hop.path !== "nat_processing" && hop.path !== "cross_az")) {
      out.push(hop);
      continue;
    }
    const carried = classified.natCarried.get(`${hop.viaInterfaceId}/${hop.direction}`);
    const candidates = hop.partyInterfaceId ? [...(clientTraffic.get(`${hop.partyInterfaceId}/${hop.direction}`)?.entries() ?? [])].filter(([k]) => carried?.has(k)) : [];
    if (candidates.length === 0) {
      out.push({ ...hop, peer: { peerClass: "unknown", name: "beyond the NAT gateway (pkt-dstaddr not logged)", region: null } });
      continue;
    }
    const weights = candidates.map(([, v]) => v.bytes);
    const bytes = splitInProportion(hop.bytes, weights);
    const packets = splitInProportion(hop.packets, weights);
    const flows = splitInProportion(hop.flows, weights);
    candidates.forEach(([, v], i) => {
      if ((bytes[i] ?? 0) === 0 && (packets[i] ?? 0) === 0 && (flows[i] ?? 0) === 0) return;
      out.push({ ...hop, peer: v.peer, bytes: bytes[i] ?? 0, packets: packets[i] ?? 0, flows: flows[i] ?? 0, inferred: true });
    });
  }
  return out;
}

function rowKey(row: Omit<RollupRow, "bytes" | "packets" | "flows">): string {
  return [row.hour, row.flowLogId, row.accountId, row.region, row.vpcId, row.vpcName, row.availabilityZone, row.service, row.team, row.peerClass, row.peerName, row.peerRegion, row.path, row.direction, row.action, row.via, row.viaKind, row.priceRegion, row.inferred].join("\u0001");
}

function addHops(rows: Map<string, RollupRow>, hops: readonly BilledHop[], hour: number, flowLogId: string): void {
  for (const hop of hops) {
    const peer = hop.peer ?? { peerClass: "unknown", name: "unknown", region: null };
    const dims = {
      hour,
      flowLogId,
      accountId: hop.party.accountId,
      region: hop.party.region,
      vpcId: hop.party.vpcId,
      vpcName: hop.party.vpcName,
      availabilityZone: hop.party.availabilityZone,
      service: hop.party.service,
      team: hop.party.team,
      peerClass: peer.peerClass,
      peerName: peer.name,
      peerRegion: peer.region,
      path: hop.path,
      direction: hop.direction,
      action: hop.path === "rejected" ? "REJECT" : "ACCEPT",
      via: hop.via,
      viaKind: hop.viaKind,
      priceRegion: hop.priceRegion,
      inferred: hop.inferred === true,
    };
    const key = rowKey(dims);
    const row = rows.get(key);
    if (row) {
      row.bytes += hop.bytes;
      row.packets += hop.packets;
      row.flows += hop.flows;
    } else {
      rows.set(key, { ...dims, bytes: hop.bytes, packets: hop.packets, flows: hop.flows });
    }
  }
}

/** Classifies the series of one flow log's windows: rows per hour, and the hours that need minute-by-minute resolution. */
function classifyWindows(amounts: readonly Amounts[], flowLogId: string, inventory: RollupInventory, windowSeconds: number, checkChurn: boolean): { rows: Map<number, RollupRow[]>; churnHours: Set<number> } {
  const resolver = new Resolver(inventory.lookup);
  const byWindow = new Map<number, Amounts[]>();
  for (const a of amounts) {
    const list = byWindow.get(a.windowStart) ?? [];
    list.push(a);
    byWindow.set(a.windowStart, list);
  }
  const rowsByHour = new Map<number, Map<string, RollupRow>>();
  const churnHours = new Set<number>();
  for (const [windowStart, list] of [...byWindow].sort((a, b) => a[0] - b[0])) {
    const hour = floorHour(windowStart);
    const classified: Classified = { hops: [], natCarried: new Map() };
    for (const a of list) {
      const used = classifySeries(a, windowStart, inventory.lookup, resolver, classified);
      if (checkChurn && !churnHours.has(hour)) {
        const entry = inventory.lookup.interface(a.key.interfaceId);
        const accountId = entry?.endpoint.accountId ?? a.key.accountId;
        const later = windowStart + windowSeconds - 1;
        const keys = [a.key.src, a.key.dst, a.key.pktSrc, a.key.pktDst];
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as AddressKey;
          if (key.kind !== "exact" || resolver.isOwn(key, entry)) continue;
          const before = used[i];
          if (before !== undefined && before !== null && signature(before) !== signature(resolver.endpoint(key, later, entry, accountId))) {
            churnHours.add(hour);
            break;
          }
        }
      }
    }
    let rows = rowsByHour.get(hour);
    if (!rows) rowsByHour.set(hour, (rows = new Map()));
    addHops(rows, inferNatDestinations(classified), hour, flowLogId);
  }
  return { rows: new Map([...rowsByHour].map(([hour, rows]) => [hour, [...rows.values()]])), churnHours };
}

export interface ComputedHours {
  /** Rows per hour start (hours without traffic have an empty list). */
  rows: Map<number, RollupRow[]>;
  queries: number;
  shards: number;
  refinedHours: number;
}

/** Queries and classifies the hours [from, to) of one flow log, calling `onHours` as spans complete. */
async function computeFlowLogHours(
  deps: RollupDeps,
  inventory: RollupInventory,
  initialPlan: RollupQueryPlan,
  from: number,
  to: number,
  onHours: (computed: ComputedHours, from: number, to: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  await querySpan(deps.gate, initialPlan, from, to, async (part, start, end, plan) => {
    signal?.throwIfAborted();
    const classifyStarted = performance.now();
    const { rows, churnHours } = classifyWindows(joinMetrics(part.points), plan.flowLogId, inventory, HOUR, true);
    timing.classifyMs += performance.now() - classifyStarted;
    let queries = part.queries;
    for (const hour of churnHours) {
      const minutes = await queryShards(deps.gate, plan, hour, hour + HOUR, part.shards, 60);
      queries += minutes.queries;
      const refined = classifyWindows(joinMetrics(minutes.points), plan.flowLogId, inventory, 60, false);
      rows.set(hour, refined.rows.get(hour) ?? []);
    }
    for (let hour = start; hour < end; hour += HOUR) if (!rows.has(hour)) rows.set(hour, []);
    await onHours({ rows, queries, shards: part.shards, refinedHours: churnHours.size }, start, end);
  });
}

/** Flow logs and their query plans; formats that lack a needed field are reported, not queried. */
function plansFor(flowLogIds: Iterable<string>, registry: FlowFormatRegistry, inventory: RollupInventory): { plans: Map<string, RollupQueryPlan>; skipped: { flowLogId: string; missing: string[] }[] } {
  const plans = new Map<string, RollupQueryPlan>();
  const skipped: { flowLogId: string; missing: string[] }[] = [];
  for (const flowLogId of flowLogIds) {
    const format = registry.formatOf(flowLogId);
    const missing = missingRollupFields(format);
    if (missing.length > 0) skipped.push({ flowLogId, missing });
    else plans.set(flowLogId, rollupQueryPlan(flowLogId, format, inventory.addresses));
  }
  return { plans, skipped };
}

/** Contiguous runs of hours. */
function spansOf(hours: readonly number[]): { from: number; to: number }[] {
  const sorted = [...hours].sort((a, b) => a - b);
  const spans: { from: number; to: number }[] = [];
  for (const hour of sorted) {
    const last = spans[spans.length - 1];
    if (last && last.to === hour) last.to = hour + HOUR;
    else spans.push({ from: hour, to: hour + HOUR });
  }
  return spans;
}

/**
 * The rollup rows of [from, to) computed now, without storing them: for reports over a few hours
 * and for measuring what a report costs without rollups.
 */
export async function computeRollupRows(deps: RollupDeps, options: { from: number; to: number; signal?: AbortSignal }): Promise<{ rows: RollupRow[]; queries: number; skipped: { flowLogId: string; missing: string[] }[] }> {
  const from = floorHour(options.from);
  const to = ceilHour(options.to);
  const inventory = await rollupInventory(deps.db);
  const registry = await loadFlowFormatRegistry(deps.db);
  const counts = await countEntries(deps.gate, from, to);
  const { plans, skipped } = plansFor(counts.keys(), registry, inventory);
  const rows: RollupRow[] = [];
  let queries = 1;
  for (const [flowLogId, plan] of plans) {
    const hours = [...(counts.get(flowLogId) ?? new Map<number, number>())].filter(([, n]) => n > 0).map(([h]) => h);
    for (const span of spansOf(hours)) {
      await computeFlowLogHours(deps, inventory, plan, span.from, span.to, async (computed) => {
        queries += computed.queries;
        for (const list of computed.rows.values()) rows.push(...list);
      }, options.signal);
    }
  }
  return { rows, queries, skipped };
}

// ─── Storing ─────────────────────────────────────────────────────────────────────────────────

const toDate = (seconds: number) => new Date(seconds * 1000);

async function writeHours(
  db: Database,
  flowLogId: string,
  hours: readonly { hour: number; rows: readonly RollupRow[]; entries: number; final: boolean; queries: number; shards: number }[],
  inventoryVersion: number,
): Promise<void> {
  if (hours.length === 0) return;
  const started = performance.now();
  const rows = hours.flatMap((h) => h.rows);
  const column = <T>(pick: (r: RollupRow) => T) => rows.map(pick);
  const hourDates = hours.map((h) => toDate(h.hour));
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "cost_rollups" WHERE "flow_log_id" = ${flowLogId} AND "hour" = ANY(${hourDates}::timestamptz[])`;
      for (let i = 0; i < rows.length; i += 20_000) {
        const part = (values: unknown[]) => values.slice(i, i + 20_000);
        await tx.$executeRaw`
          INSERT INTO "cost_rollups" ("hour", "flow_log_id", "account_id", "region", "vpc_id", "vpc_name", "availability_zone", "service", "team",
            "peer_class", "peer_name", "peer_region", "path", "direction", "action", "via", "via_kind", "price_region", "inferred", "bytes", "packets", "flows")
          SELECT * FROM unnest(
            ${part(column((r) => toDate(r.hour)))}::timestamptz[], ${part(column(() => flowLogId))}::text[], ${part(column((r) => r.accountId))}::text[],
            ${part(column((r) => r.region))}::text[], ${part(column((r) => r.vpcId))}::text[], ${part(column((r) => r.vpcName))}::text[],
            ${part(column((r) => r.availabilityZone))}::text[], ${part(column((r) => r.service))}::text[], ${part(column((r) => r.team))}::text[],
            ${part(column((r) => r.peerClass))}::text[], ${part(column((r) => r.peerName))}::text[], ${part(column((r) => r.peerRegion))}::text[],
            ${part(column((r) => r.path))}::text[], ${part(column((r) => r.direction))}::text[], ${part(column((r) => r.action))}::text[],
            ${part(column((r) => r.via))}::text[], ${part(column((r) => r.viaKind))}::text[], ${part(column((r) => r.priceRegion))}::text[],
            ${part(column((r) => r.inferred))}::boolean[], ${part(column((r) => String(r.bytes)))}::bigint[], ${part(column((r) => String(r.packets)))}::bigint[],
            ${part(column((r) => String(r.flows)))}::bigint[])`;
      }
      await tx.$executeRaw`
        INSERT INTO "cost_rollup_hours" ("hour", "flow_log_id", "entries", "final", "computed_at", "inventory_version", "queries", "shards", "rows")
        SELECT h.hour, ${flowLogId}, h.entries, h.final, now(), ${inventoryVersion}, h.queries, h.shards, h.rows
        FROM unnest(${hourDates}::timestamptz[], ${hours.map((h) => String(h.entries))}::bigint[], ${hours.map((h) => h.final)}::boolean[],
          ${hours.map((h) => h.queries)}::int[], ${hours.map((h) => h.shards)}::int[], ${hours.map((h) => h.rows.length)}::int[])
          AS h(hour, entries, final, queries, shards, rows)
        ON CONFLICT ("hour", "flow_log_id") DO UPDATE SET "entries" = excluded."entries", "final" = excluded."final", "computed_at" = excluded."computed_at",
          "inventory_version" = excluded."inventory_version", "queries" = excluded."queries", "shards" = excluded."shards", "rows" = excluded."rows"`;
    },
    { timeout: 120_000 },
  );
  timing.writeMs += performance.now() - started;
}

/**
 * Rolls up the hours [from, to): every flow log the log backend holds lines of in that range.
 * Hours already final with an unchanged line count are left alone unless `force`.
 */
export async function rollupRange(deps: RollupDeps, options: RollupRangeOptions): Promise<RollupSummary> {
  const started = performance.now();
  const timingAtStart = { ...timing };
  const { db, gate } = deps;
  const from = floorHour(options.from);
  const to = ceilHour(options.to);
  if (!(from < to)) throw new AppError("BAD_REQUEST", "The rollup range is empty: --to must be after --from.");
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const isFinal = (hour: number) => hour + HOUR + options.deliveryDelaySeconds <= now;
  const inventory = await rollupInventory(db);
  const registry = await loadFlowFormatRegistry(db);
  const counts = await countEntries(gate, from, to);
  const states = await db.costRollupHour.findMany({ where: { hour: { gte: toDate(from), lt: toDate(to) } } });
  const stateOf = new Map(states.map((s) => [`${s.flowLogId}@${s.hour.getTime() / 1000}`, s]));
  const { plans, skipped } = plansFor(counts.keys(), registry, inventory);
  const summary: RollupSummary = {
    hours: (to - from) / HOUR,
    computed: 0,
    lateData: 0,
    unchanged: 0,
    flowLogs: [...plans.keys()].sort(),
    skipped,
    failed: [],
    queries: 1,
    maxShards: 1,
    refinedHours: 0,
    rows: 0,
    durationMs: 0,
    queryMs: 0,
    classifyMs: 0,
    writeMs: 0,
  };
  for (const s of skipped) deps.log?.(`flow log ${s.flowLogId} is not rolled up: its format lacks ${s.missing.join(", ")}`);

  const work: { flowLogId: string; plan: RollupQueryPlan; empty: number[]; spans: { from: number; to: number }[] }[] = [];
  let total = 0;
  for (const [flowLogId, plan] of [...plans].sort((a, b) => a[0].localeCompare(b[0]))) {
    const byHour = counts.get(flowLogId) ?? new Map<number, number>();
    const needed: number[] = [];
    const empty: number[] = [];
    for (let hour = from; hour < to; hour += HOUR) {
      const count = byHour.get(hour) ?? 0;
      const state = stateOf.get(`${flowLogId}@${hour}`);
      const changed = state !== undefined && Number(state.entries) !== count;
      if (!options.force && state && state.final && !changed) {
        summary.unchanged++;
        continue;
      }
      if (state?.final && changed) summary.lateData++;
      if (count === 0) empty.push(hour);
      else needed.push(hour);
    }
    total += needed.length + empty.length;
    work.push({ flowLogId, plan, empty, spans: spansOf(needed) });
  }

  let done = 0;
  for (const { flowLogId, plan, empty, spans } of work) {
    options.signal?.throwIfAborted();
    const byHour = counts.get(flowLogId) ?? new Map<number, number>();
    await writeHours(db, flowLogId, empty.map((hour) => ({ hour, rows: [], entries: 0, final: isFinal(hour), queries: 0, shards: 1 })), inventory.version);
    done += empty.length;
    summary.computed += empty.length;
    try {
      for (const span of spans) {
        await computeFlowLogHours(
          deps,
          inventory,
          plan,
          span.from,
          span.to,
          async (computed, start, end) => {
            const hours = [];
            for (let hour = start; hour < end; hour += HOUR) {
              const rows = computed.rows.get(hour) ?? [];
              hours.push({ hour, rows, entries: byHour.get(hour) ?? 0, final: isFinal(hour), queries: Math.ceil(computed.queries / ((end - start) / HOUR)), shards: computed.shards });
              summary.rows += rows.length;
            }
            await writeHours(db, flowLogId, hours, inventory.version);
            summary.queries += computed.queries;
            summary.maxShards = Math.max(summary.maxShards, computed.shards);
            summary.refinedHours += computed.refinedHours;
            summary.computed += hours.length;
            done += hours.length;
            options.onProgress?.({ done, total, queries: summary.queries, rows: summary.rows, flowLogId });
          },
          options.signal,
        );
      }
    } catch (error) {
      // One flow log Loki cannot answer (a query too long, or one hour of one interface over the
      // series limit) does not stop the others.
      if (!(error instanceof AppError && (error.code === "BAD_REQUEST" || isTooBig(error)))) throw error;
      summary.failed.push({ flowLogId, error: error.message });
      deps.log?.(`flow log ${flowLogId} is not rolled up: ${error.message}`);
    }
  }
  // Coverage: these hours were looked at for every flow log present (not when one failed: its hours are missing).
  if (summary.failed.length > 0) {
    summary.durationMs = performance.now() - started;
    return summary;
  }
  await db.$executeRaw`
    INSERT INTO "cost_rollup_coverage" ("hour", "final", "computed_at")
    SELECT h, h + interval '1 hour' + make_interval(secs => ${options.deliveryDelaySeconds}) <= to_timestamp(${now}), now()
    FROM generate_series(to_timestamp(${from}), to_timestamp(${to - HOUR}), interval '1 hour') AS h
    ON CONFLICT ("hour") DO UPDATE SET "final" = excluded."final", "computed_at" = excluded."computed_at"`;
  summary.durationMs = performance.now() - started;
  summary.queryMs = timing.queryMs - timingAtStart.queryMs;
  summary.classifyMs = timing.classifyMs - timingAtStart.classifyMs;
  summary.writeMs = timing.writeMs - timingAtStart.writeMs;
  return summary;
}
