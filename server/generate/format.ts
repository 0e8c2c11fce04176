/**
 * Writes generated records as flow log lines in a flow log's format, with server/flows' writer:
 * the fields in the flow log's order, `-` where a field does not apply (NODATA/SKIPDATA records,
 * ingress traffic-path, absent AWS services), `version` = the highest version among the chosen
 * fields, as AWS does.
 */
import { type FlowFormat, flowFormatOf, formatFlowRecord } from "../flows";
import type { FlowLog } from "./organisation";
import type { GeneratedRecord } from "./traffic";

export function flowFormatOfLog(flowLog: FlowLog): FlowFormat {
  return flowFormatOf(flowLog.fields);
}

export type RecordFormatter = (record: GeneratedRecord) => string;

/** A function writing one record as a line of this flow log (no newline). */
export function recordFormatter(flowLog: FlowLog): RecordFormatter {
  const format = flowFormatOfLog(flowLog);
  const version = format.version;
  return (record) => {
    record.version = version;
    return formatFlowRecord(record, format);
  };
}

/** The header line AWS writes first in every file delivered to S3: the field names. */
export function headerLine(flowLog: FlowLog): string {
  return flowFormatOfLog(flowLog).header;
}
