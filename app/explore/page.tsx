import type { Metadata } from "next";
import { ExploreView } from "@/components/explore/ExploreView";
import { exploreInputs } from "@/components/explore/inputs";
import { type ExploreState, loadExploreState } from "@/components/explore/view-state";
import { requestTimeMs } from "@/components/explore/request-time";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { checkLogQL } from "@/server/explore/logql-check";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Explore" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ExplorePage({ searchParams }: { searchParams: SearchParams }) {
  const state: ExploreState = await loadExploreState(searchParams);
  const nowMs = requestTimeMs();
  const queryClient = getQueryClient();
  const check = state.mode === "code" && state.q.trim() !== "" ? checkLogQL(state.q) : null;
  const inputs = exploreInputs(state, nowMs, check?.ok ? check.kind : null);
  // Started here, finished in the browser: the answers stream into the page as they come.
  void queryClient.prefetchQuery(trpc.flows.settings.queryOptions());
  void queryClient.prefetchQuery(trpc.flows.vocabulary.queryOptions());
  if (state.mode === "code" && state.q.trim() !== "") void queryClient.prefetchQuery(trpc.flows.check.queryOptions({ query: state.q }));
  if (inputs.plan) void queryClient.prefetchQuery(trpc.flows.plan.queryOptions(inputs.plan));
  if (inputs.lines) void queryClient.prefetchInfiniteQuery(trpc.flows.lines.infiniteQueryOptions(inputs.lines, { getNextPageParam: (page) => page.next ?? undefined }));
  if (inputs.chart) void queryClient.prefetchQuery(trpc.flows.chart.queryOptions(inputs.chart));
  if (inputs.metric) void queryClient.prefetchQuery(trpc.flows.metric.queryOptions(inputs.metric));
  return (
    <HydrateClient>
      <ExploreView nowMs={nowMs} />
    </HydrateClient>
  );
}
