import type { Metadata } from "next";
import { SubnetsList } from "@/components/inventory/InventoryLists";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { type SearchParams, stringParams } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Subnets · Inventory" };

export default async function SubnetsPage({ searchParams }: { searchParams: SearchParams }) {
  const { q, vpc } = await stringParams(searchParams);
  await getQueryClient().prefetchQuery(trpc.inventory.subnets.queryOptions({ q: q || undefined, vpcId: vpc || undefined }));
  return (
    <HydrateClient>
      <SubnetsList />
    </HydrateClient>
  );
}
