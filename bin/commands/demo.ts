import { createHash } from "node:crypto";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { createDb } from "../../server/db/client";
import { openDatabase, redactUrl } from "../../server/db/database";
import { migrate } from "../../server/db/migrate";
import { seedDemoInvestigations } from "../../server/demo/investigations";
import { DEFAULT_DEMO_OPTIONS, type DemoOptions, type LiveTraffic, demoModel, demoPaths, prepareDemoData, startLiveTraffic } from "../../server/demo/setup";
import { loadEnv } from "../../server/env";
import { incidentSummary } from "../../server/generate/incidents";
import { isoTime } from "../../server/generate/time";
import { type CheckpointStore, openCheckpoint } from "../../server/ingest/checkpoint";
import { LokiClient, type Transport } from "../../server/loki/client";
import { createQueryGate } from "../../server/loki/gate";
import { ensureNextBuild } from "../next-build";
import { ProgressLine, formatBytes, formatCount } from "../progress";
import { servePortal } from "./serve";

interface DemoFlags extends DemoOptions {
  port?: string;
}

function positive(name: string, integer: boolean) {
  return (text: string) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be a positive ${integer ? "whole " : ""}number.`);
    return n;
  };
}

/**
 * `npm run demo`: PostgreSQL (embedded unless DATABASE_URL) and the log backend (the embedded
 * store unless LOKI_URL), a generated week of an AWS organisation loaded into it, example
 * investigations, new traffic every minute, and the portal. Ctrl-C stops everything it started.
 */
async function runDemo(flags: DemoFlags): Promise<void> {
  const settings = loadEnv(flags.port ? { ...process.env, PORT: flags.port } : process.env);
  const log = (line: string) => console.log(`flowlens: ${line}`);
  const paths = demoPaths(settings.dataDir);
  const controller = new AbortController();
  const interrupt = () => {
    log("stopping …");
    controller.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);

  const database = await openDatabase(settings);
  log(`PostgreSQL: ${redactUrl(database.url)}${database.kind === "embedded" ? ` (embedded, files in ${settings.dataDir}/postgres)` : ""}`);
  let store: { handle: Transport; close(): Promise<void> } | undefined;
  let checkpoint: CheckpointStore | undefined;
  let live: LiveTraffic | undefined;
  const db = createDb(database.url);
  try {
    await migrate({ connectionString: database.url, log });
    // The portal's build (first run, or after the sources changed) overlaps with the data.
    const build = ensureNextBuild(log);
    build.catch(() => {});

    let client: LokiClient;
    let identity: string;
    if (settings.LOKI_URL) {
      const auth = settings.LOKI_BEARER_TOKEN
        ? { kind: "bearer" as const, token: settings.LOKI_BEARER_TOKEN }
        : settings.LOKI_USERNAME && settings.LOKI_PASSWORD
          ? { kind: "basic" as const, username: settings.LOKI_USERNAME, password: settings.LOKI_PASSWORD }
          : undefined;
      client = new LokiClient({ baseUrl: settings.LOKI_URL, tenant: settings.LOKI_TENANT_ID, auth, timeoutMs: settings.LOKI_TIMEOUT });
      identity = `${settings.LOKI_URL}|${settings.LOKI_TENANT_ID ?? ""}`;
      log(`log backend: Loki at ${settings.LOKI_URL}`);
    } else {
      const { createEmbeddedStore } = await import("../../server/store");
      const embedded = createEmbeddedStore({ connectionString: database.url, maintenance: false, log });
      store = embedded;
      client = new LokiClient({ baseUrl: "http://embedded-store", tenant: settings.LOKI_TENANT_ID, timeoutMs: settings.LOKI_TIMEOUT, transport: embedded.handle });
      // The embedded PostgreSQL gets a new port at every start: identify it by its folder.
      const where = database.kind === "embedded" ? `embedded:${path.join(settings.dataDir, "postgres")}` : redactUrl(database.url);
      identity = `embedded|${where}|${settings.LOKI_TENANT_ID ?? ""}`;
      log("log backend: the embedded store");
    }
    const checkpointFile = path.join(paths.root, `ingest-${createHash("sha256").update(identity).digest("hex").slice(0, 12)}.checkpoint.jsonl`);
    checkpoint = openCheckpoint(checkpointFile);

    const progress = new ProgressLine(process.stdout);
    const started = performance.now();
    const report = await prepareDemoData({
      paths,
      options: { seed: flags.seed, days: flags.days, accounts: flags.accounts, scale: flags.scale },
      client,
      checkpoint,
      db,
      log: (line) => {
        progress.done();
        log(line);
      },
      signal: controller.signal,
      onGenerateProgress: (p) =>
        progress.update(`flowlens: generating ${Math.round((100 * p.windowsDone) / Math.max(1, p.windowsTotal))}% · ${formatCount(p.records)} records · ${formatCount(p.files)} files`),
      onIngestProgress: (s) =>
        progress.update(
          `flowlens: loading ${formatCount(s.filesSent + s.filesSkipped + s.filesFailed)}/${formatCount(s.filesTotal)} files · ${formatCount(s.records)} records · ${formatCount(s.recordsPerSecond)} records/s`,
        ),
    });
    progress.done();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const ingest = report.ingest;
    log(
      `demo data ready in ${seconds} s: ${formatCount(ingest.records)} records loaded now from ${formatCount(ingest.filesSent)} files (${formatBytes(ingest.bytesRead)})` +
        `${ingest.filesSkipped > 0 ? `, ${formatCount(ingest.filesSkipped)} files already loaded` : ""}${ingest.malformed > 0 ? `, ${ingest.malformed} malformed lines` : ""}`,
    );
    if (controller.signal.aborted) return;
    if (ingest.filesFailed > 0) log(`${ingest.filesFailed} files could not be loaded (see above); the next start retries them`);

    const model = demoModel(report.state);
    const period = { from: report.state.anchor - Math.round(report.state.days * 86_400), to: report.state.anchor };
    try {
      const gate = createQueryGate(settings, store?.handle);
      const created = await seedDemoInvestigations({ db, gate }, model, period);
      if (created > 0) log(`created ${created} example investigations`);
    } catch (error) {
      log(`could not create the example investigations: ${(error as Error).message}`);
    }

    await build;
    if (controller.signal.aborted) return;
    live = startLiveTraffic({ paths, client, checkpoint, log, db });
    const banner = [
      `demo: ${model.org.accounts.length} AWS accounts, ${model.org.vpcs.length} VPCs, flow logs since ${isoTime(period.from)}, new traffic every minute`,
      ...model.incidents.all
        .filter((i) => i.start >= period.from && model.org.vpcByKey.has(i.vpc))
        .map((i) => {
          const s = incidentSummary(i);
          return `incident ${String(s.start)} → ${String(s.end)}: ${i.title}`;
        }),
    ];
    process.removeListener("SIGINT", interrupt);
    process.removeListener("SIGTERM", interrupt);
    // The portal uses this database: servePortal must not start a second embedded server.
    process.env.DATABASE_URL = database.url;
    await servePortal({ port: flags.port, banner });
  } finally {
    process.removeListener("SIGINT", interrupt);
    process.removeListener("SIGTERM", interrupt);
    await live?.stop();
    checkpoint?.close();
    await store?.close();
    await db.$disconnect();
    await database.stop();
  }
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the portal on a generated AWS organisation (a week of flow logs, incidents, new traffic every minute)")
    .option("-p, --port <port>", "HTTP port (default: PORT, else 3000)")
    .option("--seed <n>", "seed of the generated organisation (first run only)", positive("--seed", true), DEFAULT_DEMO_OPTIONS.seed)
    .option("--days <d>", "days of history to generate (first run only)", positive("--days", false), DEFAULT_DEMO_OPTIONS.days)
    .option("--accounts <n>", "AWS accounts (first run only)", positive("--accounts", true), DEFAULT_DEMO_OPTIONS.accounts)
    .option("--scale <x>", "traffic multiplier (first run only)", positive("--scale", false), DEFAULT_DEMO_OPTIONS.scale)
    .action((flags: DemoFlags) => runDemo(flags));
}
