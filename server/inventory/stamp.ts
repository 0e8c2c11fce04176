/**
 * The inventory stamp: a version number that every change to the inventory or the mapping rules
 * increments in the same transaction. Each process keeps one compiled enrichment lookup and
 * rebuilds it when the stamp it was built at is no longer the current one.
 */
import type { Database } from "../db/client";
import type { Prisma } from "../db/generated/client";

type Client = Database | Prisma.TransactionClient;

const holder = globalThis as unknown as { flowlensLocalStampBumps?: number };

/**
 * How many times this process bumped the stamp: a lookup built before the latest local change
 * asks PostgreSQL at once instead of waiting for its recheck interval (other processes' changes
 * are seen within that interval).
 */
export function localStampBumps(): number {
  return holder.flowlensLocalStampBumps ?? 0;
}

/** Increments the stamp (creating its row on first use) and returns the new version. */
export async function bumpInventoryStamp(tx: Client): Promise<number> {
  holder.flowlensLocalStampBumps = localStampBumps() + 1;
  const row = await tx.inventoryStamp.upsert({
    where: { id: 1 },
    create: { id: 1, version: 1, changedAt: new Date() },
    update: { version: { increment: 1 }, changedAt: new Date() },
  });
  return row.version;
}

/** The current stamp: 0 before anything was ever imported. */
export async function currentInventoryStamp(db: Client): Promise<number> {
  const row = await db.inventoryStamp.findUnique({ where: { id: 1 }, select: { version: true } });
  return row?.version ?? 0;
}
