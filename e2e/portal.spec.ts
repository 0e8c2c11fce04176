import { expect, test } from "@playwright/test";
import { keepScreenshot } from "./screenshots";

test("the portal opens on the overview with a health panel", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const postgres = page.getByTestId("health-postgresql");
  await expect(postgres).toContainText("up");
  await expect(postgres).toContainText(/PostgreSQL \d+/);
  await expect(postgres).toContainText(/\d+\.\d ms/);
  await expect(page.getByTestId("health-log-backend")).toBeVisible();
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
