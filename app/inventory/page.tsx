import type { Metadata } from "next";
import { InventoryOverview } from "@/components/inventory/InventoryOverview";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Inventory" };

export default async function InventoryPage() {
  await getQueryClient().prefetchQuery(trpc.inventory.summary.queryOptions());
  return (
    <HydrateClient>
      <InventoryOverview />
    </HydrateClient>
  );
}
