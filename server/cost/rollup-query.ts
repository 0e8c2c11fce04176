/**
 * The LogQL metric queries behind the hourly rollups, and reading their answers back. Pure code.
 *
 * One query per flow log and metric (bytes, packets, flow records):
 *
 *   sum by (c_if, c_src_ip, c_src_24, …, c_action) (
 *     sum_over_time({__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="fl-…"}
 *       | regexp `^\S+ \S+ (?P<c_if>\S+) (?:(?P<c_src_ip>10\.\d+…)|(?P<c_src_24>…)|…) …$`
 *       | c_bytes!="" [| c_if=~".*(?:0|8)"] | unwrap c_bytes [1h]))
 *
 * with `offset 1ns`, evaluated at every hour boundary with step 1h: each window (t − 1h − 1ns,
 * t − 1ns] holds exactly the entries of the hour [t − 1h, t) (entries are stamped with the record's
 * start). Evaluating at the boundaries keeps Loki's query frontend from moving the steps (it aligns
 * them to multiples of the step), and the offset keeps entries exactly on a boundary — every
 * record lambda-promtail stamps with a start on the hour — in their own hour instead of the one
 * before or, at the ends of the frontend's sub-queries, in neither. The regexp is built from
 * the flow log's format (any custom format with the fields below), keeps what classification needs
 * (the logging interface, both addresses as keys, pkt-srcaddr/pkt-dstaddr, flow-direction,
 * traffic-path, the action) and drops every other field, so series stay few; NODATA and SKIPDATA
 * records (bytes `-`) do not match and are left out by `c_bytes!=""`. A shard keeps some of the
 * series (by interface, then by the last characters of the address keys): the same query, split
 * when one would exceed Loki's series limit.
 */
import { AppError } from "../errors";
import type { FlowFormat } from "../flows/format";
import type { LokiQueryData } from "../loki/types";
import { type AddressKey, type AddressPlan, addressKeyOf } from "./address-plan";

/** Fields a format must log for cost rollups. */
export const REQUIRED_FIELDS = ["interface-id", "srcaddr", "dstaddr", "bytes", "packets", "action"] as const;

export type RollupMetric = "bytes" | "packets" | "flows";
export const ROLLUP_METRICS: readonly RollupMetric[] = ["bytes", "packets", "flows"];

const ADDRESS_FIELDS: Record<string, string> = { srcaddr: "c_src", dstaddr: "c_dst", "pkt-srcaddr": "c_psrc", "pkt-dstaddr": "c_pdst" };
const PLAIN_FIELDS: Record<string, { name: string; pattern: string }> = {
  "interface-id": { name: "c_if", pattern: "\\S+" },
  "account-id": { name: "c_acct", pattern: "\\S+" },
  action: { name: "c_action", pattern: "\\S+" },
  bytes: { name: "c_bytes", pattern: "\\d+" },
  packets: { name: "c_packets", pattern: "\\d+" },
  "flow-direction": { name: "c_dir", pattern: "\\S+" },
  "traffic-path": { name: "c_path", pattern: "\\S+" },
};

export interface RollupQueryPlan {
  flowLogId: string;
  /** The regexp stage's pattern for this format. */
  pattern: string;
  /** The labels the queries group by. */
  groupBy: string[];
  hasPacketAddresses: boolean;
  format: FlowFormat;
  /** How the pattern keys addresses (its exact /24s grow as traffic reaches mixed blocks). */
  addresses: AddressPlan;
}

/** The fields of REQUIRED_FIELDS `format` lacks (empty when rollups can read it). */
export function missingRollupFields(format: FlowFormat): string[] {
  return REQUIRED_FIELDS.filter((name) => !format.positions.has(name));
}

/** The query plan for a flow log in `format`; throws when the format lacks a required field. */
export function rollupQueryPlan(flowLogId: string, format: FlowFormat, addresses: AddressPlan): RollupQueryPlan {
  const missing = missingRollupFields(format);
  if (missing.length > 0) throw new Error(`flow log ${flowLogId} does not log ${missing.join(", ")}`);
  const groupBy: string[] = [];
  const pieces = format.fields.map((spec) => {
    const address = ADDRESS_FIELDS[spec.name];
    if (address) {
      groupBy.push(`${address}_ip`, `${address}_24`, `${address}_8`, `${address}_x`);
      return addresses.fieldPattern(address);
    }
    const plain = PLAIN_FIELDS[spec.name];
    if (plain) {
      if (plain.name !== "c_bytes" && plain.name !== "c_packets") groupBy.push(plain.name);
      return `(?P<${plain.name}>${plain.pattern})`;
    }
    return "\\S+";
  });
  return {
    flowLogId,
    pattern: `^${pieces.join(" ")}\\s*$`,
    groupBy,
    hasPacketAddresses: format.positions.has("pkt-srcaddr") || format.positions.has("pkt-dstaddr"),
    format,
    addresses,
  };
}

/**
 * The plan again, reading the mixed /24s of `points` that came back as /24 keys address by
 * address; undefined when every key of `points` names its addresses (nothing to refine).
 */
export function refinedRollupPlan(plan: RollupQueryPlan, points: Iterable<RollupPoint>): RollupQueryPlan | undefined {
  const keys = function* () {
    for (const p of points) yield* [p.key.src, p.key.dst, p.key.pktSrc, p.key.pktDst];
  };
  const blocks = plan.addresses.unresolvedBlocks(keys());
  if (blocks.length === 0) return undefined;
  return rollupQueryPlan(plan.flowLogId, plan.format, plan.addresses.withExactBlocks(blocks));
}

/** `details.reason` of the error buildRollupQuery throws when a query would be too long for Loki. */
export const QUERY_TOO_LONG = "rollup_query_too_long";

/** Loki's parser refuses queries of 5,120 bytes and more. */
export const MAX_ROLLUP_QUERY_BYTES = 5120;

export interface Shard {
  index: number;
  /** One of SHARD_COUNTS. */
  count: number;
}

/**
 * How finely a query may be split when its answer has too many series: by interface (the last
 * hex digit of its id) up to 16 ways; then 100 ways by the last character of the source and the
 * destination key (one interface that talks to thousands of addresses: a public load balancer, a
 * NAT gateway); then both, 1,600 ways.
 */
export const SHARD_COUNTS = [1, 2, 4, 8, 16, 100, 1600] as const;

/** The next finer split after `count`, or undefined when there is none. */
export function nextShardCount(count: number): number | undefined {
  return SHARD_COUNTS.find((c) => c > count);
}

const HEX = "0123456789abcdef";

function interfaceFilter(index: number, count: number): string {
  if (count <= 1) return "";
  const digits = [...HEX].filter((_, value) => value % count === index);
  return ` | c_if=~".*[${digits.join("")}]"`;
}

/**
 * Keeps the series whose address key `name` ends in `digit` (IPv6 keys ending in a letter, a colon
 * or a dot, and keys that are no address, count as 0). The four labels of a key are exclusive.
 */
function keyDigitFilter(name: string, digit: number): string {
  const last = digit === 0 ? "[0a-fA-F:.]" : `[${digit}]`;
  const terms = [`${name}_ip=~".*${last}"`, `${name}_24=~".*${last}"`, `${name}_8=~".*${last}"`];
  if (digit === 0) terms.push(`${name}_x!=""`);
  return ` | (${terms.join(" or ")})`;
}

/** The label filters keeping shard `index` of `count` (see SHARD_COUNTS). */
export function shardFilter(shard: Shard): string {
  if (shard.count <= 16) return interfaceFilter(shard.index, shard.count);
  const interfaces = shard.count / 100;
  const keys = shard.index % 100;
  return interfaceFilter(Math.floor(shard.index / 100), interfaces) + keyDigitFilter("c_src", keys % 10) + keyDigitFilter("c_dst", Math.floor(keys / 10));
}

/** The LogQL for one metric of a plan, summed over windows of `rangeSeconds` (3600, or 60 when refining). */
export function buildRollupQuery(plan: RollupQueryPlan, metric: RollupMetric, shard: Shard = { index: 0, count: 1 }, rangeSeconds = 3600): string {
  if (plan.pattern.includes("`")) throw new Error("a rollup pattern cannot hold a backtick");
  const selector = `{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="${plan.flowLogId}"}`;
  const pipeline = `${selector} | regexp \`${plan.pattern}\` | c_bytes!=""${shardFilter(shard)}`;
  const range = rangeSeconds % 3600 === 0 ? `${rangeSeconds / 3600}h` : rangeSeconds % 60 === 0 ? `${rangeSeconds / 60}m` : `${rangeSeconds}s`;
  const inner =
    metric === "flows"
      ? `count_over_time(${pipeline} [${range}] offset 1ns)`
      : `sum_over_time(${pipeline} | unwrap ${metric === "bytes" ? "c_bytes" : "c_packets"} [${range}] offset 1ns)`;
  const query = `sum by (${plan.groupBy.join(", ")}) (${inner})`;
  const size = Buffer.byteLength(query, "utf8");
  if (size >= MAX_ROLLUP_QUERY_BYTES) {
    throw new AppError(
      "BAD_REQUEST",
      `The rollup query for flow log ${plan.flowLogId} would be ${size} bytes, more than the ${MAX_ROLLUP_QUERY_BYTES} Loki accepts: its traffic reaches ${plan.addresses.exactBlocks.size} address blocks that the inventory's ranges (ip-ranges.json, known networks, Elastic IPs) divide finer than /24, and each must be read address by address.`,
      { details: { reason: QUERY_TOO_LONG } },
    );
  }
  return query;
}

/** Counts every stored line (any status) per flow log and hour: what the rollup saw, to detect late data. */
export const ENTRY_COUNT_QUERY = `sum by (__aws_s3_vpc_flow) (count_over_time({__aws_log_type="s3_vpc_flow"}[1h] offset 1ns))`;

/** One series of a rollup answer, its labels read as keys. */
export interface RollupSeriesKey {
  /** The labels as one text, to join the three metrics. */
  id: string;
  interfaceId: string;
  /** account-id when the format logs it. */
  accountId: string | null;
  src: AddressKey;
  dst: AddressKey;
  pktSrc: AddressKey;
  pktDst: AddressKey;
  action: "ACCEPT" | "REJECT";
  flowDirection: "ingress" | "egress" | null;
  trafficPath: number | null;
}

export function seriesKeyOf(metric: Readonly<Record<string, string>>): RollupSeriesKey | undefined {
  const interfaceId = metric.c_if;
  const action = metric.c_action;
  if (!interfaceId || (action !== "ACCEPT" && action !== "REJECT")) return undefined;
  const dir = metric.c_dir;
  const path = metric.c_path;
  const id = Object.keys(metric)
    .filter((k) => k.startsWith("c_"))
    .sort()
    .map((k) => `${k}=${metric[k]}`)
    .join(",");
  return {
    id,
    interfaceId,
    accountId: metric.c_acct || null,
    src: addressKeyOf(metric, "c_src"),
    dst: addressKeyOf(metric, "c_dst"),
    pktSrc: addressKeyOf(metric, "c_psrc"),
    pktDst: addressKeyOf(metric, "c_pdst"),
    action,
    flowDirection: dir === "ingress" || dir === "egress" ? dir : null,
    trafficPath: path && /^\d+$/.test(path) ? Number(path) : null,
  };
}

/** A point of the answer: the series, the start of its window (Unix seconds) and the value. */
export interface RollupPoint {
  key: RollupSeriesKey;
  windowStart: number;
  value: number;
}

/** Reads a matrix answer; `rangeSeconds` is the window of each point (it ends at the point's time, less the 1 ns offset). */
export function readRollupAnswer(data: LokiQueryData, rangeSeconds: number): RollupPoint[] {
  if (data.resultType !== "matrix") return [];
  const points: RollupPoint[] = [];
  for (const series of data.result) {
    const key = seriesKeyOf(series.metric);
    if (!key) continue;
    for (const [ts, value] of series.values) {
      const number = Number(value);
      if (!Number.isFinite(number) || number === 0) continue;
      points.push({ key, windowStart: Math.round(ts) - rangeSeconds, value: number });
    }
  }
  return points;
}
