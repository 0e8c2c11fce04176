"use client";
/** The overview's recent investigations: the newest changes first, each one click from its share link. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import styles from "./Overview.module.css";
import { RECENT_INVESTIGATIONS_SHOWN, recentInvestigationsInput } from "./inputs";
import { formatAgo, formatUtc } from "./relative-time";
import { useNow } from "./use-now";
import listStyles from "@/components/investigations/investigations.module.css";
import { useTRPC } from "@/components/trpc/client";

export interface RecentInvestigation {
  slug: string;
  title: string;
  status: "open" | "resolved";
  tags: string[];
  owner: string;
  updatedAt: string;
}

/** One investigation: title (its /i/ link) and status, then tags, owner and when it last changed. */
export function RecentInvestigationItem({ investigation: i, nowMs }: { investigation: RecentInvestigation; nowMs: number }) {
  const updatedMs = Date.parse(i.updatedAt);
  return (
    <li className={styles.item} data-testid="recent-investigation">
      <div className={styles.itemHead}>
        <Link href={`/i/${i.slug}`} className={styles.itemTitle}>
          {i.title}
        </Link>
        <span className={`${listStyles.status} ${i.status === "open" ? listStyles.open : listStyles.resolved}`}>{i.status}</span>
      </div>
      <div className={styles.itemMeta}>
        {i.tags.length > 0 ? (
          <span className={styles.tags}>
            {i.tags.map((t) => (
              <span key={t} className={listStyles.tag}>
                {t}
              </span>
            ))}
          </span>
        ) : null}
        <span>by {i.owner}</span>
        <time dateTime={i.updatedAt} title={formatUtc(updatedMs)}>
          updated {formatAgo(updatedMs, nowMs)}
        </time>
      </div>
    </li>
  );
}

export function RecentInvestigations({ requestTimeMs }: { requestTimeMs: number }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.investigations.list.queryOptions(recentInvestigationsInput));
  const nowMs = useNow(requestTimeMs);
  const recent = list.data?.slice(0, RECENT_INVESTIGATIONS_SHOWN);
  return (
    <section className="panel" aria-labelledby="recent-investigations-title" data-testid="recent-investigations">
      <div className={styles.head}>
        <h2 id="recent-investigations-title">Recent investigations</h2>
        <Link href="/investigations">All investigations →</Link>
      </div>
      {list.error ? <div className="error-box">Cannot read the investigations: {list.error.message}</div> : null}
      {recent ? (
        recent.length === 0 ? (
          <p className="muted" data-testid="recent-investigations-empty">
            No investigations yet. Save a view from <Link href="/explore">Explore</Link>, <Link href="/rejected">Rejected</Link> or{" "}
            <Link href="/egress">Egress</Link>: in Explore (every Rejected and Egress panel opens there) click &ldquo;Save to
            investigation&rdquo;. Its <code>/i/…</code> link opens exactly what was saved.
          </p>
        ) : (
          <ul className={styles.list}>
            {recent.map((i) => (
              <RecentInvestigationItem key={i.slug} investigation={i} nowMs={nowMs} />
            ))}
          </ul>
        )
      ) : list.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}
