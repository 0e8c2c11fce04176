/** GET /cost/export?<the report's URL state>: the report's lines as CSV (team, service, account, VPC, path, destination, bytes, dollars). */
import { costParamsToSearch, parseCostParams, reportInputOf, resolvePeriod } from "@/components/cost/report-params";
import { costCsv } from "@/server/cost/csv";
import { PriceBook } from "@/server/cost/prices";
import { loadPriceTable } from "@/server/cost/price-service";
import { costLines } from "@/server/cost/report";
import { getDb } from "@/server/db/client";
import { httpStatusOf, toAppError } from "@/server/errors";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const params = parseCostParams((name) => url.searchParams.get(name));
  const now = Date.now();
  try {
    const period = resolvePeriod(params, now);
    if (period.problem) return new Response(`${period.problem}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    const input = reportInputOf(params, now);
    const db = getDb();
    const book = new PriceBook(await loadPriceTable({ db }));
    const lines = await costLines(db, book, { from: input.from, to: input.to }, input.filters);
    const accounts = new Map((await db.awsAccount.findMany({ select: { id: true, name: true } })).map((a) => [a.id, a.name]));
    const name = `flowlens-cost-${new Date(input.from).toISOString().slice(0, 10)}-to-${new Date(input.to - 1).toISOString().slice(0, 10)}${costParamsToSearch({ team: params.team, service: params.service, account: params.account, path: params.path }) ? "-filtered" : ""}.csv`;
    return new Response(costCsv(lines, accounts), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
    });
  } catch (error) {
    const appError = toAppError(error);
    return new Response(`${appError.message}\n`, { status: httpStatusOf(appError.code), headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
