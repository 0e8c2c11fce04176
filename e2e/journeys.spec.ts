/**
 * The SRE's journeys on a generated organisation (see seed.ts): filter flows in Explore, read the
 * table and one flow in full, save the view as an investigation and open its share link in a fresh
 * browser (same content, from the stored snapshot); the rejected-traffic view shows the blocked
 * dependency and the port scan, the egress view the egress spike; LogQL errors are shown in place;
 * exports. Screenshots of every page are kept.
 */
import { type Page, expect, test } from "@playwright/test";
import { keepScreenshot } from "./screenshots";
import { type SeededOrganisation, seedOrganisation } from "./seed";

test.describe.configure({ mode: "serial" });

let org: SeededOrganisation;
let shareUrl = "";

test.beforeAll(async ({ request, baseURL }) => {
  test.setTimeout(240_000);
  org = await seedOrganisation(request, baseURL ?? "");
});

const MINUTE = 60_000;
const around = (kind: string, marginMs = 10 * MINUTE) => {
  const incident = org.incidents[kind];
  if (!incident) throw new Error(`the generated organisation has no ${kind} incident`);
  return { from: incident.startUnix * 1000 - marginMs, to: incident.endUnix * 1000 + marginMs, incident };
};

async function rowTexts(page: Page, count: number): Promise<string[]> {
  const rows = page.getByTestId("flow-row");
  await expect(rows.first()).toBeVisible();
  return (await rows.allInnerTexts()).slice(0, count).map((t) => t.replace(/\s+/g, " ").trim());
}

test("Explore: filter in network terms → flow table → one flow in full → save → the share link shows the same evidence in a fresh browser", async ({ page, browser }) => {
  const { from, to } = around("blocked-dependency");
  await page.goto(`/explore?from=${from}&to=${to}`);
  await expect(page.getByTestId("filter-builder")).toBeVisible();

  // Filters in network terms: the source service, and REJECT.
  await page.getByLabel("Filter field").selectOption("srcService");
  await page.getByLabel("Filter value").fill("payments-api");
  await page.getByRole("button", { name: "Keep", exact: true }).click();
  await page.getByLabel("Filter field").selectOption("action");
  await page.getByLabel("Filter value").fill("reject");
  await page.getByRole("button", { name: "Keep", exact: true }).click();
  await expect(page).toHaveURL(/src_service=payments-api/);
  await expect(page).toHaveURL(/action=REJECT/);
  await expect(page.getByTestId("builder-logql")).toContainText('action="REJECT"');
  await expect(page.getByTestId("builder-logql")).toContainText("| pattern `");

  // Click a value to filter on it: the destination port of the first row.
  const first = page.getByTestId("flow-row").first();
  await expect(first).toContainText("payments-api");
  await first.getByText("5432").first().hover();
  await first.getByRole("button", { name: "Keep 5432" }).click();
  await expect(page).toHaveURL(/dst_port=5432/);
  await expect(page.getByTestId("result-count")).toHaveText(/^\d[\d,]* flow records$/);
  const count = (await page.getByTestId("result-count").innerText()).trim();
  const rows = await rowTexts(page, 5);
  for (const row of rows) {
    expect(row).toContain("payments-api");
    expect(row).toContain("ledger");
    expect(row).toContain("5432");
    expect(row).toContain("REJECT");
  }
  await keepScreenshot(page, "explore-flows");

  // One flow in full: every field, both ends named, the raw line.
  await page.getByTestId("flow-row").first().click();
  const drawer = page.getByTestId("flow-drawer");
  await expect(drawer.getByTestId("end-source")).toContainText("payments-api");
  await expect(drawer.getByTestId("end-destination")).toContainText("ledger");
  await expect(drawer).toContainText("dstport");
  await expect(drawer.getByTestId("raw-line")).toContainText("REJECT");
  await expect(page).toHaveURL(/[?&]flow=\d+\./);
  await keepScreenshot(page, "explore-flow-detail");
  await drawer.getByRole("button", { name: "Close" }).click();

  // Save the view as an investigation.
  await page.getByRole("button", { name: "Save to investigation" }).click();
  const dialog = page.getByRole("dialog", { name: "Save to investigation" });
  await dialog.getByLabel("Title", { exact: true }).fill("payments-api cannot reach ledger");
  await dialog.getByLabel("Notes").fill("Rejected on **5432** by the ledger security group.\n\n<script>alert('not run')</script>");
  await dialog.getByLabel("Tags").fill("incident, payments");
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  const link = dialog.getByTestId("share-link");
  await expect(link).toBeVisible({ timeout: 30_000 });
  shareUrl = (await link.getAttribute("href")) ?? "";
  expect(shareUrl).toMatch(/^\/i\/[a-z0-9]+$/);

  // A fresh browser (no cookies, no cache) opens exactly the saved evidence.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(shareUrl);
  await expect(other.getByTestId("investigation-title")).toHaveText("payments-api cannot reach ledger");
  await expect(other.getByTestId("notes")).toContainText("Rejected on 5432 by the ledger security group.");
  await expect(other.getByTestId("notes").locator("strong")).toHaveText("5432");
  await expect(other.locator("script", { hasText: "not run" })).toHaveCount(0);
  const panel = other.getByTestId("investigation-panel");
  await expect(panel.getByTestId("snapshot-time")).toContainText(/snapshot of \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  await expect(panel.getByTestId("panel-count")).toHaveText(count);
  expect(await rowTexts(other, 5)).toEqual(rows);
  await keepScreenshot(other, "investigation");

  // Exports of the panel's flows.
  const csvHref = await panel.getByTestId("export-csv").getAttribute("href");
  const csv = await other.request.get(csvHref ?? "");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^time,timestamp_ns,flow_log,/);
  expect(lines.length - 1).toBe(Number(count.replace(/[^\d]/g, "")));
  expect(lines[1]).toContain("payments-api");

  // Re-run live over the same absolute range: the same flows (the data is still in the store).
  await panel.getByRole("button", { name: "Re-run live" }).click();
  await expect(panel.getByText(/^live, run at/)).toBeVisible();
  await expect(panel.getByTestId("panel-count")).toHaveText(count);
  await context.close();
});

test("Explore: charts split by a dimension, zoom, and LogQL checked by the server with the error in place", async ({ page }) => {
  const { from, to } = around("blocked-dependency", 60 * MINUTE);
  await page.goto(`/explore?from=${from}&to=${to}&src_service=payments-api&show=chart&by=destination`);
  const legend = page.getByTestId("chart-legend");
  await expect(legend).toContainText("ledger");
  await keepScreenshot(page, "explore-chart");

  // Zoom by brushing: drag across the middle of the chart; the URL gets the narrower absolute range.
  const area = page.locator(".recharts-surface").first();
  const box = await area.boundingBox();
  if (!box) throw new Error("the chart has no box");
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page).not.toHaveURL(new RegExp(`from=${from}&`));
  const zoomed = new URL(page.url());
  const width = Number(zoomed.searchParams.get("to")) - Number(zoomed.searchParams.get("from"));
  expect(width).toBeGreaterThan(0);
  expect(width).toBeLessThan((to - from) / 2);

  await page.goto(`/explore?from=${from}&to=${to}&action=REJECT`);
  await expect(page.getByTestId("flow-row").first()).toBeVisible();
  await page.getByRole("button", { name: "LogQL", exact: true }).click();
  const editor = page.getByTestId("logql-editor");
  await expect(editor).toContainText('action="REJECT"');
  await editor.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" | dstport=");
  await expect(page.getByTestId("logql-error")).toContainText(/parse error at line 1, col \d+/);
  await expect(page.locator(".cm-lintRange-error")).toHaveCount(1);
  await keepScreenshot(page, "explore-logql-error");

  // A metric query typed by hand is drawn as series.
  await page.keyboard.press("Control+a");
  await page.keyboard.type('sum by (__aws_s3_vpc_flow) (count_over_time({__aws_log_type="s3_vpc_flow"} |= "REJECT" [5m]))');
  await page.getByRole("button", { name: "Run query" }).click();
  await expect(page.getByTestId("chart-legend")).toContainText("__aws_s3_vpc_flow=");
  await keepScreenshot(page, "explore-metric");
});

test("Explore pages past Loki's line limit and scrolls 10,000+ rows, keeping only the visible ones in the page", async ({ page }) => {
  await page.goto(`/explore?from=${org.startMs}&to=${org.endMs}&limit=4000`);
  const count = page.getByTestId("result-count");
  await expect(count).toHaveText("4,000 flow records (more in the range)", { timeout: 30_000 });
  for (const total of ["8,000", "12,000"]) {
    await page.getByTestId("load-more").click();
    await expect(count).toHaveText(`${total} flow records (more in the range)`, { timeout: 30_000 });
  }
  const table = page.getByTestId("flow-table");
  await expect(table).toHaveAttribute("aria-rowcount", "12000");
  expect(await page.getByTestId("flow-row").count()).toBeLessThan(100);
  // newest first across a page boundary: row 4,001 (the second page's first) is not newer than row 4,000
  const rows = await page.evaluate(async () => {
    const scrollArea = document.querySelector('[data-testid="flow-table"]')?.children[1] as HTMLElement | undefined;
    if (!scrollArea) return [];
    scrollArea.scrollTop = 46 * 3995;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return [...document.querySelectorAll('[data-testid="flow-row"]')].map((r) => [Number(r.getAttribute("aria-rowindex")), r.textContent?.slice(0, 19) ?? ""] as const);
  });
  const time = new Map(rows);
  expect(time.has(4000) && time.has(4001)).toBe(true);
  expect((time.get(4000) ?? "") >= (time.get(4001) ?? "")).toBe(true);
  await keepScreenshot(page, "explore-12000-rows");
});

test("Rejected traffic shows the blocked dependency apart from the internet scan", async ({ page }) => {
  await page.goto(`/rejected?from=${org.startMs}&to=${org.endMs}`);
  const internal = page.getByTestId("internal-rejects-table");
  const blocked = internal.getByRole("row").filter({ hasText: "payments-api" }).filter({ hasText: "ledger" });
  await expect(blocked).toContainText("5432");
  const scans = page.getByTestId("scan-sources");
  await expect(scans).toContainText(org.incidents["port-scan"]?.source ?? "?");
  await expect(page.getByTestId("rejects-over-time").getByTestId("chart-legend")).toContainText("prod-core");
  await expect(page.getByTestId("targeted-services")).toContainText("ledger");
  await keepScreenshot(page, "rejected");

  // One click to Explore with the panel's filter.
  await blocked.getByRole("link").click();
  await expect(page).toHaveURL(/\/explore\?.*src_service=payments-api.*dst_service=ledger/);
  await expect(page.getByTestId("flow-row").first()).toContainText("ledger");
});

test("Egress shows the spike to the unknown internet address, by service and in the Sankey", async ({ page }) => {
  await page.goto(`/egress?from=${org.startMs}&to=${org.endMs}`);
  const destinations = page.getByTestId("top-destinations");
  await expect(destinations).toContainText("5.188.10.77");
  await expect(page.getByTestId("egress-by-service")).toContainText("reporting");
  await expect(page.getByTestId("egress-sankey").locator("svg")).toContainText("reporting");
  await expect(page.getByTestId("egress-total")).toHaveText(/\d/);
  await keepScreenshot(page, "egress");

  await page.getByTestId("egress-top-destinations").getByRole("link", { name: "Open in Explore" }).click();
  await expect(page).toHaveURL(/\/explore\?.*show=chart.*by=destination/);
  await expect(page.getByTestId("chart-legend")).toContainText("5.188.10.77");
});

test("Investigations are listed with search and filters", async ({ page }) => {
  await page.goto("/investigations");
  await expect(page.getByTestId("investigation-list")).toContainText("payments-api cannot reach ledger");
  await page.getByLabel("Search investigations").fill("no such words");
  await expect(page.getByText("No investigation matches.")).toBeVisible();
  await page.getByLabel("Search investigations").fill("ledger");
  await page.getByLabel("Tag").selectOption("payments");
  await expect(page.getByTestId("investigation-list")).toContainText("payments-api cannot reach ledger");
  await keepScreenshot(page, "investigations");
});
