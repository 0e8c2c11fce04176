import type { Metadata } from "next";
import { requestTimeMs } from "@/components/explore/request-time";
import { loadEgressState } from "@/components/explore/view-state";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EgressView } from "@/components/views/EgressView";
import { viewInputs } from "@/components/views/inputs";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Egress" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function EgressPage({ searchParams }: { searchParams: SearchParams }) {
  const state = await loadEgressState(searchParams);
  const nowMs = requestTimeMs();
  const inputs = viewInputs(state, nowMs);
  const base = { filter: inputs.filter, range: inputs.range, top: inputs.top };
  const queryClient = getQueryClient();
  void queryClient.prefetchQuery(trpc.views.egressOverTime.queryOptions({ ...base, by: inputs.by }));
  void queryClient.prefetchQuery(trpc.views.egressBreakdown.queryOptions(base));
  void queryClient.prefetchQuery(trpc.flows.vocabulary.queryOptions());
  return (
    <HydrateClient>
      <EgressView nowMs={nowMs} />
    </HydrateClient>
  );
}
