import type { Metadata } from "next";
import { CostReview } from "@/components/cost/CostReview";
import { fromRecord, parseCostParams, reportClock, reportInputOf } from "@/components/cost/report-params";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Cost review" };

export default async function CostPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = parseCostParams(fromRecord(await searchParams));
  const now = reportClock();
  await getQueryClient().prefetchQuery(trpc.cost.report.queryOptions(reportInputOf(params, now)));
  return (
    <HydrateClient>
      <CostReview now={now} />
    </HydrateClient>
  );
}
