import type { Metadata } from "next";
import { InterfaceDetail } from "@/components/inventory/InterfaceDetail";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `${(await params).id} · Inventory` };
}

export default async function InterfacePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await getQueryClient().prefetchQuery(trpc.inventory.interface.queryOptions({ id }));
  return (
    <HydrateClient>
      <h2 className="mono">{id}</h2>
      <InterfaceDetail id={id} />
    </HydrateClient>
  );
}
