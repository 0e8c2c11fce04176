import { type APIRequestContext, expect, test } from "@playwright/test";
import { keepScreenshot } from "./screenshots";

interface ListedInvestigation {
  slug: string;
  title: string;
  status: string;
  tags: string[];
  owner: string;
  version: number;
}

/** The investigations the overview should list: not archived, newest change first (the list procedure's order). */
async function listedInvestigations(request: APIRequestContext): Promise<ListedInvestigation[]> {
  const response = await request.get(`/api/trpc/investigations.list?input=${encodeURIComponent(JSON.stringify({ archived: false }))}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: ListedInvestigation[] } }).result.data;
}

async function trpcMutation<T>(request: APIRequestContext, procedure: string, input: unknown, user: string): Promise<T> {
  const response = await request.post(`/api/trpc/${procedure}`, { data: input, headers: { "x-forwarded-user": user } });
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!response.ok() || !body.result) throw new Error(`${procedure} failed: ${JSON.stringify(body).slice(0, 800)}`);
  return body.result.data;
}

test("the portal opens on the overview with the views, recent investigations, the inventory and health", async ({ page, request }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // Every page is one click away, the cost review and the inventory included.
  const views = page.getByRole("region", { name: "Views" });
  for (const [name, href] of [
    ["Explore", "/explore"],
    ["Rejected traffic", "/rejected"],
    ["Egress", "/egress"],
    ["Investigations", "/investigations"],
    ["Cost review", "/cost"],
    ["Inventory", "/inventory"],
  ] as const) {
    await expect(views.getByRole("link", { name, exact: true })).toHaveAttribute("href", href);
  }

  // Recent investigations: whatever this database holds, listed as the list procedure orders it, or how to make one.
  const recent = page.getByTestId("recent-investigations");
  await expect(recent.getByRole("heading", { name: "Recent investigations" })).toBeVisible();
  await expect(recent.getByRole("link", { name: "All investigations →" })).toHaveAttribute("href", "/investigations");
  const existing = await listedInvestigations(request);
  if (existing.length === 0) {
    await expect(page.getByTestId("recent-investigations-empty")).toContainText("Save a view from Explore, Rejected or Egress");
    await expect(recent.getByTestId("recent-investigation")).toHaveCount(0);
  } else {
    const shown = existing.slice(0, 6);
    await expect(recent.getByTestId("recent-investigation")).toHaveCount(shown.length);
    await expect(recent.getByTestId("recent-investigation").first().getByRole("link")).toHaveAttribute("href", `/i/${shown[0]?.slug}`);
  }

  // The inventory at a glance, from PostgreSQL alone.
  const inventory = page.getByTestId("inventory-glance");
  for (const label of ["accounts", "vpcs", "interfaces", "services", "unmapped"]) await expect(inventory.getByTestId(`inventory-${label}`)).toHaveText(/^\d[\d,]*/);
  await expect(inventory.getByTestId("inventory-unmapped")).toHaveAttribute("href", "/inventory/interfaces?mapping=unmapped");

  const postgres = page.getByTestId("health-postgresql");
  await expect(postgres).toContainText("up");
  await expect(postgres).toContainText(/PostgreSQL \d+/);
  await expect(postgres).toContainText(/\d+\.\d ms/);
  const backend = page.getByTestId("health-log-backend");
  await expect(backend).toContainText("up");
  await expect(backend).toContainText(process.env.LOKI_URL ? "Loki at" : "embedded store · ready");
  await keepScreenshot(page, "overview");
});

test("the overview lists the newest investigation with its share link, and leaves it out once archived", async ({ page, request }) => {
  const title = `Overview check ${Date.now()}`;
  const toMs = Date.now();
  const created = await trpcMutation<ListedInvestigation>(
    request,
    "investigations.create",
    {
      title,
      tags: ["Overview", "e2e"],
      panels: [{ title: "Rejected flow records", query: '{__aws_log_type="s3_vpc_flow"} |= "REJECT"', fromMs: toMs - 15 * 60_000, toMs }],
    },
    "overview-e2e",
  );

  await page.goto("/");
  const item = page.getByTestId("recent-investigation").first();
  await expect(item.getByRole("link")).toHaveText(title);
  await expect(item.getByRole("link")).toHaveAttribute("href", `/i/${created.slug}`);
  await expect(item.getByText("open", { exact: true })).toBeVisible();
  await expect(item.getByText("overview", { exact: true })).toBeVisible(); // tags as saved: lower case
  await expect(item.getByText("e2e", { exact: true })).toBeVisible();
  await expect(item.getByText("by overview-e2e", { exact: true })).toBeVisible(); // the owner the auth proxy named
  const updated = item.locator("time");
  await expect(updated).toHaveText(/^updated (just now|\d+ minutes? ago)$/);
  await expect(updated).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  expect(await page.getByTestId("recent-investigation").count()).toBeLessThanOrEqual(6);

  await item.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/i/${created.slug}$`));
  await expect(page.getByTestId("investigation-title")).toHaveText(title);

  await trpcMutation(request, "investigations.archive", { slug: created.slug, version: created.version, archived: true }, "overview-e2e");
  await page.goto("/");
  await expect(page.getByTestId("recent-investigations")).toBeVisible();
  await expect(page.getByTestId("recent-investigations")).not.toContainText(title);
});

test("GET /api/health reports both dependencies with latencies", async ({ request }) => {
  const response = await request.get("/api/health");
  const body = await response.json();
  expect(body.database).toMatchObject({ ok: true, message: expect.stringMatching(/^PostgreSQL \d+/) });
  expect(typeof body.database.latencyMs).toBe("number");
  expect(body.logBackend).toHaveProperty("kind");
  expect(typeof body.logBackend.latencyMs).toBe("number");
  expect(response.status()).toBe(body.ok ? 200 : 503);
});

test("the portal serves the embedded store's Loki API at /loki/api/v1", async ({ request }) => {
  test.skip(Boolean(process.env.LOKI_URL), "with LOKI_URL set the portal has no store of its own");
  const now = BigInt(Date.now()) * 1_000_000n;
  const labels = { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-e2e0000000000000", __aws_s3_vpc_flow_owner: "999999999999" };
  const line = "2 999999999999 eni-0e2e0000000000000 10.0.0.1 10.0.0.2 40000 443 6 10 840 1 2 ACCEPT OK";
  const push = await request.post("/loki/api/v1/push", {
    headers: { "Content-Type": "application/json", "X-Scope-OrgID": "e2e" },
    data: JSON.stringify({ streams: [{ stream: labels, values: [[now.toString(), line]] }] }),
  });
  expect(push.status()).toBe(204);
  const values = await request.get(`/loki/api/v1/label/__aws_s3_vpc_flow/values?start=${now - 60_000_000_000n}&end=${now + 60_000_000_000n}`, {
    headers: { "X-Scope-OrgID": "e2e" },
  });
  expect(await values.json()).toEqual({ status: "success", data: ["fl-e2e0000000000000"] });
  const logs = await request.get(
    `/loki/api/v1/query_range?query=${encodeURIComponent('{__aws_s3_vpc_flow_owner="999999999999"}')}&start=${now - 60_000_000_000n}&end=${now + 60_000_000_000n}&limit=10`,
    { headers: { "X-Scope-OrgID": "e2e" } },
  );
  expect(logs.status()).toBe(200);
  const body = await logs.json();
  expect(body.data.result).toEqual([{ stream: labels, values: [[now.toString(), line]] }]);
  const bad = await request.get(`/loki/api/v1/query_range?query=${encodeURIComponent("{}")}`);
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("parse error");
});
