import { InvalidArgumentError, type Command } from "commander";
import { createDb } from "../../server/db/client";
import { loadEnv, parseDurationMs } from "../../server/env";
import { AppError } from "../../server/errors";
import { parseFlowFormat } from "../../server/flows";
import { type CheckpointStore, memoryCheckpoint, openCheckpoint } from "../../server/ingest/checkpoint";
import { defaultCheckpointPath, openPushDestination } from "../../server/ingest/destination";
import { DEFAULT_INGEST_SETTINGS, type IngestStats, type PushFormat, ingestFlowLogFiles } from "../../server/ingest/ingest";
import { type FlowLogFile, listLocalFiles, listS3Files } from "../../server/ingest/sources";
import { saveFlowLogFormat } from "../../server/inventory/flow-log-formats";
import { ProgressLine, formatBytes, formatCount } from "../progress";

interface IngestFlags {
  loki?: string;
  tenant?: string;
  username?: string;
  password?: string;
  bearerToken?: string;
  label: string[];
  format: PushFormat;
  batchSize: number;
  batchWait: number;
  concurrency: number;
  retries: number;
  timeout?: number;
  checkpoint: string | false;
  recordFormat?: string;
  flowLogId?: string;
  owner?: string;
  s3Region?: string;
  s3Endpoint?: string;
}

/** `1048576`, `512KB`, `1MiB`, `2MB` → bytes (K/M = 1024-based, as Promtail's batch size). */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m)?$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`${text} is not a size: write e.g. 1048576, 512KB or 1MiB.`);
  const unit = (match[2] ?? "b").toLowerCase();
  const factor = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1;
  return Math.round(Number(match[1]) * factor);
}

function duration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < 0) throw new InvalidArgumentError(`${text} is not a duration: write e.g. 500ms, 1s or 2m.`);
  return ms;
}

function positiveInteger(name: string) {
  return (text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number.`);
    return n;
  };
}

/** `k=v` → [k, v], checked against Loki's label-name rules. */
export function parseLabelArgument(text: string): [string, string] {
  const eq = text.indexOf("=");
  const name = eq > 0 ? text.slice(0, eq) : "";
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) {
    throw new AppError("BAD_REQUEST", `--label ${JSON.stringify(text)}: write name=value with a label name of letters, digits and _ (not starting with a digit).`);
  }
  if (name.startsWith("__aws_")) {
    throw new AppError("BAD_REQUEST", `--label ${name}: the __aws_* labels come from the files (lambda-promtail's labels) and cannot be set.`);
  }
  return [name, text.slice(eq + 1)];
}

export function summaryLines(stats: IngestStats, destination: string): string[] {
  const seconds = stats.elapsedMs / 1000;
  const lines = [
    `sent ${formatCount(stats.records)} records from ${formatCount(stats.filesSent)} files to ${destination} in ${seconds.toFixed(1)} s ` +
      `(${formatCount(stats.records / Math.max(seconds, 1e-3))} records/s, ${formatBytes(stats.bytesRead)} read, ${formatBytes(stats.bytesDecompressed)} uncompressed, ${formatCount(stats.batches)} pushes)`,
  ];
  if (stats.filesSkipped > 0) lines.push(`skipped ${formatCount(stats.filesSkipped)} files already sent (checkpoint)`);
  if (stats.retries > 0) lines.push(`retried ${formatCount(stats.retries)} pushes`);
  if (stats.malformed > 0) lines.push(`${formatCount(stats.malformed)} malformed lines were skipped (see above)`);
  if (stats.filesFailed > 0) {
    lines.push(`${formatCount(stats.filesFailed)} files were not sent completely; run the same command again to retry them:`);
    for (const failure of stats.failures.slice(0, 10)) lines.push(`  ${failure.message}`);
    if (stats.failures.length > 10) lines.push(`  … and ${stats.failures.length - 10} more`);
  }
  return lines;
}

const SHOWN_MALFORMED = 20;

/**
 * Records the formats the files' header lines declared in the portal's flow log format registry
 * (lambda-promtail does not push header lines: this is how the portal learns custom formats).
 */
async function rememberFormats(formats: Record<string, string>, databaseUrl: string | undefined, log: (line: string) => void): Promise<void> {
  const entries = Object.entries(formats);
  if (entries.length === 0) return;
  if (!databaseUrl) {
    log(
      `the files declare the formats of ${entries.length} flow logs; set DATABASE_URL to the portal's database to record them, ` +
        "or run `npx flowlens inventory flow-log-format <fl-id> <format>` (or import describe-flow-logs) there.",
    );
    return;
  }
  const db = createDb(databaseUrl);
  try {
    for (const [flowLogId, header] of entries) await saveFlowLogFormat(db, flowLogId, header, "header");
    log(`recorded the record format of ${entries.length} flow logs from their header lines`);
  } finally {
    await db.$disconnect();
  }
}

export function registerIngest(program: Command): void {
  program
    .command("ingest")
    .description("push flow log files (.log/.log.gz, folders, s3://bucket/prefix) to Loki with lambda-promtail's labels")
    .argument("<inputs...>", "files, folders (searched recursively) or s3://bucket/prefix")
    .option("--loki <url>", "Loki's root URL (default: LOKI_URL, else the embedded store)")
    .option("--tenant <id>", "X-Scope-OrgID (default: LOKI_TENANT_ID)")
    .option("--username <name>", "basic auth user (with --password)")
    .option("--password <password>", "basic auth password")
    .option("--bearer-token <token>", "bearer token")
    .option("--label <name=value>", "an extra label on every stream (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--format <format>", "push body: protobuf (snappy, as Promtail) or json", "protobuf")
    .option("--batch-size <size>", "send a batch at this many bytes of lines", parseByteSize, DEFAULT_INGEST_SETTINGS.batchBytes)
    .option("--batch-wait <duration>", "…or when it is this old", duration, DEFAULT_INGEST_SETTINGS.batchWaitMs)
    .option("--concurrency <n>", "pushes in flight at once", positiveInteger("--concurrency"), DEFAULT_INGEST_SETTINGS.concurrency)
    .option("--retries <n>", "retries of a push on 429/5xx/network errors", positiveInteger("--retries"), DEFAULT_INGEST_SETTINGS.maxRetries)
    .option("--timeout <duration>", "how long one push may take (default: LOKI_TIMEOUT)", duration)
    .option("--checkpoint <file>", "checkpoint file (default: one per destination under FLOWLENS_DATA_DIR/ingest)")
    .option("--no-checkpoint", "send every file, remember nothing")
    .option("--record-format <fields>", "format of files without a header line (default: AWS's default format)")
    .option("--flow-log-id <fl-id>", "flow log id for files whose name does not say it")
    .option("--owner <account>", "owner account for files whose name does not say it")
    .option("--s3-region <region>", "region of the S3 bucket (default: AWS_REGION)")
    .option("--s3-endpoint <url>", "an S3-compatible endpoint (path-style), e.g. http://127.0.0.1:9000")
    .action(async (inputs: string[], flags: IngestFlags) => {
      if (flags.format !== "protobuf" && flags.format !== "json") throw new AppError("BAD_REQUEST", "--format must be protobuf or json.");
      if ((flags.username === undefined) !== (flags.password === undefined)) throw new AppError("BAD_REQUEST", "--username and --password go together.");
      if (flags.concurrency < 1) throw new AppError("BAD_REQUEST", "--concurrency must be at least 1.");
      const settings = loadEnv();
      const log = (line: string) => console.error(`flowlens: ${line}`);
      const extraLabels = Object.fromEntries(flags.label.map(parseLabelArgument));
      const recordFormat = flags.recordFormat ? parseFlowFormat(flags.recordFormat) : undefined;

      const files: FlowLogFile[] = [];
      const local = inputs.filter((i) => !i.startsWith("s3://"));
      if (local.length > 0) files.push(...(await listLocalFiles(local)));
      for (const uri of inputs.filter((i) => i.startsWith("s3://"))) {
        files.push(...(await listS3Files(uri, { region: flags.s3Region, endpoint: flags.s3Endpoint })));
      }
      if (files.length === 0) throw new AppError("NOT_FOUND", `no flow log files (.log or .log.gz) in ${inputs.join(", ")}.`);

      const auth = flags.bearerToken
        ? { kind: "bearer" as const, token: flags.bearerToken }
        : flags.username && flags.password
          ? { kind: "basic" as const, username: flags.username, password: flags.password }
          : undefined;
      const destination = await openPushDestination(settings, { lokiUrl: flags.loki, tenant: flags.tenant, auth, timeoutMs: flags.timeout }, log);
      let checkpoint: CheckpointStore = memoryCheckpoint();
      const controller = new AbortController();
      const interrupt = () => {
        log("interrupted: finishing the pushes in flight (Ctrl-C again to quit at once)");
        controller.abort();
        process.once("SIGINT", () => process.exit(130));
      };
      process.once("SIGINT", interrupt);
      try {
        if (flags.checkpoint !== false) {
          checkpoint = openCheckpoint(flags.checkpoint ?? defaultCheckpointPath(settings.dataDir, destination.identity));
        }
        log(`ingesting ${formatCount(files.length)} files into ${destination.description}${checkpoint.path ? ` (checkpoint ${checkpoint.path})` : ""}`);
        const progress = new ProgressLine();
        let shownMalformed = 0;
        const stats = await ingestFlowLogFiles(files, {
          ...DEFAULT_INGEST_SETTINGS,
          client: destination.client,
          format: flags.format,
          extraLabels,
          batchBytes: flags.batchSize,
          batchWaitMs: flags.batchWait,
          concurrency: flags.concurrency,
          maxRetries: flags.retries,
          checkpoint,
          defaultFormat: recordFormat,
          flowLogId: flags.flowLogId,
          owner: flags.owner,
          signal: controller.signal,
          onProgress: (s) =>
            progress.update(
              `ingest: ${formatCount(s.filesSent + s.filesSkipped + s.filesFailed)}/${formatCount(s.filesTotal)} files · ${formatCount(s.records)} records · ` +
                `${formatCount(s.recordsPerSecond)} records/s · ${formatBytes(s.bytesRead)} read${s.malformed ? ` · ${formatCount(s.malformed)} malformed` : ""}`,
            ),
          onMalformed: (problem) => {
            if (shownMalformed++ < SHOWN_MALFORMED) {
              progress.done();
              log(`malformed line ${problem.file}:${problem.line}: ${problem.reason}`);
            }
          },
          onFileError: (_file, message) => {
            progress.done();
            log(message);
          },
          onRetry: (attempt, delayMs, message) => {
            progress.done();
            log(`push failed (${message}); retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`);
          },
        });
        progress.done();
        if (stats.malformed > SHOWN_MALFORMED) log(`… ${formatCount(stats.malformed - SHOWN_MALFORMED)} more malformed lines not shown`);
        for (const line of summaryLines(stats, destination.description)) log(line);
        await rememberFormats(stats.formats, destination.databaseUrl ?? settings.DATABASE_URL, log);
        if (stats.filesFailed > 0 || controller.signal.aborted) process.exitCode = controller.signal.aborted ? 130 : 1;
      } finally {
        process.removeListener("SIGINT", interrupt);
        checkpoint.close();
        await destination.close();
      }
    });
}
