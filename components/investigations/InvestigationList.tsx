"use client";
/** The investigations, newest change first, with search and filters (status, tag, owner, archived) kept in the URL. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { investigationListParsers, listInput } from "./list-state";
import { formatTime } from "@/components/explore/format";
import { useMounted } from "@/components/explore/use-mounted";
import { useTRPC } from "@/components/trpc/client";
import styles from "./investigations.module.css";

export function InvestigationList() {
  const trpc = useTRPC();
  const [state, setState] = useQueryStates(investigationListParsers);
  const list = useQuery(trpc.investigations.list.queryOptions(listInput(state)));
  const facets = useQuery(trpc.investigations.facets.queryOptions());
  const mounted = useMounted();
  return (
    <main className="page">
      <h1>Investigations</h1>
      <p className="page-lead">
        Saved evidence: notes, panels with their own time ranges and stored snapshots, pinned flow records. Each has a link (<code>/i/…</code>) that opens exactly what was saved.
        Start one from Explore with &ldquo;Save to investigation&rdquo;.
      </p>
      <div className={styles.filters}>
        <input type="search" aria-label="Search investigations" placeholder="search title, notes, tags" value={state.q} onChange={(e) => void setState({ q: e.target.value })} />
        <select aria-label="Status" value={state.status ?? ""} onChange={(e) => void setState({ status: (e.target.value || null) as "open" | "resolved" | null })}>
          <option value="">any status</option>
          <option value="open">open</option>
          <option value="resolved">resolved</option>
        </select>
        <select aria-label="Tag" value={state.tag} onChange={(e) => void setState({ tag: e.target.value })}>
          <option value="">any tag</option>
          {(facets.data?.tags ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Owner" value={state.owner} onChange={(e) => void setState({ owner: e.target.value })}>
          <option value="">any owner</option>
          {(facets.data?.owners ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <label className="muted">
          <input type="checkbox" checked={state.archived} onChange={(e) => void setState({ archived: e.target.checked })} /> archived
        </label>
      </div>
      {!mounted || list.isPending ? <p className="muted">Loading…</p> : null}
      {list.error ? <p className="error-box">{list.error.message}</p> : null}
      {mounted && list.data ? (
        list.data.length === 0 ? (
          <p className="muted">No investigation matches.</p>
        ) : (
          <section className="panel">
            <table className={styles.list} data-testid="investigation-list">
              <thead>
                <tr>
                  <th>Title</th>
                  <th>Status</th>
                  <th>Tags</th>
                  <th>Owner</th>
                  <th>Panels</th>
                  <th>Pinned</th>
                  <th>Changed (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((i) => (
                  <tr key={i.slug}>
                    <td>
                      <Link href={`/i/${i.slug}`}>{i.title}</Link>
                    </td>
                    <td>
                      <span className={`${styles.status} ${i.archived ? styles.archived : i.status === "open" ? styles.open : styles.resolved}`}>{i.archived ? "archived" : i.status}</span>
                    </td>
                    <td>
                      {i.tags.map((t) => (
                        <span key={t} className={styles.tag}>
                          {t}
                        </span>
                      ))}
                    </td>
                    <td>{i.owner}</td>
                    <td>{i.panelCount}</td>
                    <td>{i.pinnedCount}</td>
                    <td className="mono">{formatTime(Date.parse(i.updatedAt))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )
      ) : null}
    </main>
  );
}
