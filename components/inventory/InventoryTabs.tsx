"use client";
/** The inventory's sub-navigation: one tab per list, the import page and the mapping rules. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import styles from "./Inventory.module.css";

export const INVENTORY_TABS: { href: string; label: string }[] = [
  { href: "/inventory", label: "Overview" },
  { href: "/inventory/accounts", label: "Accounts" },
  { href: "/inventory/vpcs", label: "VPCs" },
  { href: "/inventory/subnets", label: "Subnets" },
  { href: "/inventory/interfaces", label: "Interfaces" },
  { href: "/inventory/services", label: "Services" },
  { href: "/inventory/rules", label: "Mapping rules" },
  { href: "/inventory/import", label: "Import" },
];

export function InventoryTabs() {
  const pathname = usePathname();
  return (
    <nav className={styles.tabs} aria-label="Inventory">
      {INVENTORY_TABS.map((tab) => {
        const active = tab.href === "/inventory" ? pathname === "/inventory" : pathname.startsWith(tab.href);
        return (
          <Link key={tab.href} href={tab.href} className={active ? styles.active : undefined} aria-current={active ? "page" : undefined}>
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
