/**
 * The demo organisation's inventory in PostgreSQL, through issue 3's importer: accounts, VPCs,
 * subnets, ip-ranges, known networks and the interfaces as at the start of the period, then one
 * describe-network-interfaces snapshot per change (pods redeployed, Lambda interfaces replaced, CI
 * runners scaled), each imported with the time it was taken, so every interface and address gets
 * its validity interval. describe-flow-logs registers each flow log's record format
 * (lambda-promtail does not push header lines, so the portal learns custom formats from it).
 */
import type { Database } from "../db/client";
import { ipRangesDocument, knownNetworksCsv } from "../generate/addresses";
import { accountRegions, accountsDocument, describeFlowLogs, describeNetworkInterfaces, describeSubnets, describeVpcs, scopesChangedAt } from "../generate/inventory";
import { DAY, floorTo } from "../generate/time";
import type { TrafficModel } from "../generate/traffic";
import { AppError } from "../errors";
import { type InventoryFileInput, importInventory } from "../inventory/import/apply";

export interface InventoryImportReport {
  /** Imports made (each one transaction). */
  imports: number;
  /** The inventory is now complete up to this time (Unix seconds). */
  until: number;
}

async function importAt(db: Database, files: InventoryFileInput[], at: number): Promise<void> {
  const result = await importInventory({ db, files, observedAt: new Date(at * 1000), dryRun: false, importedBy: "demo" });
  if (!result.applied) {
    const problems = result.problems.slice(0, 3).map((p) => `${p.file} ${p.location}: ${p.message}`).join("; ");
    throw new AppError("INTERNAL", `the demo inventory of ${new Date(at * 1000).toISOString()} was not imported: ${problems || "no change was applied"}`);
  }
}

/**
 * Imports the inventory from `from` (undefined: the whole organisation at the period start) up to
 * `to`: the snapshots of every change in (from, to].
 */
export async function importDemoInventory(options: {
  db: Database;
  model: TrafficModel;
  /** Start of the demo period (Unix seconds). */
  periodStart: number;
  /** The inventory is complete up to here; undefined on the first run. */
  from: number | undefined;
  to: number;
  /** Changes before this are not replayed one by one: the interfaces are imported as they were then. */
  oldest?: number;
  /** Where the generated files live, for the names in messages. */
  folder: string;
}): Promise<InventoryImportReport> {
  const { db, model } = options;
  const org = model.org;
  let imports = 0;
  let from = options.from;
  if (from === undefined) {
    const start = options.periodStart;
    const files: InventoryFileInput[] = [
      { name: `${options.folder}/inventory/accounts.json`, text: accountsDocument(org) },
      { name: `${options.folder}/ip-ranges.json`, text: ipRangesDocument(new Date(floorTo(start, DAY) * 1000)) },
      { name: `${options.folder}/known-networks.csv`, text: knownNetworksCsv() },
    ];
    for (const { account, region, vpcs } of accountRegions(org)) {
      const folder = `${options.folder}/inventory/${account.id}/${region}`;
      files.push(
        { name: `${folder}/describe-vpcs.json`, text: describeVpcs(vpcs) },
        { name: `${folder}/describe-subnets.json`, text: describeSubnets(vpcs) },
        { name: `${folder}/describe-network-interfaces.json`, text: describeNetworkInterfaces(org, account, region, start) },
        { name: `${folder}/describe-flow-logs.json`, text: describeFlowLogs(org, vpcs) },
      );
    }
    await importAt(db, files, start);
    imports++;
    from = start;
  }
  if (options.oldest !== undefined && from < options.oldest) {
    // Stopped for long: one snapshot of every account and region at the oldest time kept.
    const at = options.oldest;
    const files = accountRegions(org).map(({ account, region }) => ({
      name: `${options.folder}/inventory/${account.id}/${region}/describe-network-interfaces.json@${new Date(at * 1000).toISOString()}`,
      text: describeNetworkInterfaces(org, account, region, at),
    }));
    await importAt(db, files, at);
    imports++;
    from = at;
  }
  for (const t of org.churnTimes(from, options.to)) {
    const scopes = scopesChangedAt(org, t);
    if (scopes.length === 0) continue;
    const files = scopes.map(({ account, region }) => ({
      name: `${options.folder}/inventory/${account.id}/${region}/describe-network-interfaces.json@${new Date(t * 1000).toISOString()}`,
      text: describeNetworkInterfaces(org, account, region, t),
    }));
    await importAt(db, files, t);
    imports++;
  }
  return { imports, until: Math.max(from, options.to) };
}
