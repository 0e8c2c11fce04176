import type { Metadata } from "next";
import { InvestigationList } from "@/components/investigations/InvestigationList";
import { listInput, loadInvestigationListState } from "@/components/investigations/list-state";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Investigations" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function InvestigationsPage({ searchParams }: { searchParams: SearchParams }) {
  const state = await loadInvestigationListState(searchParams);
  const queryClient = getQueryClient();
  await Promise.all([queryClient.prefetchQuery(trpc.investigations.list.queryOptions(listInput(state))), queryClient.prefetchQuery(trpc.investigations.facets.queryOptions())]);
  return (
    <HydrateClient>
      <InvestigationList />
    </HydrateClient>
  );
}
