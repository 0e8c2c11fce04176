import { type ChildProcess, spawn } from "node:child_process";
import type { Command } from "commander";
import { openDatabase, redactUrl } from "../../server/db/database";
import { migrate } from "../../server/db/migrate";
import { loadEnv } from "../../server/env";
import { NEXT_BIN, PROJECT_ROOT, ensureNextBuild } from "../next-build";

interface ServeOptions {
  port?: string;
  dev?: boolean;
}

/**
 * Starts the portal: PostgreSQL (embedded when DATABASE_URL is unset), migrations, the Next.js
 * server. Ctrl-C (or SIGTERM) stops everything it started.
 */
export async function servePortal(options: ServeOptions & { banner?: string[] }): Promise<void> {
  const settings = loadEnv(options.port ? { ...process.env, PORT: options.port } : process.env);
  const log = (line: string) => console.log(`flowlens: ${line}`);
  const database = await openDatabase(settings);
  log(`PostgreSQL: ${redactUrl(database.url)}${database.kind === "embedded" ? ` (embedded, files in ${settings.dataDir}/postgres)` : ""}`);
  try {
    const result = await migrate({ connectionString: database.url, log });
    log(`database schema up to date (${result.applied.length + result.alreadyApplied.length} migrations)`);
    if (!options.dev) await ensureNextBuild(log);
    log(`log backend: ${settings.LOKI_URL ? `Loki at ${settings.LOKI_URL}` : "the embedded store"}`);
  } catch (error) {
    await database.stop();
    throw error;
  }

  const child: ChildProcess = spawn(NEXT_BIN, [options.dev ? "dev" : "start", "--port", String(settings.PORT), "--hostname", settings.HOSTNAME], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PORT: String(settings.PORT), DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const line of options.banner ?? []) log(line);
  log(`portal on http://localhost:${settings.PORT} (Ctrl-C stops it)`);

  const stopChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("SIGINT", stopChild);
  process.once("SIGTERM", stopChild);
  process.once("exit", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const code = await new Promise<number>((resolve) => child.on("exit", (exitCode) => resolve(exitCode ?? 0)));
  await database.stop();
  process.exitCode = code;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run the portal (PostgreSQL and log store embedded unless DATABASE_URL / LOKI_URL are set)")
    .option("-p, --port <port>", "HTTP port (default: PORT, else 3000)")
    .option("--dev", "run Next.js in development mode (hot reload)")
    .action((options: ServeOptions) => servePortal(options));
}
