import { HealthPanel } from "@/components/HealthPanel";
import { ViewLinks } from "@/components/views/ViewLinks";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await getQueryClient().prefetchQuery(trpc.health.check.queryOptions());
  return (
    <HydrateClient>
      <main className="page">
        <h1>Overview</h1>
        <p className="page-lead">
          flowlens reads AWS VPC flow logs from Grafana Loki, names the service behind every address, and keeps
          investigations and AWS inventory in PostgreSQL.
        </p>
        <div className="grid grid-2">
          <ViewLinks />
          <HealthPanel />
        </div>
      </main>
    </HydrateClient>
  );
}
