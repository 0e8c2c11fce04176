/** The overview's way into the views: what each one answers, one click away. */
import Link from "next/link";

const VIEWS: { href: string; title: string; question: string }[] = [
  { href: "/explore", title: "Explore", question: "Which flows match? Filter by account, VPC, service, address, port, action — every address named." },
  { href: "/rejected", title: "Rejected traffic", question: "Who is blocked, by what? A service cut off from a dependency, apart from internet scans." },
  { href: "/egress", title: "Egress", question: "What are we sending out, to whom? Bytes by service, team and destination." },
  { href: "/investigations", title: "Investigations", question: "Saved evidence with share links that still open a month later." },
  { href: "/cost", title: "Cost review", question: "What does moving data cost us? Data-transfer dollars by team, service and path, and where to save." },
  { href: "/inventory", title: "Inventory", question: "Whose address is this? Accounts, VPCs, interfaces and the services that own them." },
];

export function ViewLinks() {
  return (
    <section className="panel" aria-labelledby="views-title">
      <h2 id="views-title">Views</h2>
      <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: 10 }}>
        {VIEWS.map((view) => (
          <li key={view.href}>
            <Link href={view.href} style={{ fontWeight: 600 }}>
              {view.title}
            </Link>
            <div className="muted">{view.question}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
