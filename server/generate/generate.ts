/**
 * `flowlens generate`: writes a deterministic synthetic organisation to a folder: flow log files
 * in AWS's S3 layout, the inventory as the AWS CLI prints it, ip-ranges.json, known networks, and
 * a manifest with the ground truth (record counts per file and in total, the incidents, the
 * options). Windows are generated one after the other and written as they complete, so memory
 * stays bounded whatever the period.
 */
import { type KnownNetwork, KNOWN_NETWORKS, ipRangesDocument, knownNetworksCsv } from "./addresses";
import { flowLogFileBytes, fileHash, flowLogObjectKey } from "./files";
import { flowFormatOfLog, headerLine, recordFormatter, type RecordFormatter } from "./format";
import { incidentSummary } from "./incidents";
import { accountRegions, accountsDocument, describeFlowLogs, describeNetworkInterfaces, describeSubnets, describeVpcs, scopesChangedAt } from "./inventory";
import { type FlowLog, type Organisation, buildOrganisation } from "./organisation";
import { type TrafficModel, buildTrafficModel, trafficInWindow } from "./traffic";
import { DAY, WINDOW, fileStamp, floorTo, isoTime } from "./time";

export interface GenerateOptions {
  seed: number;
  /** Length of the period in days (fractions allowed). */
  days: number;
  /** End of the period, Unix seconds (rounded down to 5 minutes). */
  end: number;
  /** Number of AWS accounts (1–12): prod, staging, shared, data, sandbox, then team accounts. */
  accounts: number;
  /** Traffic multiplier. */
  scale: number;
  /** Delivery interval of flow log files in minutes: 5 (as AWS) or 60 (fewer files over long periods). */
  fileMinutes: 5 | 60;
}

export const DEFAULT_GENERATE_OPTIONS = { seed: 1, days: 7, accounts: 3, scale: 1, fileMinutes: 5 } as const;

/** Where generated files go: a folder, or memory in tests. Paths use `/`. */
export interface FileSink {
  write(path: string, data: Uint8Array | string): Promise<void>;
}

export interface GeneratedFile {
  path: string;
  flowLogId: string;
  records: number;
  /** Unix seconds: the file holds records whose `end` is in [from, to). */
  from: number;
  to: number;
}

export interface FlowFilesResult {
  files: GeneratedFile[];
  records: number;
  conversations: number;
  /** Uncompressed bytes of the written files (header lines included). */
  bytes: number;
}

export interface GenerateProgress {
  windowsDone: number;
  windowsTotal: number;
  records: number;
  files: number;
}

export function trafficModelFor(options: { seed: number; accounts: number; scale: number; anchor: number; days: number }): TrafficModel {
  const org = buildOrganisation({ seed: options.seed, accounts: options.accounts });
  return buildTrafficModel(org, { scale: options.scale, anchor: options.anchor, days: options.days });
}

/**
 * Writes the flow log files holding every record whose `end` lies in [from, to): one file per flow
 * log and delivery interval (clipped to the range), as AWS delivers them. Any range can be written
 * on its own; adjacent ranges never share a record.
 */
export async function writeFlowFiles(
  model: TrafficModel,
  range: { from: number; to: number },
  fileSeconds: number,
  sink: FileSink,
  onProgress?: (progress: GenerateProgress) => void,
): Promise<FlowFilesResult> {
  const { from, to } = range;
  const seed = model.org.options.seed;
  const formatters = new Map<string, { flowLog: FlowLog; format: RecordFormatter; header: string }>();
  for (const flowLog of model.org.flowLogs) formatters.set(flowLog.id, { flowLog, format: recordFormatter(flowLog), header: headerLine(flowLog) });
  // Open delivery buckets per flow log: bucket start → lines.
  const open = new Map<string, Map<number, string[]>>();
  for (const id of formatters.keys()) open.set(id, new Map());
  const result: FlowFilesResult = { files: [], records: 0, conversations: 0, bytes: 0 };
  // Files being compressed and written (bounded, so memory stays flat).
  const pending = new Set<Promise<void>>();

  const flush = async (upTo: number) => {
    for (const [id, buckets] of open) {
      const { flowLog, header } = formatters.get(id) as { flowLog: FlowLog; header: string };
      for (const [bucketStart, lines] of [...buckets].sort((a, b) => a[0] - b[0])) {
        const bucketEnd = Math.min(bucketStart + fileSeconds, to);
        if (bucketEnd > upTo) continue;
        buckets.delete(bucketStart);
        if (lines.length === 0) continue;
        const fileFrom = Math.max(bucketStart, from);
        const path = flowLogObjectKey(flowLog, bucketEnd, fileHash(seed, flowLog, fileFrom, bucketEnd));
        const write = flowLogFileBytes(header, lines).then((bytes) => sink.write(path, bytes));
        pending.add(write);
        void write.finally(() => pending.delete(write));
        if (pending.size >= 16) await Promise.race(pending);
        result.bytes += header.length + 1 + lines.reduce((n, l) => n + l.length + 1, 0);
        result.files.push({ path, flowLogId: id, records: lines.length, from: fileFrom, to: bucketEnd });
      }
    }
  };

  const firstWindow = floorTo(from, WINDOW);
  const windowsTotal = Math.max(0, Math.ceil((to - firstWindow) / WINDOW));
  let windowsDone = 0;
  for (let w = firstWindow; w < to; w += WINDOW) {
    const traffic = trafficInWindow(model, w);
    result.conversations += traffic.conversations;
    for (const [id, records] of traffic.records) {
      const { format } = formatters.get(id) as { format: RecordFormatter };
      const buckets = open.get(id) as Map<number, string[]>;
      for (const record of records) {
        if (record.end < from || record.end >= to) continue;
        const bucket = floorTo(record.end, fileSeconds);
        let lines = buckets.get(bucket);
        if (!lines) {
          lines = [];
          buckets.set(bucket, lines);
        }
        lines.push(format(record));
        result.records++;
      }
    }
    await flush(Math.min(w + WINDOW, to));
    windowsDone++;
    onProgress?.({ windowsDone, windowsTotal, records: result.records, files: result.files.length });
  }
  await flush(to);
  await Promise.all(pending);
  return result;
}

export interface Manifest {
  generator: "flowlens generate";
  formatVersion: 1;
  seed: number;
  options: { days: number; start: string; end: string; startUnix: number; endUnix: number; accounts: number; scale: number; fileMinutes: number };
  totals: { records: number; files: number; conversations: number; uncompressedBytes: number };
  accounts: { id: string; name: string; environment: string; team: string }[];
  vpcs: { id: string; name: string; account: string; region: string; cidr: string }[];
  flowLogs: {
    id: string;
    vpc: string;
    account: string;
    region: string;
    version: number;
    fields: string[];
    aggregationSeconds: number;
    layout: string;
    records: number;
    files: number;
  }[];
  incidents: Record<string, unknown>[];
  inventory: {
    accounts: string;
    ipRanges: string;
    knownNetworks: string;
    /** State at the end of the period, per account and region. */
    current: { account: string; region: string; networkInterfaces: string; vpcs: string; subnets: string; flowLogs: string }[];
    /** describe-network-interfaces at the start and after every change, oldest first. */
    snapshots: { at: string; atUnix: number; account: string; region: string; networkInterfaces: string }[];
  };
  knownNetworks: KnownNetwork[];
  /** Ground truth for enrichment: every interface of the period and what it belongs to. */
  interfaces: { id: string; account: string; vpc: string; type: string; service: string; team?: string; ips: string[]; createdAt: string; deletedAt?: string }[];
  files: { path: string; flowLogId: string; records: number }[];
}

/** Writes the whole data set for `options` to the sink and returns its manifest (also written). */
export async function generateDataset(
  options: GenerateOptions,
  sink: FileSink,
  onProgress?: (progress: GenerateProgress) => void,
): Promise<Manifest> {
  const fileSeconds = options.fileMinutes * 60;
  const end = floorTo(options.end, 300);
  const start = end - Math.round(options.days * DAY);
  const model = trafficModelFor({ seed: options.seed, accounts: options.accounts, scale: options.scale, anchor: end, days: options.days });
  const org = model.org;

  const flow = await writeFlowFiles(model, { from: start, to: end }, fileSeconds, sink, onProgress);
  const inventory = await writeInventory(org, sink, start, end);
  await sink.write("ip-ranges.json", ipRangesDocument(new Date(floorTo(end, DAY) * 1000)));
  await sink.write("known-networks.csv", knownNetworksCsv());

  const manifest: Manifest = {
    generator: "flowlens generate",
    formatVersion: 1,
    seed: options.seed,
    options: {
      days: options.days,
      start: isoTime(start),
      end: isoTime(end),
      startUnix: start,
      endUnix: end,
      accounts: org.accounts.length,
      scale: options.scale,
      fileMinutes: options.fileMinutes,
    },
    totals: { records: flow.records, files: flow.files.length, conversations: flow.conversations, uncompressedBytes: flow.bytes },
    accounts: org.accounts.map((a) => ({ id: a.id, name: a.name, environment: a.environment, team: a.team })),
    vpcs: org.vpcs.map((v) => ({ id: v.id, name: v.name, account: v.account.id, region: v.region, cidr: v.cidr.text })),
    flowLogs: org.flowLogs.map((fl) => {
      const files = flow.files.filter((f) => f.flowLogId === fl.id);
      return {
        id: fl.id,
        vpc: fl.vpc.name,
        account: fl.vpc.account.id,
        region: fl.vpc.region,
        version: flowFormatOfLog(fl).version,
        fields: [...fl.fields],
        aggregationSeconds: fl.aggregationSeconds,
        layout: fl.layout,
        records: files.reduce((n, f) => n + f.records, 0),
        files: files.length,
      };
    }),
    incidents: model.incidents.all.filter((i) => i.end > start && i.start < end && org.vpcByKey.has(i.vpc)).map(incidentSummary),
    inventory: { ...inventory, ipRanges: "ip-ranges.json", knownNetworks: "known-networks.csv" },
    knownNetworks: [...KNOWN_NETWORKS],
    interfaces: org.interfacesDuring(start, end).map((eni) => ({
      id: eni.id,
      account: eni.vpc.account.id,
      vpc: eni.vpc.name,
      type: eni.interfaceType,
      service: eni.workload.service,
      ...(eni.workload.team ? { team: eni.workload.team } : {}),
      ips: [eni.privateIp, ...eni.secondaryIps],
      createdAt: isoTime(eni.createdAt),
      ...(eni.deletedAt !== undefined ? { deletedAt: isoTime(eni.deletedAt) } : {}),
    })),
    files: flow.files.map((f) => ({ path: f.path, flowLogId: f.flowLogId, records: f.records })),
  };
  await sink.write("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** describe-* JSON per account and region at the end of the period, and interface snapshots over it. */
export async function writeInventory(org: Organisation, sink: FileSink, start: number, end: number): Promise<Omit<Manifest["inventory"], "ipRanges" | "knownNetworks">> {
  await sink.write("inventory/accounts.json", accountsDocument(org));
  const current: Manifest["inventory"]["current"] = [];
  const snapshots: Manifest["inventory"]["snapshots"] = [];
  const at = end - 1;
  for (const { account, region, vpcs } of accountRegions(org)) {
    const folder = `inventory/${account.id}/${region}`;
    await sink.write(`${folder}/describe-vpcs.json`, describeVpcs(vpcs));
    await sink.write(`${folder}/describe-subnets.json`, describeSubnets(vpcs));
    await sink.write(`${folder}/describe-network-interfaces.json`, describeNetworkInterfaces(org, account, region, at));
    await sink.write(`${folder}/describe-flow-logs.json`, describeFlowLogs(org, vpcs));
    current.push({
      account: account.id,
      region,
      networkInterfaces: `${folder}/describe-network-interfaces.json`,
      vpcs: `${folder}/describe-vpcs.json`,
      subnets: `${folder}/describe-subnets.json`,
      flowLogs: `${folder}/describe-flow-logs.json`,
    });
  }
  const times = [start, ...org.churnTimes(start, end - 1)];
  for (const t of times) {
    const scopes = t === start ? accountRegions(org) : scopesChangedAt(org, t);
    for (const { account, region } of scopes) {
      const path = `inventory/history/${fileStamp(t).replace("Z", "")}${String(new Date(t * 1000).getUTCSeconds()).padStart(2, "0")}Z/${account.id}/${region}/describe-network-interfaces.json`;
      await sink.write(path, describeNetworkInterfaces(org, account, region, t));
      snapshots.push({ at: isoTime(t), atUnix: t, account: account.id, region, networkInterfaces: path });
    }
  }
  return { accounts: "inventory/accounts.json", current, snapshots };
}
