/**
 * GET /i/<slug>/panels/<panel>/export?format=csv|json&source=snapshot|live — the panel's flow
 * records as a file: from its stored snapshot, or re-run live through the query gate.
 */
import { getDb } from "@/server/db/client";
import { AppError, httpStatusOf, toAppError } from "@/server/errors";
import { displayPanel } from "@/server/investigations/display";
import { exportFileName, flowsCsv, flowsJson } from "@/server/investigations/export";
import { getInvestigation } from "@/server/investigations/service";
import { getQueryGate } from "@/server/loki/gate";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ slug: string; panelId: string }> }): Promise<Response> {
  const { slug, panelId } = await context.params;
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  const source = url.searchParams.get("source") === "live" ? "live" : "snapshot";
  try {
    if (format !== "csv" && format !== "json") throw new AppError("BAD_REQUEST", `Exports are csv or json, not "${format}".`);
    const db = getDb();
    const investigation = await getInvestigation(db, slug);
    const panel = investigation.panels.find((p) => p.id === panelId);
    if (!panel) throw new AppError("NOT_FOUND", "That panel is not part of this investigation (any more).");
    const shown = await displayPanel({ db, gate: getQueryGate() }, panel, source);
    if (shown.kind !== "flows") {
      throw new AppError("BAD_REQUEST", shown.kind === "empty" ? shown.reason : "This panel is a chart: only panels of flow records export as CSV or JSON (export a chart as an alert rule instead).");
    }
    const body = format === "csv" ? flowsCsv(shown.rows) : flowsJson(shown.rows);
    return new Response(body, {
      headers: {
        "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="${exportFileName(slug, panel.title, format)}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    const appError = toAppError(error);
    return new Response(`${appError.message}\n`, { status: httpStatusOf(appError.code), headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
