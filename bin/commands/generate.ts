import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { AppError } from "../../server/errors";
import { folderSink } from "../../server/generate/folder-sink";
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions, generateDataset } from "../../server/generate/generate";
import { MAX_ACCOUNTS } from "../../server/generate/organisation";
import { ProgressLine, formatCount } from "../progress";

interface GenerateFlags {
  out: string;
  seed: number;
  days: number;
  end?: string;
  accounts: number;
  scale: number;
  fileMinutes: number;
}

function positiveNumber(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number.`);
    return n;
  };
}

function wholeNumber(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** `now`, a Unix time in seconds, or an ISO 8601 date/time. */
export function parseTimeArgument(value: string, now = Date.now()): number {
  if (value === "now") return Math.floor(now / 1000);
  if (/^\d{9,10}$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new AppError("BAD_REQUEST", `--end ${JSON.stringify(value)} is not a time: use now, Unix seconds, or ISO 8601 such as 2026-11-24T12:00:00Z.`);
  }
  return Math.floor(ms / 1000);
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("write a deterministic synthetic AWS organisation: flow log files in the S3 layout, inventory JSON, ip-ranges.json, known networks, a manifest")
    .requiredOption("-o, --out <dir>", "folder to write into (created if missing)")
    .option("--seed <n>", "seed: the same seed and options give byte-identical output", wholeNumber("--seed", 0, 2 ** 31 - 1), DEFAULT_GENERATE_OPTIONS.seed)
    .option("--days <d>", "length of the period in days (fractions allowed)", positiveNumber("--days"), DEFAULT_GENERATE_OPTIONS.days)
    .option("--end <time>", "end of the period: now, Unix seconds or ISO 8601 (default: the start of the current hour)")
    .option("--accounts <n>", `AWS accounts, 1–${MAX_ACCOUNTS}: prod, staging, shared, data, sandbox, then team accounts`, wholeNumber("--accounts", 1, MAX_ACCOUNTS), DEFAULT_GENERATE_OPTIONS.accounts)
    .option("--scale <x>", "traffic multiplier (1 ≈ 1.5 million records a week with 3 accounts)", positiveNumber("--scale"), DEFAULT_GENERATE_OPTIONS.scale)
    .option("--file-minutes <m>", "delivery interval of flow log files: 5 (as AWS) or 60", wholeNumber("--file-minutes", 5, 60), DEFAULT_GENERATE_OPTIONS.fileMinutes)
    .action(async (flags: GenerateFlags) => {
      if (flags.fileMinutes !== 5 && flags.fileMinutes !== 60) throw new AppError("BAD_REQUEST", "--file-minutes must be 5 or 60.");
      const end = flags.end === undefined ? Math.floor(Date.now() / 3_600_000) * 3600 : parseTimeArgument(flags.end);
      const options: GenerateOptions = {
        seed: flags.seed,
        days: flags.days,
        end,
        accounts: flags.accounts,
        scale: flags.scale,
        fileMinutes: flags.fileMinutes,
      };
      const out = path.resolve(flags.out);
      const sink = folderSink(out);
      const progress = new ProgressLine();
      const started = performance.now();
      const manifest = await generateDataset(options, sink, (p) => {
        const seconds = (performance.now() - started) / 1000;
        progress.update(
          `generating: ${Math.round((100 * p.windowsDone) / Math.max(1, p.windowsTotal))}% · ${formatCount(p.records)} records · ${formatCount(p.files)} files · ${formatCount(p.records / Math.max(seconds, 0.001))} records/s`,
        );
      });
      progress.done();
      const seconds = (performance.now() - started) / 1000;
      console.error(
        `flowlens: wrote ${formatCount(manifest.totals.records)} records in ${formatCount(manifest.totals.files)} flow log files ` +
          `(${manifest.options.start} → ${manifest.options.end}, ${manifest.accounts.length} accounts, ${manifest.flowLogs.length} flow logs) ` +
          `and the inventory to ${out} in ${seconds.toFixed(1)} s`,
      );
      for (const incident of manifest.incidents) {
        console.error(`  incident ${String(incident.kind).padEnd(26)} ${incident.start} → ${incident.end}  ${incident.title}`);
      }
    });
}
