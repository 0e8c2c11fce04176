/** The cost procedures' answers as the browser sees them (types only). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type CostOutputs = inferRouterOutputs<AppRouter>["cost"];
export type CostReportData = CostOutputs["report"];
export type BreakdownEntry = CostReportData["byTeam"][number];
export type SavingOpportunity = CostReportData["savings"][number];
export type StoredPrice = CostOutputs["prices"][number];
export type PriceChange = CostOutputs["priceHistory"][number];
