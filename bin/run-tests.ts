/**
 * `npm test`: every test layer in order: typecheck, lint, unit, integration (real PostgreSQL),
 * e2e (real Chromium). It uses DATABASE_URL's server when set, else embedded PostgreSQL, and
 * installs Debian's chromium when it is missing and we are root. Prints a summary; exits 1 if
 * any step failed.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../server/db/embedded-postgres";
import { PROJECT_ROOT, ensureNextBuild } from "./next-build";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const bin = (name: string) => path.join(PROJECT_ROOT, "node_modules", ".bin", name);

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  note?: string;
}

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", ...extraEnv },
    });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
  });
}

async function step(results: StepResult[], name: string, action: () => Promise<boolean | { ok: boolean; note: string }>) {
  console.log(`\n━━ ${name} ${"━".repeat(Math.max(0, 70 - name.length))}`);
  const started = Date.now();
  let outcome: boolean | { ok: boolean; note: string };
  try {
    outcome = await action();
  } catch (error) {
    outcome = { ok: false, note: (error as Error).message };
  }
  const result = typeof outcome === "boolean" ? { ok: outcome } : outcome;
  results.push({ name, seconds: (Date.now() - started) / 1000, ...result });
  if (!result.ok && "note" in result) console.error(`${name}: ${result.note}`);
}

/** Debian's chromium, installed through apt-get when missing and we are root. */
function ensureChromium(): { ok: boolean; note: string } {
  if (fs.existsSync(CHROMIUM)) return { ok: true, note: "" };
  const isRoot = os.userInfo().uid === 0;
  const hasApt = spawnSync("which", ["apt-get"]).status === 0;
  if (!isRoot || !hasApt) {
    return { ok: false, note: `Chromium is not installed at ${CHROMIUM}: install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH.` };
  }
  console.log("installing Debian's chromium (apt-get install -y chromium) …");
  const install = () => spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (install().status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: "inherit" });
    if (install().status !== 0) return { ok: false, note: "apt-get could not install chromium; see its output above." };
  }
  return fs.existsSync(CHROMIUM) ? { ok: true, note: "" } : { ok: false, note: `apt-get finished but ${CHROMIUM} is still missing.` };
}

/** A fresh database for the e2e portal: on DATABASE_URL's server, or a throw-away embedded cluster. */
async function e2eDatabase(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const name = `flowlens_e2e_${process.pid}`;
    url.pathname = `/${name}`;
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = "/postgres";
    const drop = async () => {
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
    await drop();
    return { env: { DATABASE_URL: url.toString() }, cleanup: drop };
  }
  const dataDir = path.join(PROJECT_ROOT, ".data", "test", `e2e-${process.pid}`);
  return {
    env: { FLOWLENS_DATA_DIR: dataDir },
    cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function main() {
  const results: StepResult[] = [];
  const started = Date.now();
  console.log(
    `flowlens tests · PostgreSQL: ${process.env.DATABASE_URL ? "DATABASE_URL's server" : "embedded (from node_modules)"} · log store: embedded`,
  );

  await step(results, "prisma client", () => run("npm", ["run", "--silent", "prisma:generate"]));
  await step(results, "typecheck", () => run(bin("tsc"), ["--noEmit"]));
  await step(results, "lint", () => run(bin("eslint"), ["--max-warnings", "0", "."]));
  await step(results, "unit", () => run(bin("vitest"), ["run", "--project", "unit"]));
  await step(results, "integration", () => run(bin("vitest"), ["run", "--project", "integration"]));
  await step(results, "e2e", async () => {
    const chromium = ensureChromium();
    if (!chromium.ok) return chromium;
    await ensureNextBuild((line) => console.log(line));
    const database = await e2eDatabase();
    try {
      return await run(bin("playwright"), ["test"], { ...database.env, E2E_PORT: String(await freePort()) });
    } finally {
      await database.cleanup();
    }
  });

  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`\n━━ summary (${((Date.now() - started) / 1000).toFixed(0)} s) ${"━".repeat(50)}`);
  for (const r of results) {
    console.log(`  ${r.ok ? "pass" : "FAIL"}  ${r.name.padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s${r.note && !r.ok ? `  ${r.note}` : ""}`);
  }
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

await main();
