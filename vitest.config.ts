import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure code, `*.test.ts`, no I/O) and `integration` (`*.int.test.ts`, real
// PostgreSQL and real HTTP servers; server/testing/global-setup.ts provides the database server).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{app,components,server,bin,bench}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{app,components,server,bin,bench}/**/*.int.test.ts"],
          globalSetup: ["server/testing/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
