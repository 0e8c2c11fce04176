/**
 * `npx flowlens inventory …`: import AWS inventory files (format detected from the content), list
 * the interfaces no mapping rule names, and set a flow log's record format.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { createDb } from "../../server/db/client";
import { openDatabase } from "../../server/db/database";
import { migrate } from "../../server/db/migrate";
import { loadEnv } from "../../server/env";
import { AppError } from "../../server/errors";
import { type ImportResult, type InventoryFileInput, importInventory } from "../../server/inventory/import/apply";
import { syncInventoryFromAws } from "../../server/inventory/aws-sync";
import { saveFlowLogFormat } from "../../server/inventory/flow-log-formats";
import { unmatchedInterfaces } from "../../server/inventory/rules-service";
import { formatCount } from "../progress";

/** `now`, Unix seconds, or an ISO 8601 time, as a Date. */
export function parseTimeOption(value: string): Date {
  if (value === "now") return new Date();
  if (/^\d{9,10}$/.test(value)) return new Date(Number(value) * 1000);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is not a time: use now, Unix seconds, or ISO 8601 such as 2026-11-24T12:00:00Z.`);
  return new Date(ms);
}

/** Opens the portal's database (embedded when DATABASE_URL is unset), migrated, for one command. */
export async function withDatabase<T>(action: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadEnv());
  try {
    await migrate({ connectionString: database.url, log: () => {} });
    const db = createDb(database.url);
    try {
      return await action(db);
    } finally {
      await db.$disconnect();
    }
  } finally {
    await database.stop();
  }
}

async function readFiles(paths: string[]): Promise<InventoryFileInput[]> {
  const files: InventoryFileInput[] = [];
  for (const given of paths) {
    const stat = await fs.stat(given).catch(() => undefined);
    if (!stat) throw new AppError("BAD_REQUEST", `${given}: no such file.`);
    if (stat.isDirectory()) throw new AppError("BAD_REQUEST", `${given} is a folder: name the files (e.g. ${path.join(given, "*.json")}).`);
    files.push({ name: given, text: await fs.readFile(given, "utf8") });
  }
  return files;
}

/** The import report as lines for a terminal. */
export function describeImport(result: ImportResult): string[] {
  const lines: string[] = [];
  if (result.problems.length > 0) {
    lines.push(`${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing was written:`);
    for (const p of result.problems) {
      const where = [p.line === undefined ? undefined : `line ${p.line}`, p.location].filter((x) => x && x !== `line ${p.line}`).join(", ");
      lines.push(`  ${p.file}${p.line === undefined ? "" : `:${p.line}`}: ${where}${p.field && !p.location.endsWith(p.field) ? ` (${p.field})` : ""}: ${p.message}`);
    }
    return lines;
  }
  for (const f of result.files) {
    lines.push(`${f.file} (${f.format}): ${formatCount(f.records)} records: ${f.created} new, ${f.updated} changed, ${f.deleted} ${f.kind === "known-networks" || f.kind === "ip-ranges" ? "removed" : "marked deleted"}, ${f.unchanged} unchanged`);
    for (const note of f.notes) lines.push(`  ${note}`);
    for (const [change, ids] of Object.entries(f.samples)) if (ids.length > 0) lines.push(`  ${change}: ${ids.join(", ")}${ids.length < (f[change as "created"] as number) ? ", …" : ""}`);
  }
  lines.push(
    result.dryRun
      ? `dry run (as of ${result.observedAt}): nothing was written`
      : `imported as of ${result.observedAt}; inventory version ${result.stamp}`,
  );
  return lines;
}

export function registerInventory(program: Command): void {
  const inventory = program.command("inventory").description("the AWS inventory: accounts, VPCs, subnets, interfaces, services, known networks, AWS ranges");

  inventory
    .command("import")
    .description(
      "import files, format detected from content: aws ec2 describe-network-interfaces / describe-vpcs / describe-subnets / describe-flow-logs JSON, " +
        "aws organizations list-accounts JSON, AWS ip-ranges.json, CSV cidr,name,category (known networks), account_id,name,environment,team, service,team,description",
    )
    .argument("<files...>", "the files (all are imported in one transaction: any problem writes nothing)")
    .option("--dry-run", "report what would change and write nothing")
    .option("--observed-at <time>", "when the files were taken from AWS (now, Unix seconds or ISO 8601); default now", parseTimeOption)
    .option("--region <region>", "the region of describe-vpcs files (the AWS CLI does not print it)")
    .action(async (paths: string[], options: { dryRun?: boolean; observedAt?: Date; region?: string }) => {
      const files = await readFiles(paths);
      process.stderr.write(`reading ${files.length} file${files.length === 1 ? "" : "s"} …\n`);
      const result = await withDatabase((db) =>
        importInventory({ db, files, dryRun: options.dryRun ?? false, observedAt: options.observedAt, region: options.region, importedBy: "cli" }),
      );
      for (const line of describeImport(result)) console.log(line);
      if (!result.ok) process.exitCode = 1;
    });

  inventory
    .command("sync")
    .description(
      "read the inventory from AWS (DescribeNetworkInterfaces, DescribeSubnets, DescribeVpcs, DescribeFlowLogs in every region named) and import it; " +
        "credentials from the default chain (AWS_PROFILE, environment, instance or task role), or one assumed role per account",
    )
    .requiredOption("--region <region>", "a region to read (repeat for more)", (value: string, previous: string[] = []) => [...previous, value])
    .option("--role <arn>", "a role to assume, one per account (repeat for more accounts); without it, the default credentials' account", (value: string, previous: string[] = []) => [...previous, value])
    .option("--dry-run", "report what would change and write nothing")
    .action(async (options: { region: string[]; role?: string[]; dryRun?: boolean }) => {
      const targets = options.role && options.role.length > 0 ? options.role.map((roleArn) => ({ roleArn, regions: options.region })) : [{ regions: options.region }];
      const result = await withDatabase((db) =>
        syncInventoryFromAws({ db, targets, dryRun: options.dryRun ?? false, importedBy: "cli", progress: (line) => process.stderr.write(`${line}\n`) }),
      );
      for (const line of describeImport(result)) console.log(line);
      if (!result.ok) process.exitCode = 1;
    });

  inventory
    .command("unmapped")
    .description("list the interfaces no mapping rule names (saved rules first, then the built-in ones)")
    .action(async () => {
      const result = await withDatabase((db) => unmatchedInterfaces({ db }, { limit: 100_000 }));
      for (const row of result.rows) {
        const tags = Object.entries(row.tags).map(([k, v]) => `${k}=${v}`).join(" ");
        console.log(`${row.interfaceId}\t${row.interfaceType}\t${row.address ?? "-"}\t${row.vpcName ?? "-"}\t${row.description || "-"}\t${tags || "-"}`);
      }
      console.error(`${result.total} of ${result.interfaces} current interfaces match no rule`);
    });

  inventory
    .command("flow-log-format")
    .description("set the record format of a flow log (when no header line or describe-flow-logs file tells it)")
    .argument("<flow-log-id>", "fl-…, as the __aws_s3_vpc_flow label shows it")
    .argument("<format>", 'the fields, e.g. "${version} ${vpc-id} ${srcaddr} …" or "version vpc-id srcaddr …"')
    .action(async (flowLogId: string, format: string) => {
      await withDatabase((db) => saveFlowLogFormat(db, flowLogId, format, "configured"));
      console.log(`${flowLogId}: ${format}`);
    });
}
