/**
 * Enriching one flow record: both ends (and the packet-level ends when they differ) named through
 * the compiled lookup, in the context of the interface that logged the flow (its VPC and account
 * first, since private ranges overlap across VPCs), at the flow's own time.
 */
import { type FlowDirection, decodeFlowRecord } from "../flows/decode";
import type { FlowRecordFields } from "../flows/fields";
import type { Endpoint, EnrichmentLookup, InterfaceEndpoint } from "./lookup";

export interface EnrichedFlow {
  record: FlowRecordFields;
  /** The interface that logged the flow (record.interfaceId), when the inventory knows it. */
  interface: InterfaceEndpoint | null;
  src: Endpoint | null;
  dst: Endpoint | null;
  /** The packet's original source (pkt-srcaddr) when it differs from srcaddr: NAT gateways, EKS pods, secondary IPs. */
  pktSrc: Endpoint | null;
  pktDst: Endpoint | null;
  direction: FlowDirection | null;
}

export interface EnrichOptions {
  /** Resolve at this time (Unix seconds) instead of the record's own start. */
  at?: number;
  /** The time for records without start or end (Unix seconds); defaults to now. */
  fallbackTime?: number;
}

/** Enriches `record`; allocates only the result object. */
export function enrichFlow(record: FlowRecordFields, lookup: EnrichmentLookup, options: EnrichOptions = {}): EnrichedFlow {
  const time = options.at ?? record.start ?? record.end ?? options.fallbackTime ?? Date.now() / 1000;
  const own = record.interfaceId === null ? undefined : lookup.interface(record.interfaceId);
  const vpcScope = own ? own.vpcScope : record.vpcId === null ? -1 : lookup.vpcScope(record.vpcId);
  const accountId = own ? own.endpoint.accountId : record.accountId;
  const src = record.srcAddr === null ? null : lookup.resolve(record.srcAddr, time, vpcScope, accountId, own);
  const dst = record.dstAddr === null ? null : lookup.resolve(record.dstAddr, time, vpcScope, accountId, own);
  const pktSrc =
    record.pktSrcAddr === null || record.pktSrcAddr === record.srcAddr ? null : lookup.resolve(record.pktSrcAddr, time, vpcScope, accountId, own);
  const pktDst =
    record.pktDstAddr === null || record.pktDstAddr === record.dstAddr ? null : lookup.resolve(record.pktDstAddr, time, vpcScope, accountId, own);
  let direction: FlowDirection | null = record.flowDirection;
  if (direction === null && own) {
    const fromOwn = src === own.endpoint;
    const toOwn = dst === own.endpoint;
    if (fromOwn !== toOwn) direction = fromOwn ? "egress" : "ingress";
  }
  return { record, interface: own ? own.endpoint : null, src, dst, pktSrc, pktDst, direction };
}

/** A short name for an end of a flow, for tables: the service, the AWS service and region, the network's name … */
export function endpointLabel(endpoint: Endpoint | null): string {
  if (endpoint === null) return "-";
  switch (endpoint.kind) {
    case "interface":
      return endpoint.service ?? `${endpoint.interfaceId} (unmapped)`;
    case "aws":
      return `${endpoint.service} ${endpoint.region}`;
    case "known":
      return endpoint.name;
    case "internet":
      return "internet";
    case "private":
      return endpoint.reason === "ambiguous" ? "private (several VPCs)" : endpoint.vpcName ? `private in ${endpoint.vpcName}` : "private, unknown";
    case "invalid":
      return "not an address";
  }
}

/** The JSON form of an enriched flow (one line of `flowlens enrich`): present fields only, addresses inside their ends. */
export function enrichedFlowJson(flow: EnrichedFlow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flow.record)) if (value !== null) record[key] = value;
  const end = (address: string | null, endpoint: Endpoint | null) => (endpoint === null ? undefined : { address, label: endpointLabel(endpoint), ...endpoint });
  const json: Record<string, unknown> = {
    record,
    decoded: decodeFlowRecord(flow.record),
    direction: flow.direction,
    interface: flow.interface,
    src: end(flow.record.srcAddr, flow.src) ?? null,
    dst: end(flow.record.dstAddr, flow.dst) ?? null,
  };
  if (flow.pktSrc) json.pktSrc = end(flow.record.pktSrcAddr, flow.pktSrc);
  if (flow.pktDst) json.pktDst = end(flow.record.pktDstAddr, flow.pktDst);
  return json;
}
