import type { Metadata } from "next";
import { requestTimeMs } from "@/components/explore/request-time";
import { loadRejectedState } from "@/components/explore/view-state";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { RejectedView } from "@/components/views/RejectedView";
import { viewInputs } from "@/components/views/inputs";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Rejected traffic" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function RejectedPage({ searchParams }: { searchParams: SearchParams }) {
  const state = await loadRejectedState(searchParams);
  const nowMs = requestTimeMs();
  const inputs = viewInputs(state, nowMs);
  const base = { filter: inputs.filter, range: inputs.range, top: inputs.top };
  const queryClient = getQueryClient();
  // Started here, streamed to the browser panel by panel as each answer comes.
  void queryClient.prefetchQuery(trpc.views.rejectedOverTime.queryOptions({ ...base, by: inputs.by }));
  void queryClient.prefetchQuery(trpc.views.rejectedSummary.queryOptions(base));
  void queryClient.prefetchQuery(trpc.views.rejectedInternal.queryOptions(base));
  void queryClient.prefetchQuery(trpc.views.rejectedScans.queryOptions(base));
  void queryClient.prefetchQuery(trpc.flows.vocabulary.queryOptions());
  return (
    <HydrateClient>
      <RejectedView nowMs={nowMs} />
    </HydrateClient>
  );
}
