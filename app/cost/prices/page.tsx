import type { Metadata } from "next";
import { PricesEditor } from "@/components/cost/PricesEditor";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Prices · Cost review" };

export default async function PricesPage() {
  await Promise.all([
    getQueryClient().prefetchQuery(trpc.cost.prices.queryOptions()),
    getQueryClient().prefetchQuery(trpc.cost.priceItems.queryOptions()),
    getQueryClient().prefetchQuery(trpc.cost.priceHistory.queryOptions({ limit: 100 })),
  ]);
  return (
    <HydrateClient>
      <PricesEditor />
    </HydrateClient>
  );
}
