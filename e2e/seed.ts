/**
 * Data for the e2e journeys, put in as a user would, through the running portal: a small generated
 * organisation (`flowlens generate`, one account, half a day ending now), its flow log files pushed
 * to the portal's own Loki API (`flowlens ingest --loki <portal>`), and its inventory imported
 * through the portal's import procedure, snapshot by snapshot with the time each was taken.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

export interface Incident {
  kind: string;
  startUnix: number;
  endUnix: number;
  source?: string;
  destination?: string;
  port?: number;
}

export interface SeededOrganisation {
  startMs: number;
  endMs: number;
  incidents: Record<string, Incident>;
  records: number;
}

interface Manifest {
  options: { startUnix: number; endUnix: number };
  totals: { records: number };
  incidents: Incident[];
  inventory: {
    accounts: string;
    ipRanges: string;
    knownNetworks: string;
    current: { account: string; region: string; networkInterfaces: string; vpcs: string; subnets: string; flowLogs?: string }[];
    snapshots: { atUnix: number; account: string; region: string; networkInterfaces: string }[];
  };
}

const flowlens = (args: string[]) =>
  execFileSync(process.execPath, [path.join("bin", "flowlens"), ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });

async function importFiles(request: APIRequestContext, folder: string, files: string[], observedAt: number, region: string): Promise<void> {
  const response = await request.post("/api/trpc/inventory.importApply", {
    data: {
      files: files.map((name) => ({ name, text: fs.readFileSync(path.join(folder, name), "utf8") })),
      observedAt: new Date(observedAt * 1000).toISOString(),
      region,
    },
  });
  const body = (await response.json()) as { result?: { data?: { applied?: boolean; problems?: unknown[] } }; error?: unknown };
  if (!response.ok() || !body.result?.data?.applied) throw new Error(`inventory import of ${files.join(", ")} failed: ${JSON.stringify(body).slice(0, 800)}`);
}

let seeded: SeededOrganisation | undefined;

/** Generates, pushes and imports the organisation once per test run. */
export async function seedOrganisation(request: APIRequestContext, baseURL: string): Promise<SeededOrganisation> {
  if (seeded) return seeded;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "flowlens-e2e-"));
  try {
    flowlens(["generate", "--out", folder, "--days", "0.5", "--accounts", "1", "--end", "now"]);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8")) as Manifest;
    flowlens(["ingest", path.join(folder, "AWSLogs"), "--loki", baseURL, "--no-checkpoint"]);

    // The inventory as it changed: the period start with everything, then each later snapshot.
    const start = manifest.options.startUnix;
    const inventory = manifest.inventory;
    let first = true;
    for (const scope of inventory.current) {
      const at = inventory.snapshots.find((s) => s.atUnix === start && s.account === scope.account && s.region === scope.region);
      const files = [scope.vpcs, scope.subnets, ...(scope.flowLogs ? [scope.flowLogs] : []), at?.networkInterfaces ?? scope.networkInterfaces];
      if (first) files.unshift(inventory.accounts, inventory.ipRanges, inventory.knownNetworks);
      first = false;
      await importFiles(request, folder, files, start, scope.region);
    }
    for (const snapshot of inventory.snapshots.filter((s) => s.atUnix > start).sort((a, b) => a.atUnix - b.atUnix)) {
      await importFiles(request, folder, [snapshot.networkInterfaces], snapshot.atUnix, snapshot.region);
    }
    seeded = {
      startMs: manifest.options.startUnix * 1000,
      endMs: manifest.options.endUnix * 1000,
      incidents: Object.fromEntries(manifest.incidents.map((i) => [i.kind, i])),
      records: manifest.totals.records,
    };
    return seeded;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
