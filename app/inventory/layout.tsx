import type { ReactNode } from "react";
import { InventoryTabs } from "@/components/inventory/InventoryTabs";

/** Every inventory page: the title and the inventory's tabs above the page. */
export default function InventoryLayout({ children }: { children: ReactNode }) {
  return (
    <main className="page">
      <h1>Inventory</h1>
      <p className="page-lead">AWS accounts, VPCs, subnets and network interfaces, and the rules that name the service behind each interface.</p>
      <InventoryTabs />
      {children}
    </main>
  );
}
