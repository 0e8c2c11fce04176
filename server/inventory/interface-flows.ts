/**
 * An interface's recent flows, for its inventory page: LogQL built from each flow log format's
 * pattern (flowPattern), sent through the query gate, each line parsed in its flow log's format
 * and enriched.
 */
import type { Database } from "../db/client";
import { endpointLabel, enrichFlow } from "../enrichment/enrich";
import { getEnrichmentLookup } from "../enrichment/loader";
import type { Endpoint } from "../enrichment/lookup";
import { AppError } from "../errors";
import { type FlowFormat, decodeFlowRecord, flowPatternStage, parseFlowRecord } from "../flows";
import type { QueryGate } from "../loki/gate";
import { msToNs } from "../loki/types";
import { loadFlowFormatRegistry } from "./flow-log-formats";

const FLOW_LOG_LABEL = "__aws_s3_vpc_flow";

const regexAlternatives = (ids: readonly string[]) => ids.map((id) => id.replace(/[^a-z0-9-]/g, "")).join("|");

/**
 * The LogQL for one interface's records in one format: the flow logs of `include` (or every flow
 * log but `exclude`), a line filter on the id (cheap for Loki), then the pattern and an exact
 * match on the extracted interface_id.
 */
export function buildInterfaceFlowQuery(format: FlowFormat, interfaceId: string, flowLogs: { include?: readonly string[]; exclude?: readonly string[] } = {}): string {
  if (!/^eni-[0-9a-f]+$/.test(interfaceId)) throw new AppError("BAD_REQUEST", `"${interfaceId}" is not a network interface id (eni- and hex digits).`);
  if (!format.positions.has("interface-id")) {
    throw new AppError("BAD_REQUEST", `The flow log format (${format.header}) has no interface-id field, so its records cannot be found by interface.`);
  }
  const matchers = ['__aws_log_type="s3_vpc_flow"'];
  if (flowLogs.include && flowLogs.include.length > 0) matchers.push(`${FLOW_LOG_LABEL}=~"${regexAlternatives(flowLogs.include)}"`);
  if (flowLogs.exclude && flowLogs.exclude.length > 0) matchers.push(`${FLOW_LOG_LABEL}!~"${regexAlternatives(flowLogs.exclude)}"`);
  return `{${matchers.join(", ")}} |= "${interfaceId}" ${flowPatternStage(format)} | interface_id = "${interfaceId}"`;
}

export interface FlowEnd {
  address: string | null;
  label: string;
  kind: Endpoint["kind"];
  interfaceId: string | null;
}

export interface InterfaceFlowRow {
  /** Entry time in nanoseconds (as text: it exceeds 2^53). */
  timeNs: string;
  flowLogId: string | null;
  line: string;
  start: number | null;
  action: string | null;
  logStatus: string | null;
  direction: string | null;
  protocol: string | null;
  service: string | null;
  dstPort: number | null;
  bytes: number | null;
  packets: number | null;
  src: FlowEnd | null;
  dst: FlowEnd | null;
  /** The packet's original ends when they differ from srcaddr/dstaddr (through a NAT gateway, EKS pods). */
  pktSrc: FlowEnd | null;
  pktDst: FlowEnd | null;
}

function end(address: string | null, endpoint: Endpoint | null): FlowEnd | null {
  if (endpoint === null) return null;
  return { address, label: endpointLabel(endpoint), kind: endpoint.kind, interfaceId: endpoint.kind === "interface" ? endpoint.interfaceId : null };
}

export async function recentInterfaceFlows(
  deps: { db: Database; gate: QueryGate },
  input: { interfaceId: string; hours: number; limit: number; now?: number },
): Promise<{ queries: string[]; rows: InterfaceFlowRow[]; limited: boolean }> {
  const registry = await loadFlowFormatRegistry(deps.db);
  const lookup = await getEnrichmentLookup(deps.db);
  const groups = [...registry.groupsByFormat().values()].filter((g) => g.format.positions.has("interface-id"));
  const registered = registry.entries().map((e) => e.flowLogId);
  const queries = [
    ...groups.map((g) => ({ format: g.format, query: buildInterfaceFlowQuery(g.format, input.interfaceId, { include: g.flowLogIds }) })),
    // Flow logs nobody registered a format for: AWS's default format.
    { format: registry.fallback, query: buildInterfaceFlowQuery(registry.fallback, input.interfaceId, { exclude: registered }) },
  ];
  const nowMs = input.now ?? Date.now();
  const start = msToNs(nowMs - input.hours * 3_600_000);
  const endNs = msToNs(nowMs);
  const rows: InterfaceFlowRow[] = [];
  let limited = false;
  for (const { query } of queries) {
    const data = await deps.gate.queryRange({ query, start, end: endNs, limit: input.limit, direction: "backward" });
    if (data.resultType !== "streams") continue;
    let count = 0;
    for (const stream of data.result) {
      const flowLogId = stream.stream[FLOW_LOG_LABEL] ?? null;
      const format = registry.formatOf(flowLogId ?? undefined);
      for (const [timeNs, line] of stream.values) {
        count++;
        const record = parseFlowRecord(line, format);
        if (!record) continue;
        const flow = enrichFlow(record, lookup);
        const decoded = decodeFlowRecord(record);
        rows.push({
          timeNs,
          flowLogId,
          line,
          start: record.start,
          action: record.action,
          logStatus: record.logStatus,
          direction: flow.direction,
          protocol: decoded.protocol ?? null,
          service: decoded.service ?? null,
          dstPort: record.dstPort,
          bytes: record.bytes,
          packets: record.packets,
          src: end(record.srcAddr, flow.src),
          dst: end(record.dstAddr, flow.dst),
          pktSrc: end(record.pktSrcAddr, flow.pktSrc),
          pktDst: end(record.pktDstAddr, flow.pktDst),
        });
      }
    }
    if (count >= input.limit) limited = true;
  }
  rows.sort((a, b) => (BigInt(b.timeNs) > BigInt(a.timeNs) ? 1 : BigInt(b.timeNs) < BigInt(a.timeNs) ? -1 : 0));
  return { queries: queries.map((q) => q.query), rows: rows.slice(0, input.limit), limited: limited || rows.length > input.limit };
}
