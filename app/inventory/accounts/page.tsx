import type { Metadata } from "next";
import { AccountsList } from "@/components/inventory/InventoryLists";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { type SearchParams, stringParams } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Accounts · Inventory" };

export default async function AccountsPage({ searchParams }: { searchParams: SearchParams }) {
  const { q } = await stringParams(searchParams);
  await getQueryClient().prefetchQuery(trpc.inventory.accounts.queryOptions({ q: q || undefined }));
  return (
    <HydrateClient>
      <AccountsList />
    </HydrateClient>
  );
}
