/**
 * The flow logs that have records in a time range: their id (`__aws_s3_vpc_flow`), owner account
 * (`__aws_s3_vpc_flow_owner`), format (the registry) and VPC. A flow log covers one VPC (or a
 * subnet or interface of one), so the VPC is read once from one of its records (its vpc-id, or the
 * VPC of the interface that logged it) and kept for the life of the process: VPC filters then
 * become cheap, exact stream selectors, and flows per flow log add up to flows per VPC.
 *
 * Everything goes through the query gate.
 */
import type { EnrichmentLookup } from "../enrichment/lookup";
import type { FlowFormat } from "../flows/format";
import { parseFlowRecord } from "../flows/record";
import type { FlowFormatRegistry } from "../flows/registry";
import type { QueryGate } from "../loki/gate";
import { msToNs } from "../loki/types";
import { FLOW_LOG_LABEL, LOG_TYPE_LABEL, LOG_TYPE_VALUE, OWNER_LABEL } from "./builder";
import { exactString } from "./logql-text";

export interface FlowLogInfo {
  id: string;
  /** The account that delivers the flow log (the S3 key's account). */
  owner: string | null;
  format: FlowFormat;
  /** Null when none of its records in the range names an interface or VPC flowlens knows. */
  vpcId: string | null;
}

const SAMPLE_LINES = 20;

const holder = globalThis as unknown as { flowlensFlowLogVpcs?: Map<string, string> };
/** flow log id → VPC id, learned once per process (a flow log never changes VPC). */
function vpcCache(): Map<string, string> {
  holder.flowlensFlowLogVpcs ??= new Map();
  return holder.flowlensFlowLogVpcs;
}

async function learnVpc(
  deps: { gate: QueryGate; lookup: EnrichmentLookup; registry: FlowFormatRegistry },
  flowLogId: string,
  range: { fromMs: number; toMs: number },
): Promise<string | null> {
  const cache = vpcCache();
  const key = `${deps.gate.backend.url}|${deps.gate.backend.tenant ?? ""}|${flowLogId}`;
  const known = cache.get(key);
  if (known) return known;
  const data = await deps.gate.queryRange({
    query: `{${LOG_TYPE_LABEL}=${exactString(LOG_TYPE_VALUE)}, ${FLOW_LOG_LABEL}=${exactString(flowLogId)}}`,
    start: msToNs(range.fromMs),
    end: msToNs(range.toMs),
    limit: SAMPLE_LINES,
    direction: "backward",
  });
  if (data.resultType !== "streams") return null;
  const format = deps.registry.formatOf(flowLogId);
  for (const stream of data.result) {
    for (const [, line] of stream.values) {
      const record = parseFlowRecord(line, format);
      if (!record) continue;
      const vpcId = record.vpcId ?? (record.interfaceId ? (deps.lookup.interface(record.interfaceId)?.endpoint.vpcId ?? null) : null);
      if (vpcId) {
        cache.set(key, vpcId);
        return vpcId;
      }
    }
  }
  return null;
}

/** The flow logs with records in the range (from the index: no lines are read but a few per new flow log). */
export async function flowLogsInRange(
  deps: { gate: QueryGate; lookup: EnrichmentLookup; registry: FlowFormatRegistry },
  range: { fromMs: number; toMs: number },
): Promise<FlowLogInfo[]> {
  const series = await deps.gate.series([`{${LOG_TYPE_LABEL}=${exactString(LOG_TYPE_VALUE)}}`], { start: msToNs(range.fromMs), end: msToNs(range.toMs) });
  const owners = new Map<string, string | null>();
  for (const labels of series) {
    const id = labels[FLOW_LOG_LABEL];
    if (id && !owners.has(id)) owners.set(id, labels[OWNER_LABEL] ?? null);
  }
  const ids = [...owners.keys()].sort();
  const infos: FlowLogInfo[] = [];
  // a few at a time: each unknown flow log costs one small query, once per process
  for (let i = 0; i < ids.length; i += 4) {
    const batch = ids.slice(i, i + 4);
    const vpcs = await Promise.all(batch.map((id) => learnVpc(deps, id, range)));
    batch.forEach((id, j) => infos.push({ id, owner: owners.get(id) ?? null, format: deps.registry.formatOf(id), vpcId: vpcs[j] ?? null }));
  }
  return infos;
}
