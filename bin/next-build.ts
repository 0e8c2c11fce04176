/**
 * Builds the Next.js portal when its sources changed since the last build, so that
 * `npm run demo` and the e2e tests serve a production build without rebuilding every time.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");
export const NEXT_BIN = path.join(PROJECT_ROOT, "node_modules", ".bin", "next");
const STAMP_FILE = path.join(PROJECT_ROOT, ".next", "flowlens-build-stamp");
const SOURCES = ["app", "components", "server", "next.config.js", "instrumentation.ts", "tsconfig.json", "package-lock.json"];

function sourceStamp(): string {
  const hash = crypto.createHash("sha256");
  const visit = (relative: string) => {
    const full = path.join(PROJECT_ROOT, relative);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) {
        if (name === "node_modules" || name.endsWith(".test.ts") || name.endsWith(".test.tsx")) continue;
        visit(path.join(relative, name));
      }
    } else {
      hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const source of SOURCES) visit(source);
  return hash.digest("hex");
}

export function nextBuildIsCurrent(): boolean {
  return (
    fs.existsSync(path.join(PROJECT_ROOT, ".next", "BUILD_ID")) &&
    fs.existsSync(STAMP_FILE) &&
    fs.readFileSync(STAMP_FILE, "utf8") === sourceStamp()
  );
}

export async function ensureNextBuild(log: (line: string) => void): Promise<void> {
  if (nextBuildIsCurrent()) return;
  const stamp = sourceStamp();
  log("building the portal (next build); this happens once after the sources change …");
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(NEXT_BIN, ["build"], {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit code ${code})`);
  fs.writeFileSync(STAMP_FILE, stamp);
}
