import type { Metadata } from "next";
import { InvestigationView } from "@/components/investigations/InvestigationView";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Investigation" };

export default async function InvestigationPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const queryClient = getQueryClient();
  // The investigation and each panel's snapshot come from PostgreSQL only: nothing here asks Loki.
  const investigation = await queryClient.fetchQuery(trpc.investigations.get.queryOptions({ slug })).catch(() => null);
  for (const panel of investigation?.panels ?? []) {
    void queryClient.prefetchQuery(trpc.investigations.panel.queryOptions({ slug, panelId: panel.id, source: "snapshot" }));
  }
  void queryClient.prefetchQuery(trpc.flows.settings.queryOptions());
  return (
    <HydrateClient>
      <InvestigationView slug={slug} />
    </HydrateClient>
  );
}
