import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./screenshots";

test("the portal opens on the overview with a health panel", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const postgres = page.getByTestId("health-postgresql");
  await expect(postgres).toContainText("up");
  await expect(postgres).toContainText(/PostgreSQL \d+/);
  await expect(postgres).toContainText(/\d+\.\d ms/);
  const backend = page.getByTestId("health-log-backend");
  await expect(backend).toContainText("up");
  await expect(backend).toContainText(process.env.LOKI_URL ? "Loki at" : "embedded store · ready");
  await keepScreenshot(page, "overview");
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
