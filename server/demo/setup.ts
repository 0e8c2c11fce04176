/**
 * server/demo/ — the data behind `npm run demo`: a generated organisation (server/generate/)
 * written under `<data dir>/demo/`, ingested into the log backend (server/ingest/), example
 * investigations, and the living part: the gap between the stored data and now is filled at
 * start, and while the portal runs the newest minutes are generated and ingested every minute.
 * Everything generated is a pure function of the saved options and the time window, so a second
 * run reuses the data and a restart continues exactly where the last one stopped.
 *
 * Who may import it: bin/commands/demo.ts, tests, e2e set-up.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { folderSink } from "../generate/folder-sink";
import { type GenerateProgress, type Manifest, generateDataset, trafficModelFor, writeFlowFiles } from "../generate/generate";
import type { TrafficModel } from "../generate/traffic";
import { DAY, floorTo } from "../generate/time";
import type { CheckpointStore } from "../ingest/checkpoint";
import { DEFAULT_INGEST_SETTINGS, type IngestStats, type PushClient, ingestFlowLogFiles } from "../ingest/ingest";
import { listLocalFiles } from "../ingest/sources";
import type { Database } from "../db/client";
import { importDemoInventory } from "./inventory";

export interface DemoOptions {
  seed: number;
  days: number;
  accounts: number;
  scale: number;
}

/** A week of three accounts: about 1.6 million records, generated and loaded in well under a minute. */
export const DEFAULT_DEMO_OPTIONS: DemoOptions = { seed: 1, days: 7, accounts: 3, scale: 1 };

export interface DemoState extends DemoOptions {
  formatVersion: 1;
  /** End of the first generated week: incidents are placed relative to it, forever. */
  anchor: number;
  /** Records whose `end` is before this were generated (files written). */
  generatedUntil: number;
  /** The inventory in PostgreSQL is complete up to this time; absent before the first import. */
  inventoryUntil?: number;
}

export interface DemoPaths {
  root: string;
  data: string;
  state: string;
}

export function demoPaths(dataDir: string): DemoPaths {
  const root = path.join(dataDir, "demo");
  return { root, data: path.join(root, "data"), state: path.join(root, "state.json") };
}

export function readDemoState(paths: DemoPaths): DemoState | undefined {
  if (!existsSync(paths.state)) return undefined;
  const state = JSON.parse(readFileSync(paths.state, "utf8")) as DemoState;
  return state.formatVersion === 1 ? state : undefined;
}

function writeDemoState(paths: DemoPaths, state: DemoState): void {
  const temporary = `${paths.state}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, paths.state);
}

export function demoModel(state: DemoState): TrafficModel {
  return trafficModelFor({ seed: state.seed, accounts: state.accounts, scale: state.scale, anchor: state.anchor, days: state.days });
}

export interface DemoDataReport {
  state: DemoState;
  /** Set when this run generated the period (first run). */
  manifest?: Manifest;
  generatedRecords: number;
  ingest: IngestStats;
  /** Inventory imports made (0 when no database was given). */
  inventoryImports: number;
}

export interface DemoDataOptions {
  paths: DemoPaths;
  options: DemoOptions;
  client: PushClient;
  checkpoint: CheckpointStore;
  /** The portal's database: the inventory is imported into it (skipped when absent). */
  db?: Database;
  /** Unix seconds; default: now. */
  now?: number;
  log: (line: string) => void;
  onGenerateProgress?: (progress: GenerateProgress) => void;
  onIngestProgress?: (stats: IngestStats) => void;
  signal?: AbortSignal;
}

/**
 * Makes sure the demo data exists and is in the log backend up to now: generates the first week
 * on the first run, generates the gap since the last run, and ingests every file not yet sent
 * (the checkpoint skips the rest).
 */
export async function prepareDemoData(options: DemoDataOptions): Promise<DemoDataReport> {
  const { paths, log } = options;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  await mkdir(paths.data, { recursive: true });
  let state = readDemoState(paths);
  let manifest: Manifest | undefined;
  let generatedRecords = 0;
  if (!state) {
    const end = floorTo(now, 300);
    log(`generating ${options.options.days} days of flow logs for ${options.options.accounts} AWS accounts (seed ${options.options.seed}) into ${paths.data}`);
    manifest = await generateDataset(
      { ...options.options, end, fileMinutes: 5 },
      folderSink(paths.data),
      options.onGenerateProgress,
    );
    generatedRecords += manifest.totals.records;
    state = { formatVersion: 1, ...options.options, anchor: manifest.options.endUnix, generatedUntil: manifest.options.endUnix };
    writeDemoState(paths, state);
  }
  // After a long stop, only the last `days` are filled in (older data would expire anyway).
  const oldest = floorTo(now - Math.round(state.days * DAY), 60);
  if (state.generatedUntil < oldest) {
    log(`the demo was stopped for more than ${state.days} days: generating the last ${state.days} days only`);
    state = { ...state, generatedUntil: oldest };
    writeDemoState(paths, state);
  }
  const gap = await extendDemoData(paths, state, floorTo(now, 60));
  generatedRecords += gap.records;
  if (gap.records > 0) log(`generated ${gap.records.toLocaleString("en-US")} records for the ${formatGap(gap.to - gap.from)} since the stored data ended`);
  state = gap.state;
  let inventoryImports = 0;
  if (options.db) {
    const imported = await syncDemoInventory(paths, state, options.db);
    state = imported.state;
    inventoryImports = imported.imports;
    if (imported.imports > 0) log(`imported the inventory (${imported.imports} snapshots: accounts, VPCs, subnets, interfaces as they changed, ip-ranges, known networks)`);
  }
  const files = await listLocalFiles([path.join(paths.data, "AWSLogs")]);
  const ingest = await ingestFlowLogFiles(files, {
    ...DEFAULT_INGEST_SETTINGS,
    client: options.client,
    extraLabels: {},
    checkpoint: options.checkpoint,
    signal: options.signal,
    onProgress: options.onIngestProgress,
    onMalformed: (m) => log(`malformed line ${m.file}:${m.line}: ${m.reason}`),
    onFileError: (_file, message) => log(message),
  });
  return { state, manifest, generatedRecords, ingest, inventoryImports };
}

/** Imports the inventory changes up to the end of the generated data, and records it in the state. */
export async function syncDemoInventory(paths: DemoPaths, state: DemoState, db: Database): Promise<{ state: DemoState; imports: number }> {
  const report = await importDemoInventory({
    db,
    model: demoModel(state),
    periodStart: state.anchor - Math.round(state.days * DAY),
    from: state.inventoryUntil,
    to: state.generatedUntil,
    // A day of slack: the first run's inventory starts a few minutes before the data's last `days`.
    oldest: state.generatedUntil - Math.round((state.days + 1) * DAY),
    folder: paths.data,
  });
  const next = { ...(readDemoState(paths) ?? state), inventoryUntil: report.until };
  writeDemoState(paths, next);
  return { state: next, imports: report.imports };
}

function formatGap(seconds: number): string {
  if (seconds >= 2 * DAY) return `${(seconds / DAY).toFixed(1)} days`;
  if (seconds >= 7200) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}

/** Writes the flow log files for [state.generatedUntil, to) and records the new end in the state. */
export async function extendDemoData(
  paths: DemoPaths,
  state: DemoState,
  to: number,
): Promise<{ state: DemoState; records: number; files: string[]; from: number; to: number }> {
  const from = state.generatedUntil;
  if (to <= from) return { state, records: 0, files: [], from, to: from };
  const model = demoModel(state);
  const result = await writeFlowFiles(model, { from, to }, 300, folderSink(paths.data));
  const next = { ...state, generatedUntil: to };
  writeDemoState(paths, next);
  return { state: next, records: result.records, files: result.files.map((f) => path.join(paths.data, ...f.path.split("/"))), from, to };
}

export interface LiveTraffic {
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, generates the minutes since the last step and pushes them, so the newest
 * data is never more than a minute or two old. Errors are logged and retried at the next step.
 */
export function startLiveTraffic(options: {
  paths: DemoPaths;
  client: PushClient;
  checkpoint: CheckpointStore;
  log: (line: string) => void;
  intervalMs?: number;
  /** Unix seconds now (tests pass a clock). */
  now?: () => number;
  /** The portal's database: interface changes are imported as they happen. */
  db?: Database;
}): LiveTraffic {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const intervalMs = options.intervalMs ?? 60_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  /** Files written by earlier steps that were not sent completely: retried at each step. */
  let pending: string[] = [];
  const step = async () => {
    const state = readDemoState(options.paths);
    if (!state) return;
    const to = floorTo(now(), 60);
    const extended = await extendDemoData(options.paths, state, to);
    if (options.db) await syncDemoInventory(options.paths, extended.state, options.db);
    const paths = [...pending, ...extended.files];
    if (paths.length === 0) return;
    const files = await listLocalFiles(paths);
    const stats = await ingestFlowLogFiles(files, {
      ...DEFAULT_INGEST_SETTINGS,
      client: options.client,
      extraLabels: {},
      checkpoint: options.checkpoint,
      onFileError: (_file, message) => options.log(`live traffic: ${message}`),
    });
    pending = files.filter((f) => !options.checkpoint.isDone(f.id, f.fingerprint)).map((f) => f.id);
    if (stats.filesFailed > 0) options.log(`live traffic: ${stats.filesFailed} files were not sent; the next step retries them`);
  };
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = step()
      .catch((error: unknown) => options.log(`live traffic: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
