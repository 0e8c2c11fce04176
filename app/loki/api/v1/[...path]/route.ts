/**
 * `/loki/api/v1/*`: the embedded log store's Loki HTTP API at the portal's address, so that
 * Grafana (a Loki data source with the portal's URL) and log shippers (Promtail, Alloy,
 * lambda-promtail pushing to `<portal>/loki/api/v1/push`) can use it. When LOKI_URL is set the
 * portal reads that Loki and has no store of its own: these paths answer 404.
 */
import { env } from "@/server/env";
import { getEmbeddedStore } from "@/server/store/embedded";

export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  if (env().LOKI_URL) {
    return new Response(
      `flowlens reads the Loki at LOKI_URL (${env().LOKI_URL}); its embedded log store is off, so send this request there.\n`,
      { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  return getEmbeddedStore().handle(request);
}

export { handle as GET, handle as POST };
