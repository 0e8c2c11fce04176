import type { Metadata } from "next";
import { VpcsList } from "@/components/inventory/InventoryLists";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { type SearchParams, stringParams } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "VPCs · Inventory" };

export default async function VpcsPage({ searchParams }: { searchParams: SearchParams }) {
  const { q, account } = await stringParams(searchParams);
  await getQueryClient().prefetchQuery(trpc.inventory.vpcs.queryOptions({ q: q || undefined, accountId: account || undefined }));
  return (
    <HydrateClient>
      <VpcsList />
    </HydrateClient>
  );
}
