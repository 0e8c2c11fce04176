import { defineConfig, devices } from "@playwright/test";

// End-to-end tests in Debian's Chromium (Playwright cannot download its own browsers here).
// The portal runs as users run it: `flowlens serve` on a production build, with the embedded
// PostgreSQL and log store unless DATABASE_URL / LOKI_URL are set. `npm test` sets E2E_PORT,
// DATABASE_URL (a fresh database) and FLOWLENS_DATA_DIR for each run.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } } }],
  webServer: {
    command: `node bin/flowlens serve --port ${port}`,
    url: `${baseURL}/`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      HOSTNAME: "127.0.0.1",
      FLOWLENS_DATA_DIR: process.env.FLOWLENS_DATA_DIR ?? ".data/e2e",
    },
  },
});
