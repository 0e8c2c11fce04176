/**
 * Flow records: reading one line of a flow log in a given format (`parseFlowRecord`), explaining
 * why a line is not a record (`explainFlowRecordProblem`), and writing one (`formatFlowRecord`).
 *
 * `parseFlowRecord` runs on every line flowlens shows and in the enrichment benchmark (a million
 * lines a second), so it scans character codes once: numbers are accumulated as they are read,
 * enumerations map to constant strings, and only text fields (ids, addresses) become substrings.
 */
import { FLOW_FIELDS, type FlowRecordFields } from "./fields";
import type { FlowFormat } from "./format";

/** One flow record. Fields the format lacks, and fields logged as `-`, are `null`. */
export class FlowRecord implements FlowRecordFields {
  version: number | null = null;
  accountId: string | null = null;
  interfaceId: string | null = null;
  srcAddr: string | null = null;
  dstAddr: string | null = null;
  srcPort: number | null = null;
  dstPort: number | null = null;
  protocol: number | null = null;
  packets: number | null = null;
  bytes: number | null = null;
  start: number | null = null;
  end: number | null = null;
  action: "ACCEPT" | "REJECT" | null = null;
  logStatus: "OK" | "NODATA" | "SKIPDATA" | null = null;
  vpcId: string | null = null;
  subnetId: string | null = null;
  instanceId: string | null = null;
  tcpFlags: number | null = null;
  type: "IPv4" | "IPv6" | "EFA" | null = null;
  pktSrcAddr: string | null = null;
  pktDstAddr: string | null = null;
  region: string | null = null;
  azId: string | null = null;
  sublocationType: "wavelength" | "outpost" | "localzone" | null = null;
  sublocationId: string | null = null;
  pktSrcAwsService: string | null = null;
  pktDstAwsService: string | null = null;
  flowDirection: "ingress" | "egress" | null = null;
  trafficPath: number | null = null;
  ecsClusterArn: string | null = null;
  ecsClusterName: string | null = null;
  ecsContainerInstanceArn: string | null = null;
  ecsContainerInstanceId: string | null = null;
  ecsContainerId: string | null = null;
  ecsSecondContainerId: string | null = null;
  ecsServiceName: string | null = null;
  ecsTaskDefinitionArn: string | null = null;
  ecsTaskArn: string | null = null;
  ecsTaskId: string | null = null;
  rejectReason: string | null = null;
}

/** A record with the given values; every other field null. For the generator and tests. */
export function createFlowRecord(values: Partial<FlowRecordFields>): FlowRecord {
  return Object.assign(new FlowRecord(), values);
}

const SPACE = 32;
const TAB = 9;
const DASH = 45;
const ZERO = 48;
const NINE = 57;

/** Field kinds by FLOW_FIELDS index: 0 number, 1 text/address, 2 enumeration. */
const KIND_BY_ID = Uint8Array.from(FLOW_FIELDS, (spec) => (spec.kind === "number" ? 0 : spec.kind === "enum" ? 2 : 1));
const ENUM_VALUES_BY_ID: (readonly string[] | undefined)[] = FLOW_FIELDS.map((spec) => spec.values);

/* The switches below use FLOW_FIELDS indexes; record.test.ts checks them against the table. */
function setNumber(record: FlowRecord, id: number, value: number | null): void {
  switch (id) {
    case 0: record.version = value; break;
    case 5: record.srcPort = value; break;
    case 6: record.dstPort = value; break;
    case 7: record.protocol = value; break;
    case 8: record.packets = value; break;
    case 9: record.bytes = value; break;
    case 10: record.start = value; break;
    case 11: record.end = value; break;
    case 17: record.tcpFlags = value; break;
    case 28: record.trafficPath = value; break;
  }
}

function setText(record: FlowRecord, id: number, value: string | null): void {
  switch (id) {
    case 1: record.accountId = value; break;
    case 2: record.interfaceId = value; break;
    case 3: record.srcAddr = value; break;
    case 4: record.dstAddr = value; break;
    case 12: record.action = value as FlowRecord["action"]; break;
    case 13: record.logStatus = value as FlowRecord["logStatus"]; break;
    case 14: record.vpcId = value; break;
    case 15: record.subnetId = value; break;
    case 16: record.instanceId = value; break;
    case 18: record.type = value as FlowRecord["type"]; break;
    case 19: record.pktSrcAddr = value; break;
    case 20: record.pktDstAddr = value; break;
    case 21: record.region = value; break;
    case 22: record.azId = value; break;
    case 23: record.sublocationType = value as FlowRecord["sublocationType"]; break;
    case 24: record.sublocationId = value; break;
    case 25: record.pktSrcAwsService = value; break;
    case 26: record.pktDstAwsService = value; break;
    case 27: record.flowDirection = value as FlowRecord["flowDirection"]; break;
    case 29: record.ecsClusterArn = value; break;
    case 30: record.ecsClusterName = value; break;
    case 31: record.ecsContainerInstanceArn = value; break;
    case 32: record.ecsContainerInstanceId = value; break;
    case 33: record.ecsContainerId = value; break;
    case 34: record.ecsSecondContainerId = value; break;
    case 35: record.ecsServiceName = value; break;
    case 36: record.ecsTaskDefinitionArn = value; break;
    case 37: record.ecsTaskArn = value; break;
    case 38: record.ecsTaskId = value; break;
    case 39: record.rejectReason = value; break;
  }
}

const isSeparator = (code: number) => code === SPACE || code === TAB;

/**
 * The line's bytes, for scanning: V8's charCodeAt pays for string representation checks on every
 * call (lines cut out of a file are slices of a larger string), a byte array does not. Flow records
 * are ASCII, so byte positions are character positions and text fields are cut from the line itself.
 */
const encoder = new TextEncoder();
let bytes = new Uint8Array(1024);

/**
 * Reads one flow record in `format`; null when the line is not a record of that format (wrong
 * number of fields, a number field that is not a number, an unknown ACCEPT/REJECT-style word,
 * non-ASCII text, or a header line). `explainFlowRecordProblem` says why.
 */
export function parseFlowRecord(line: string, format: FlowFormat): FlowRecord | null {
  if (line.length > bytes.length) bytes = new Uint8Array(line.length * 2);
  const buffer = bytes;
  const written = encoder.encodeInto(line, buffer).written;
  // A multi-byte character makes the byte count differ from the length: not a flow record.
  if (written !== line.length) return null;
  let end = written;
  while (end > 0) {
    const code = buffer[end - 1] as number;
    if (code === SPACE || code === TAB || code === 10 || code === 13) end--;
    else break;
  }
  let pos = 0;
  while (pos < end && isSeparator(buffer[pos] as number)) pos++;
  const ids = format.fieldIds;
  const count = ids.length;
  const record = new FlowRecord();
  for (let f = 0; f < count; f++) {
    if (pos >= end) return null;
    const id = ids[f] as number;
    const start = pos;
    let code = buffer[pos] as number;
    if (code === DASH && (pos + 1 === end || isSeparator(buffer[pos + 1] as number))) {
      pos++;
    } else if (KIND_BY_ID[id] === 0) {
      let value = 0;
      while (pos < end) {
        code = buffer[pos] as number;
        if (code < ZERO || code > NINE) break;
        value = value * 10 + (code - ZERO);
        pos++;
      }
      if (pos < end && !isSeparator(code)) return null;
      setNumber(record, id, value);
    } else {
      while (pos < end && !isSeparator(buffer[pos] as number)) pos++;
      if (KIND_BY_ID[id] === 2) {
        const values = ENUM_VALUES_BY_ID[id] as readonly string[];
        const length = pos - start;
        let match: string | null = null;
        for (let v = 0; v < values.length; v++) {
          const candidate = values[v] as string;
          if (candidate.length !== length) continue;
          let k = 0;
          while (k < length && candidate.charCodeAt(k) === buffer[start + k]) k++;
          if (k === length) {
            match = candidate;
            break;
          }
        }
        if (match === null) return null;
        setText(record, id, match);
      } else {
        setText(record, id, line.substring(start, pos));
      }
    }
    while (pos < end && isSeparator(buffer[pos] as number)) pos++;
  }
  return pos >= end ? record : null;
}

/**
 * Why `line` is not a record of `format`, in words for people (undefined when it is one).
 * The slow path of parseFlowRecord: call it only for lines that failed.
 */
export function explainFlowRecordProblem(line: string, format: FlowFormat): string | undefined {
  if (parseFlowRecord(line, format) !== null) return undefined;
  const tokens = line.trim().split(/[ \t]+/).filter((t) => t !== "");
  if (tokens.length === 0) return "the line is empty";
  const foreign = /[^\x00-\x7f]/.exec(line);
  if (foreign) return `it contains "${foreign[0]}" at character ${foreign.index + 1}; flow records are ASCII`;
  if (tokens.every((token) => FLOW_FIELDS.some((f) => f.name === token))) {
    return "it is a header line (field names), not a record";
  }
  if (tokens.length !== format.fields.length) {
    return `it has ${tokens.length} fields but the format has ${format.fields.length} (${format.header})`;
  }
  for (const [index, spec] of format.fields.entries()) {
    const token = tokens[index] as string;
    if (token === "-") continue;
    if (spec.kind === "number" && !/^\d+$/.test(token)) {
      return `field ${index + 1} (${spec.name}) is "${token}", not a whole number`;
    }
    if (spec.kind === "enum" && !spec.values?.includes(token)) {
      return `field ${index + 1} (${spec.name}) is "${token}", expected one of ${spec.values?.join(", ")}`;
    }
  }
  return "it does not match the format";
}

/** Writes `record` in `format`: the inverse of parseFlowRecord (null values become `-`). */
export function formatFlowRecord(record: Partial<FlowRecordFields>, format: FlowFormat): string {
  let line = "";
  for (const [index, spec] of format.fields.entries()) {
    const value = record[spec.property];
    if (index > 0) line += " ";
    line += value === null || value === undefined ? "-" : String(value);
  }
  return line;
}
