import type { Metadata } from "next";
import { CostPrint } from "@/components/cost/CostPrint";
import { costParamsToSearch, fromRecord, parseCostParams, reportClock, reportInputOf, resolvePeriod } from "@/components/cost/report-params";
import { getQueryClient, trpc } from "@/components/trpc/server";
import "./print.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Cost review (print)" };

export default async function CostPrintPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = parseCostParams(fromRecord(await searchParams));
  const now = reportClock();
  const report = await getQueryClient().fetchQuery(trpc.cost.report.queryOptions(reportInputOf(params, now)));
  const search = costParamsToSearch(params);
  return <CostPrint report={report} period={resolvePeriod(params, now)} params={params} backHref={`/cost${search ? `?${search}` : ""}`} generatedAt={new Date(now).toISOString()} />;
}
