/**
 * Where AWS puts flow log files in S3, and how they look: one gzip file per flow log and delivery
 * interval, named `<account>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz` under
 * `AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/` (plus `<HH>/` with per-hour
 * partitions), the header line first.
 */
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { FlowLog } from "./organisation";
import { hexId } from "./random";
import { fileStamp } from "./time";

/** The S3 object key of a flow log file delivered at `deliveredAt` (Unix seconds). */
export function flowLogObjectKey(flowLog: FlowLog, deliveredAt: number, hash: string): string {
  const account = flowLog.vpc.account.id;
  const region = flowLog.vpc.region;
  const d = new Date(deliveredAt * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const folder = `AWSLogs/${account}/vpcflowlogs/${region}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const hourFolder = flowLog.layout === "hourly" ? `/${pad(d.getUTCHours())}` : "";
  return `${folder}${hourFolder}/${account}_vpcflowlogs_${region}_${flowLog.id}_${fileStamp(deliveredAt)}_${hash}.log.gz`;
}

/** The 8-hex-digit suffix AWS adds to each file name; ours is derived from the covered interval. */
export function fileHash(seed: number, flowLog: FlowLog, from: number, to: number): string {
  return hexId([seed, "file", flowLog.id, from, to], 8);
}

const gzipAsync = promisify(gzip);

/**
 * A flow log file's bytes: the header line, then one record a line, gzip-compressed (on libuv's
 * thread pool, so compression overlaps with generating the next window).
 */
export function flowLogFileBytes(header: string, lines: readonly string[]): Promise<Buffer> {
  return gzipAsync(Buffer.from(`${header}\n${lines.join("\n")}\n`), { level: 4 });
}
