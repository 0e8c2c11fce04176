import type { Metadata } from "next";
import { RulesEditor } from "@/components/inventory/RulesEditor";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Mapping rules · Inventory" };

export default async function RulesPage() {
  await getQueryClient().prefetchQuery(trpc.inventory.rules.list.queryOptions());
  return (
    <HydrateClient>
      <RulesEditor />
    </HydrateClient>
  );
}
