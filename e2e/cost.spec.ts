/**
 * The cost review in Chromium, on a portal of its own (its own PostgreSQL database, so the
 * organisation loaded here does not change what the other journeys see): two generated days of
 * flow logs pushed to the portal's Loki API, the inventory imported through tRPC as it changed,
 * the period rolled up with the page's "Recompute" procedure; then the report, the print view,
 * editing a price, a saved short link and the CSV export.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createTRPCClient, httpLink } from "@trpc/client";
import pg from "pg";
import type { AppRouter } from "../server/api/root";
import { freePort } from "../server/db/embedded-postgres";
import { ipRangesDocument, knownNetworksCsv } from "../server/generate/addresses";
import { folderSink } from "../server/generate/folder-sink";
import { generateDataset, trafficModelFor } from "../server/generate/generate";
import { accountRegions, accountsDocument, describeFlowLogs, describeNetworkInterfaces, describeSubnets, describeVpcs, scopesChangedAt } from "../server/generate/inventory";
import { memoryCheckpoint } from "../server/ingest/checkpoint";
import { DEFAULT_INGEST_SETTINGS, ingestFlowLogFiles } from "../server/ingest/ingest";
import { listLocalFiles } from "../server/ingest/sources";
import { LokiClient } from "../server/loki/client";
import { keepScreenshot } from "./screenshots";

test.describe.configure({ mode: "serial" });

const USER = "e2e-reviewer";
const END = Math.floor(Date.now() / 1000 / 86_400) * 86_400; // today 00:00 UTC
const DAYS = 2;
const START = END - DAYS * 86_400;
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const REPORT = `/cost?from=${day(START)}&to=${day(END - 1)}`;

let server: ChildProcess | undefined;
let base = "";
let dataDir = "";
let dropDatabase: (() => Promise<void>) | undefined;

async function startPortal(): Promise<void> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Under the project's .data (not the 0700 folder mkdtemp makes in /tmp): as root the embedded
  // PostgreSQL runs as the `postgres` user, which must be able to enter every folder above its files.
  await mkdir(path.join(".data", "test"), { recursive: true });
  dataDir = await mkdtemp(path.resolve(".data", "test", "e2e-cost-"));
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HOSTNAME: "127.0.0.1", FLOWLENS_DATA_DIR: dataDir, FLOWLENS_STORE_RETENTION: "0", FLOWLENS_ROLLUP_INTERVAL: "0" };
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const name = `flowlens_e2e_cost_${process.pid}`;
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = "/postgres";
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
    await dropDatabase();
  } else {
    delete env.DATABASE_URL;
  }
  server = spawn(process.execPath, ["bin/flowlens", "serve", "--port", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the portal stopped: ${output.slice(-2000)}`);
    const ok = await fetch(`${base}/api/health`).then((r) => r.status < 500, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the portal did not start in 4 minutes: ${output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function seed(): Promise<void> {
  const folder = path.join(dataDir, "generated");
  const options = { seed: 3, days: DAYS, end: END, accounts: 3, scale: 0.3, fileMinutes: 60 as const };
  await generateDataset(options, folderSink(folder));
  const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${base}/api/trpc`, headers: { "x-forwarded-user": USER } })] });
  // The inventory as it was at the start, then each change (as `npm run demo` imports it).
  const org = trafficModelFor({ seed: options.seed, accounts: options.accounts, scale: options.scale, anchor: END, days: DAYS }).org;
  const files = [
    { name: "accounts.json", text: accountsDocument(org) },
    { name: "ip-ranges.json", text: ipRangesDocument(new Date(START * 1000)) },
    { name: "known-networks.csv", text: knownNetworksCsv() },
  ];
  for (const { account, region, vpcs } of accountRegions(org)) {
    files.push(
      { name: `${account.id}/${region}/describe-vpcs.json`, text: describeVpcs(vpcs) },
      { name: `${account.id}/${region}/describe-subnets.json`, text: describeSubnets(vpcs) },
      { name: `${account.id}/${region}/describe-network-interfaces.json`, text: describeNetworkInterfaces(org, account, region, START) },
      { name: `${account.id}/${region}/describe-flow-logs.json`, text: describeFlowLogs(org, vpcs) },
    );
  }
  await api.inventory.importApply.mutate({ files, observedAt: new Date(START * 1000).toISOString() });
  for (const t of org.churnTimes(START, END)) {
    const changed = scopesChangedAt(org, t).map(({ account, region }) => ({ name: `${account.id}/${region}/describe-network-interfaces.json`, text: describeNetworkInterfaces(org, account, region, t) }));
    if (changed.length > 0) await api.inventory.importApply.mutate({ files: changed, observedAt: new Date(t * 1000).toISOString() });
  }
  // The flow logs, pushed to the portal's Loki API as lambda-promtail would.
  const client = new LokiClient({ baseUrl: base });
  const stats = await ingestFlowLogFiles(await listLocalFiles([folder]), { ...DEFAULT_INGEST_SETTINGS, client, extraLabels: {}, checkpoint: memoryCheckpoint() });
  expect(stats.filesFailed).toBe(0);
  const summary = await api.cost.recompute.mutate({ from: START * 1000, to: END * 1000 });
  expect(summary.computed).toBeGreaterThan(0);
  expect(summary.rows).toBeGreaterThan(0);
}

test.beforeAll(async () => {
  test.setTimeout(420_000);
  await startPortal();
  await seed();
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const stopped = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  }
  await dropDatabase?.();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test.use({ extraHTTPHeaders: { "x-forwarded-user": USER } });

test("the cost review shows dollars per team and path, and names the NAT-routed S3 and ECR traffic", async ({ page }) => {
  await page.goto(`${base}${REPORT}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Cost review: ${day(START)} – ${day(END - 1)}`);
  await expect(page.getByTestId("total-dollars")).toContainText("$");
  const matrix = page.getByTestId("team-path-matrix");
  await expect(matrix.getByRole("columnheader", { name: "NAT gateway processing" })).toBeVisible();
  await expect(matrix.getByRole("row", { name: /^payments/ })).toBeVisible();
  await expect(matrix.getByRole("row", { name: /^platform/ })).toContainText("$");
  await expect(page.getByTestId("daily-cost-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  const savings = page.getByTestId("savings");
  await expect(savings.getByTestId("saving-gateway_endpoint").first()).toContainText("S3 through NAT gateways");
  await expect(savings.getByTestId("saving-gateway_endpoint").first()).toContainText("prod-edge-us");
  await expect(savings.getByTestId("saving-interface_endpoint")).toContainText("ECR and other AWS APIs through NAT gateways");
  await expect(savings.getByTestId("saving-interface_endpoint")).toContainText("shared-services");
  await expect(page.getByTestId("coverage")).toContainText(`${DAYS * 24} of the period's ${DAYS * 24} hours so far are rolled up`);
  await keepScreenshot(page, "cost-review");
});

test("a team in the table filters the report, in the URL", async ({ page }) => {
  await page.goto(`${base}${REPORT}`);
  await page.getByTestId("by-team").getByRole("link", { name: "payments" }).click();
  await expect(page).toHaveURL(/[?&]team=payments/);
  await expect(page.getByTestId("filter-team")).toContainText("team: payments");
  await expect(page.getByTestId("by-team").getByRole("row")).toHaveCount(2);
  await page.getByRole("button", { name: "Clear the team filter" }).click();
  await expect(page).not.toHaveURL(/team=/);
});

test("the print view is the report for the meeting, without the portal's navigation on paper", async ({ page }) => {
  await page.goto(`${base}${REPORT}`);
  await page.getByTestId("print-link").click();
  await expect(page).toHaveURL(/\/cost\/print\?from=/);
  const doc = page.getByTestId("cost-print");
  await expect(doc.getByRole("heading", { level: 1 })).toContainText("Data transfer costs");
  await expect(doc.getByTestId("team-path-matrix")).toBeVisible();
  await expect(doc.getByTestId("savings")).toContainText("S3 through NAT gateways");
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await keepScreenshot(page, "cost-print");
  await page.emulateMedia({ media: "screen" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("editing a price is validated, kept in the history with who changed it, and changes the report", async ({ page }) => {
  await page.goto(`${base}${REPORT}`);
  const header = await page.getByTestId("team-path-matrix").locator("thead th").allInnerTexts();
  const natColumn = header.findIndex((h) => /NAT gateway processing/i.test(h));
  expect(natColumn).toBeGreaterThan(0);
  const before = await page.getByTestId("team-path-matrix").locator("tfoot th").nth(natColumn).innerText();

  await page.goto(`${base}/cost/prices`);
  const rate = page.getByLabel("eu-west-3 nat_gateway_gb rate");
  await rate.fill("-1");
  await page.getByRole("button", { name: /^Save 1 change$/ }).click();
  await expect(page.getByTestId("prices-error")).toContainText("The rate must be a number of dollars, zero or more");
  await rate.fill("0.096");
  await page.getByLabel("Note").fill("double the Paris NAT rate for the e2e test");
  await page.getByRole("button", { name: /^Save 1 change$/ }).click();
  await expect(page.getByTestId("prices-saved")).toContainText("Saved 1 figure");
  const history = page.getByTestId("price-history");
  await expect(history.getByRole("row", { name: /e2e-reviewer/ })).toContainText("0.048");
  await expect(history.getByRole("row", { name: /e2e-reviewer/ })).toContainText("0.096");
  await expect(history).toContainText("double the Paris NAT rate");
  await keepScreenshot(page, "cost-prices");

  await page.goto(`${base}${REPORT}`);
  const after = await page.getByTestId("team-path-matrix").locator("tfoot th").nth(natColumn).innerText();
  const dollars = (text: string) => Number(text.replace(/[^0-9.]/g, ""));
  expect(dollars(after)).toBeGreaterThan(dollars(before));
});

test("a saved short link opens the same period and filters", async ({ page }) => {
  await page.goto(`${base}${REPORT}&path=nat_processing`);
  await page.getByLabel("Title of the saved report").fill("NAT review");
  await page.getByRole("button", { name: "Save a short link" }).click();
  const link = page.getByTestId("saved-link").getByRole("link");
  await expect(link).toHaveText(/^\/cost\/r\/[a-z0-9]{8}$/);
  const href = (await link.getAttribute("href")) as string;
  await page.goto(`${base}/inventory`);
  await page.goto(`${base}${href}`);
  await expect(page).toHaveURL(new RegExp(`/cost\\?from=${day(START)}&to=${day(END - 1)}&path=nat_processing$`));
  await expect(page.getByTestId("filter-path")).toContainText("path: nat_processing");
});

test("the CSV export has a row per team, service, path and destination", async ({ page }) => {
  const response = await page.request.get(`${base}/cost/export?from=${day(START)}&to=${day(END - 1)}`);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/csv");
  expect(response.headers()["content-disposition"]).toMatch(/attachment; filename="flowlens-cost-.*\.csv"/);
  const lines = (await response.text()).trim().split("\r\n");
  expect(lines[0]).toBe("team,service,account_id,account,vpc,region,path,path_label,destination,destination_class,via,bytes,gib,hours,dollars");
  expect(lines.some((l) => l.includes(",nat_processing,") && l.includes(",S3,"))).toBe(true);
  expect(lines.length).toBeGreaterThan(10);
});
