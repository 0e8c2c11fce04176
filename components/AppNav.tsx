"use client";
/** The portal's top bar: the product name and one link per page. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import styles from "./AppNav.module.css";

export const NAV_ITEMS: { href: string; label: string }[] = [
  { href: "/", label: "Overview" },
  { href: "/explore", label: "Explore" },
  { href: "/rejected", label: "Rejected" },
  { href: "/egress", label: "Egress" },
  { href: "/investigations", label: "Investigations" },
  { href: "/cost", label: "Cost" },
  { href: "/inventory", label: "Inventory" },
];

export function AppNav() {
  const pathname = usePathname();
  return (
    <header className={styles.bar}>
      <Link href="/" className={styles.brand}>
        flow<span>lens</span>
      </Link>
      <nav className={styles.links} aria-label="Main">
        {NAV_ITEMS.map((item) => {
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <Link key={item.href} href={item.href} className={active ? styles.active : undefined} aria-current={active ? "page" : undefined}>
              {item.label}
            </Link>
          );
        })}
      </nav>
    </header>
  );
}
