/**
 * Loki's log answer → flow table rows: each line parsed in its flow log's format, both ends named
 * through the enrichment lookup at the flow's own time, coded values decoded for people. Also the
 * full detail of one flow (every field, both ends, the packet-level ends) for the detail drawer,
 * and the merge of several log answers (format groups, split queries) into one newest-first list.
 *
 * Pure code (the lookup and registry are passed in).
 */
import crypto from "node:crypto";
import { endpointLabel, enrichFlow } from "../enrichment/enrich";
import type { Endpoint, EnrichmentLookup } from "../enrichment/lookup";
import { decodeFlowRecord, portName, protocolName, tcpFlagNames } from "../flows/decode";
import { FLOW_FIELDS } from "../flows/fields";
import { parseFlowRecord } from "../flows/record";
import type { FlowFormatRegistry } from "../flows/registry";
import type { LokiStream } from "../loki/types";
import { FLOW_LOG_LABEL, OWNER_LABEL } from "./builder";

export interface FlowEndView {
  address: string | null;
  port: number | null;
  portName: string | null;
  kind: Endpoint["kind"] | "none";
  /** A short name: the service, `S3 eu-west-3`, the network's name, `internet` … */
  label: string;
  service: string | null;
  team: string | null;
  interfaceId: string | null;
  accountId: string | null;
  accountName: string | null;
  vpcId: string | null;
  vpcName: string | null;
  subnetId: string | null;
  availabilityZone: string | null;
  region: string | null;
  category: string | null;
}

export interface FlowRow {
  /** Unique in a result: timestamp and a hash of stream labels and line. */
  id: string;
  /** Entry timestamp in ns, as Loki gives it (a decimal string). */
  tsNs: string;
  timeMs: number;
  labels: Record<string, string>;
  line: string;
  flowLogId: string | null;
  owner: string | null;
  /** False when the line is not a record of the flow log's format (the raw line is still shown). */
  parsed: boolean;
  action: string | null;
  protocol: number | null;
  protocolName: string | null;
  bytes: number | null;
  packets: number | null;
  tcpFlags: string | null;
  direction: "ingress" | "egress" | null;
  interfaceId: string | null;
  logStatus: string | null;
  src: FlowEndView;
  dst: FlowEndView;
}

function endView(address: string | null, port: number | null, protocol: number | null, endpoint: Endpoint | null): FlowEndView {
  const view: FlowEndView = {
    address,
    port,
    portName: port === null ? null : (portName(port, protocol) ?? null),
    kind: endpoint?.kind ?? "none",
    label: endpoint ? endpointLabel(endpoint) : (address ?? "-"),
    service: null,
    team: null,
    interfaceId: null,
    accountId: null,
    accountName: null,
    vpcId: null,
    vpcName: null,
    subnetId: null,
    availabilityZone: null,
    region: null,
    category: null,
  };
  if (!endpoint) return view;
  switch (endpoint.kind) {
    case "interface":
      Object.assign(view, {
        service: endpoint.service,
        team: endpoint.team,
        interfaceId: endpoint.interfaceId,
        accountId: endpoint.accountId,
        accountName: endpoint.accountName,
        vpcId: endpoint.vpcId,
        vpcName: endpoint.vpcName,
        subnetId: endpoint.subnetId,
        availabilityZone: endpoint.availabilityZone,
        region: endpoint.region,
      });
      break;
    case "aws":
      Object.assign(view, { service: endpoint.service, region: endpoint.region, category: "AWS" });
      break;
    case "known":
      Object.assign(view, { category: endpoint.category });
      break;
    case "private":
      Object.assign(view, { vpcId: endpoint.vpcId, vpcName: endpoint.vpcName });
      break;
  }
  return view;
}

const NO_END: FlowEndView = endView(null, null, null, null);

export function rowId(tsNs: string, labels: Record<string, string>, line: string): string {
  const key = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
  return `${tsNs}-${crypto.createHash("sha1").update(key).update("\n").update(line).digest("base64url").slice(0, 12)}`;
}

/** One Loki entry as a table row. */
export function flowRow(tsNs: string, labels: Record<string, string>, line: string, registry: FlowFormatRegistry, lookup: EnrichmentLookup): FlowRow {
  const flowLogId = labels[FLOW_LOG_LABEL] ?? null;
  const record = parseFlowRecord(line, registry.formatOf(flowLogId ?? undefined));
  const timeMs = Number(BigInt(tsNs) / 1_000_000n);
  const base = { id: rowId(tsNs, labels, line), tsNs, timeMs, labels, line, flowLogId, owner: labels[OWNER_LABEL] ?? null };
  if (!record) {
    return {
      ...base,
      parsed: false,
      action: null,
      protocol: null,
      protocolName: null,
      bytes: null,
      packets: null,
      tcpFlags: null,
      direction: null,
      interfaceId: null,
      logStatus: null,
      src: NO_END,
      dst: NO_END,
    };
  }
  const flow = enrichFlow(record, lookup, { fallbackTime: timeMs / 1000 });
  return {
    ...base,
    parsed: true,
    action: record.action,
    protocol: record.protocol,
    protocolName: record.protocol === null ? null : protocolName(record.protocol),
    bytes: record.bytes,
    packets: record.packets,
    tcpFlags: record.tcpFlags === null ? null : tcpFlagNames(record.tcpFlags),
    direction: flow.direction,
    interfaceId: record.interfaceId,
    logStatus: record.logStatus,
    src: endView(record.srcAddr, record.srcPort, record.protocol, flow.src),
    dst: endView(record.dstAddr, record.dstPort, record.protocol, flow.dst),
  };
}

interface Entry {
  tsNs: bigint;
  labels: Record<string, string>;
  line: string;
}

/** Labels a query's `pattern` extracts from flow records (and Loki's error labels): not stream labels. */
const EXTRACTED = new Set([...FLOW_FIELDS.map((f) => f.label), "__error__", "__error_details__"]);

/**
 * A log answer's stream labels without the fields the query extracted: Loki returns one stream per
 * set of extracted values (the builder's queries do not `drop` them, for Loki 2.7), but a flow's
 * identity is its stream, timestamp and line.
 */
export function streamLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) if (!EXTRACTED.has(name)) out[name] = value;
  return out;
}

/** Every entry of several log answers, newest first (ties keep the answers' order, for a stable order). */
export function mergeStreams(answers: readonly (readonly LokiStream[])[]): Entry[] {
  const entries: Entry[] = [];
  for (const streams of answers) {
    for (const stream of streams) {
      const labels = streamLabels(stream.stream);
      for (const [ts, line] of stream.values) entries.push({ tsNs: BigInt(ts), labels, line });
    }
  }
  return entries.sort((a, b) => (a.tsNs === b.tsNs ? 0 : a.tsNs > b.tsNs ? -1 : 1));
}

export function flowRows(entries: readonly Entry[], registry: FlowFormatRegistry, lookup: EnrichmentLookup): FlowRow[] {
  return entries.map((e) => flowRow(e.tsNs.toString(), e.labels, e.line, registry, lookup));
}

export interface FlowFieldDetail {
  name: string;
  value: string;
  /** The value in words, when it is coded (protocol, port, flags, path …). */
  meaning: string | null;
  description: string;
}

export interface FlowDetail {
  row: FlowRow;
  format: string;
  fields: FlowFieldDetail[];
  /** Both ends and the interface that logged the flow, every attribute the inventory knows. */
  ends: { role: string; address: string | null; endpoint: Record<string, unknown> | null }[];
}

/** Everything about one flow, for the detail drawer. */
export function flowDetail(tsNs: string, labels: Record<string, string>, line: string, registry: FlowFormatRegistry, lookup: EnrichmentLookup): FlowDetail {
  const row = flowRow(tsNs, labels, line, registry, lookup);
  const format = registry.formatOf(labels[FLOW_LOG_LABEL]);
  const record = parseFlowRecord(line, format);
  const fields: FlowFieldDetail[] = [];
  const ends: FlowDetail["ends"] = [];
  if (record) {
    const decoded = decodeFlowRecord(record);
    const tokens = line.trim().split(/\s+/);
    format.fields.forEach((spec, i) => {
      const value = tokens[i] ?? "-";
      let meaning: string | null = null;
      switch (spec.property) {
        case "protocol":
          meaning = decoded.protocol ?? null;
          break;
        case "srcPort":
          meaning = decoded.srcPort ?? null;
          break;
        case "dstPort":
          meaning = decoded.dstPort ?? null;
          break;
        case "tcpFlags":
          meaning = decoded.tcpFlags || null;
          break;
        case "trafficPath":
          meaning = decoded.trafficPath ?? null;
          break;
        case "logStatus":
          meaning = decoded.logStatus ?? null;
          break;
        case "rejectReason":
          meaning = decoded.rejectReason ?? null;
          break;
        case "start":
        case "end":
          meaning = value === "-" ? null : new Date(Number(value) * 1000).toISOString();
          break;
        case "action":
          meaning = value === "ACCEPT" ? "accepted" : value === "REJECT" ? "rejected by a security group or network ACL" : null;
          break;
      }
      fields.push({ name: spec.name, value, meaning, description: FLOW_FIELDS.find((f) => f.name === spec.name)?.description ?? "" });
    });
    const flow = enrichFlow(record, lookup, { fallbackTime: row.timeMs / 1000 });
    const plain = (endpoint: Endpoint | null) => (endpoint === null ? null : { label: endpointLabel(endpoint), ...endpoint });
    ends.push({ role: "source", address: record.srcAddr, endpoint: plain(flow.src) });
    ends.push({ role: "destination", address: record.dstAddr, endpoint: plain(flow.dst) });
    if (flow.pktSrc) ends.push({ role: "packet source", address: record.pktSrcAddr, endpoint: plain(flow.pktSrc) });
    if (flow.pktDst) ends.push({ role: "packet destination", address: record.pktDstAddr, endpoint: plain(flow.pktDst) });
    ends.push({ role: "logged on", address: null, endpoint: plain(flow.interface) });
  }
  return { row, format: format.header, fields, ends };
}
