/** GET /api/health: PostgreSQL and log-backend status with latencies; 503 when either is down. */
import { getDb } from "@/server/db/client";
import { checkHealth } from "@/server/health";
import { getQueryGate } from "@/server/loki/gate";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth({ db: getDb(), gate: getQueryGate() });
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
