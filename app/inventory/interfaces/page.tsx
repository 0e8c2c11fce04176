import type { Metadata } from "next";
import { interfaceListInput } from "@/components/inventory/interface-list-input";
import { InterfacesList } from "@/components/inventory/InterfacesList";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { type SearchParams, stringParams } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Interfaces · Inventory" };

export default async function InterfacesPage({ searchParams }: { searchParams: SearchParams }) {
  const p = await stringParams(searchParams);
  const input = interfaceListInput({
    q: p.q ?? "",
    account: p.account ?? "",
    vpc: p.vpc ?? "",
    subnet: p.subnet ?? "",
    service: p.service ?? "",
    status: p.status ?? "",
    mapping: p.mapping ?? "",
    page: p.page ?? "",
  });
  await getQueryClient().prefetchQuery(trpc.inventory.interfaces.queryOptions(input));
  return (
    <HydrateClient>
      <InterfacesList />
    </HydrateClient>
  );
}
