/**
 * The Prisma client for the portal's own tables (inventory, investigations, rollups …).
 * One client per process, kept on globalThis so that Next.js hot reloads reuse it.
 * Services receive it as an argument (`db: Database`); only the edges call `getDb()`.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { AppError } from "../errors";
import { env } from "../env";
import { PrismaClient } from "./generated/client";

export type Database = PrismaClient;

export function createDb(connectionString: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

const holder = globalThis as unknown as { flowlensDb?: Database };

export function getDb(): Database {
  if (!holder.flowlensDb) {
    const url = env().DATABASE_URL;
    if (!url) {
      throw new AppError(
        "UNAVAILABLE",
        "DATABASE_URL is not set in the portal process. Start flowlens with `npm start` or " +
          "`npx flowlens serve`, which start the embedded PostgreSQL when DATABASE_URL is unset.",
      );
    }
    holder.flowlensDb = createDb(url);
  }
  return holder.flowlensDb;
}
