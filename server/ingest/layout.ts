/**
 * What a flow log file's S3 key (or local path) says: the account that owns the flow log, its
 * region, the flow log id and the delivery time. AWS names every file
 * `<account>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz` and puts it under
 * `AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/` — plus `<HH>/` with per-hour
 * partitions, or as `aws-account-id=…/aws-service=vpcflowlogs/aws-region=…/year=…/month=…/day=…/hour=…/`
 * with Hive-compatible prefixes.
 */

export type FlowLogKeyLayout = "default" | "hourly" | "hive" | "file-name-only";

export interface FlowLogKey {
  account: string;
  region: string;
  flowLogId: string;
  /** Unix seconds of the `YYYYMMDDTHHmmZ` stamp. */
  deliveredAt: number;
  layout: FlowLogKeyLayout;
}

const FILE_NAME = /(?:^|\/)(\d{12})_vpcflowlogs_([a-z]{2}(?:-[a-z]+)+-\d+)_(fl-[0-9a-zA-Z]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_([0-9a-zA-Z]+)\.log(?:\.gz)?$/;
const DEFAULT_PREFIX = /(?:^|\/)AWSLogs\/(\d{12})\/vpcflowlogs\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/(\d{2}\/)?[^/]+$/;
const HIVE_PREFIX = /(?:^|\/)AWSLogs\/aws-account-id=(\d{12})\/aws-service=vpcflowlogs\/aws-region=([a-z0-9-]+)\/year=\d{4}\/month=\d{2}\/day=\d{2}\/(hour=\d{2}\/)?[^/]+$/;

/** Reads an S3 key or a path; undefined when the file name is not an AWS flow log file name. */
export function parseFlowLogKey(key: string): FlowLogKey | undefined {
  const normalized = key.replace(/\\/g, "/");
  const name = FILE_NAME.exec(normalized);
  if (!name) return undefined;
  const [, account, region, flowLogId, y, mo, d, h, mi] = name as unknown as string[];
  const deliveredAt = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) / 1000;
  let layout: FlowLogKeyLayout = "file-name-only";
  const plain = DEFAULT_PREFIX.exec(normalized);
  const hive = HIVE_PREFIX.exec(normalized);
  if (plain && plain[1] === account && plain[2] === region) layout = plain[3] ? "hourly" : "default";
  else if (hive && hive[1] === account && hive[2] === region) layout = "hive";
  return { account: account as string, region: region as string, flowLogId: flowLogId as string, deliveredAt, layout };
}

/** Whether a key or path names a flow log file ingest reads (`.log` or `.log.gz`). */
export function isFlowLogFileName(key: string): boolean {
  return /\.log(?:\.gz)?$/.test(key);
}
