import { defineConfig } from "prisma/config";

// The Prisma CLI is used for `generate` only (see ARCHITECTURE.md, "Database"): migrations are
// applied by server/db/migrate.ts, which needs no native engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
