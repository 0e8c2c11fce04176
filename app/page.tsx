import { HealthPanel } from "@/components/HealthPanel";
import { requestTimeMs } from "@/components/explore/request-time";
import { InventoryGlance } from "@/components/overview/InventoryGlance";
import styles from "@/components/overview/Overview.module.css";
import { RecentInvestigations } from "@/components/overview/RecentInvestigations";
import { recentInvestigationsInput } from "@/components/overview/inputs";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { ViewLinks } from "@/components/views/ViewLinks";

export const dynamic = "force-dynamic";

/** The overview: the views, the newest investigations, the inventory and health at a glance. No LogQL: PostgreSQL and the health check only. */
export default async function OverviewPage() {
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.health.check.queryOptions()),
    queryClient.prefetchQuery(trpc.investigations.list.queryOptions(recentInvestigationsInput)),
    queryClient.prefetchQuery(trpc.inventory.summary.queryOptions()),
  ]);
  const nowMs = requestTimeMs();
  return (
    <HydrateClient>
      <main className="page">
        <h1>Overview</h1>
        <p className="page-lead">
          flowlens reads AWS VPC flow logs from Grafana Loki, names the service behind every address, and keeps
          investigations and AWS inventory in PostgreSQL.
        </p>
        <div className={`grid ${styles.grid}`}>
          <ViewLinks />
          <RecentInvestigations requestTimeMs={nowMs} />
          <InventoryGlance requestTimeMs={nowMs} />
          <HealthPanel />
        </div>
      </main>
    </HydrateClient>
  );
}
