/** The interface list's query input from its URL parameters: shared by the page (prefetch) and the list (browser). */

/** Interfaces per page of the list. */
export const INTERFACE_PAGE = 100;

export function interfaceListInput(params: { q: string; account: string; vpc: string; subnet: string; service: string; status: string; mapping: string; page: string }) {
  const page = Math.max(1, Number(params.page) || 1);
  return {
    q: params.q || undefined,
    accountId: params.account || undefined,
    vpcId: params.vpc || undefined,
    subnetId: params.subnet || undefined,
    service: params.service || undefined,
    status: (params.status === "deleted" || params.status === "all" ? params.status : "current") as "current" | "deleted" | "all",
    mapping: (params.mapping === "mapped" || params.mapping === "unmapped" ? params.mapping : "all") as "all" | "mapped" | "unmapped",
    limit: INTERFACE_PAGE,
    offset: (page - 1) * INTERFACE_PAGE,
  };
}

