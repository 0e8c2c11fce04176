import type { Command } from "commander";
import { openDatabase, redactUrl } from "../../server/db/database";
import { migrate } from "../../server/db/migrate";
import { findSchemaDrift } from "../../server/db/schema-drift";
import { loadEnv } from "../../server/env";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("apply the database migrations in prisma/migrations (also done at every start)")
    .option("--check", "afterwards, compare the database with prisma/schema.prisma and list differences")
    .action(async (options: { check?: boolean }) => {
      const settings = loadEnv();
      const database = await openDatabase(settings);
      try {
        console.log(`database: ${redactUrl(database.url)}${database.kind === "embedded" ? " (embedded)" : ""}`);
        const result = await migrate({ connectionString: database.url, log: (line) => console.log(line) });
        console.log(
          result.applied.length > 0
            ? `applied ${result.applied.length} migration(s); ${result.alreadyApplied.length} were already applied`
            : `up to date: ${result.alreadyApplied.length} migration(s) applied`,
        );
        if (options.check) {
          const drift = await findSchemaDrift({ connectionString: database.url });
          if (drift.length === 0) {
            console.log("the database matches prisma/schema.prisma");
          } else {
            console.error(`the database differs from prisma/schema.prisma:\n  ${drift.join("\n  ")}`);
            process.exitCode = 1;
          }
        }
      } finally {
        await database.stop();
      }
    });
}
