import type { Metadata } from "next";
import { ServicesList } from "@/components/inventory/InventoryLists";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { type SearchParams, stringParams } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Services · Inventory" };

export default async function ServicesPage({ searchParams }: { searchParams: SearchParams }) {
  const { q } = await stringParams(searchParams);
  await getQueryClient().prefetchQuery(trpc.inventory.services.queryOptions({ q: q || undefined }));
  return (
    <HydrateClient>
      <ServicesList />
    </HydrateClient>
  );
}
