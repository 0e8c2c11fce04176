"use client";
/**
 * The share link /i/<slug>: exactly what was saved — notes, panels with their absolute time ranges
 * shown from their snapshots, pinned flow records — with edits (each one recorded in the history,
 * refused if someone else changed the investigation meanwhile), duplicate and archive.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FlowTable } from "@/components/explore/FlowTable";
import { formatTime } from "@/components/explore/format";
import { useMounted } from "@/components/explore/use-mounted";
import { useTRPC } from "@/components/trpc/client";
import { Markdown } from "./Markdown";
import { PanelCard } from "./PanelCard";
import styles from "./investigations.module.css";

function describeChange(action: string, changes: Record<string, unknown>): string {
  const fields = Object.keys(changes);
  if (action === "updated" && fields.length > 0) {
    return `changed ${fields
      .map((f) => {
        const change = changes[f] as { from?: unknown; to?: unknown } | undefined;
        if (f === "notes") return "the notes";
        return `${f} from ${JSON.stringify(change?.from)} to ${JSON.stringify(change?.to)}`;
      })
      .join(", ")}`;
  }
  if (action === "panel added" || action === "panel removed") return `${action}: ${String(changes.title ?? "")}`;
  if (action === "snapshot refreshed") return `refreshed the snapshot of ${String(changes.panel ?? "a panel")}`;
  if (action === "duplicated") return `created as a copy of /i/${String(changes.from ?? "")}`;
  return action;
}

export function InvestigationView(props: { slug: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const mounted = useMounted();
  const key = trpc.investigations.get.queryOptions({ slug: props.slug });
  const investigation = useQuery(key);
  const settings = useQuery(trpc.flows.settings.queryOptions());
  const [editing, setEditing] = useState<null | { title: string; notes: string; tags: string }>(null);
  const onSaved = {
    onSuccess: (data: NonNullable<typeof investigation.data>) => {
      queryClient.setQueryData(key.queryKey, data);
      void queryClient.invalidateQueries({ queryKey: trpc.investigations.list.pathKey() });
    },
  };
  const update = useMutation(trpc.investigations.update.mutationOptions(onSaved));
  const archive = useMutation(trpc.investigations.archive.mutationOptions(onSaved));
  const refresh = useMutation(trpc.investigations.refreshPanel.mutationOptions({ ...onSaved, onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.investigations.panel.pathKey() }) }));
  const remove = useMutation(trpc.investigations.removePanel.mutationOptions(onSaved));
  const unpin = useMutation(trpc.investigations.unpin.mutationOptions(onSaved));
  const duplicate = useMutation(trpc.investigations.duplicate.mutationOptions({ onSuccess: (copy) => router.push(`/i/${copy.slug}`) }));
  const error = update.error ?? archive.error ?? refresh.error ?? remove.error ?? unpin.error ?? duplicate.error;
  const busy = update.isPending || archive.isPending || refresh.isPending || remove.isPending || unpin.isPending;

  if (!mounted || investigation.isPending) return <main className="page">Loading…</main>;
  if (investigation.error) {
    return (
      <main className="page">
        <h1>Investigation</h1>
        <p className="error-box">{investigation.error.message}</p>
        <Link href="/investigations">All investigations</Link>
      </main>
    );
  }
  const inv = investigation.data;
  const grafana = settings.data?.grafanaUrl ? { url: settings.data.grafanaUrl, datasource: settings.data.grafanaDatasource } : null;
  return (
    <main className="page">
      <div className={styles.header}>
        <h1 data-testid="investigation-title">{inv.title}</h1>
        <div className={styles.actions}>
          <button
            type="button"
            disabled={busy}
            onClick={() => update.mutate({ slug: inv.slug, version: inv.version, status: inv.status === "open" ? "resolved" : "open" })}
          >
            {inv.status === "open" ? "Mark resolved" : "Reopen"}
          </button>
          <button type="button" onClick={() => setEditing({ title: inv.title, notes: inv.notes, tags: inv.tags.join(", ") })}>
            Edit
          </button>
          <button type="button" onClick={() => duplicate.mutate({ slug: inv.slug })} disabled={duplicate.isPending}>
            Duplicate
          </button>
          <button type="button" disabled={busy} onClick={() => archive.mutate({ slug: inv.slug, version: inv.version, archived: !inv.archived })}>
            {inv.archived ? "Unarchive" : "Archive"}
          </button>
        </div>
      </div>
      <div className={styles.meta}>
        <span className={`${styles.status} ${inv.archived ? styles.archived : inv.status === "open" ? styles.open : styles.resolved}`} data-testid="investigation-status">
          {inv.archived ? "archived" : inv.status}
        </span>
        {inv.tags.map((t) => (
          <span key={t} className={styles.tag}>
            {t}
          </span>
        ))}
        <span>owner {inv.owner}</span>
        <span>created {formatTime(Date.parse(inv.createdAt))} UTC</span>
        <span>version {inv.version}</span>
        <span>
          link <code>/i/{inv.slug}</code>
        </span>
      </div>
      {error ? (
        <p className="error-box">
          {error.message}{" "}
          {error.data?.code === "CONFLICT" ? (
            <button type="button" onClick={() => void investigation.refetch()}>
              Reload
            </button>
          ) : null}
        </p>
      ) : null}
      <div className={styles.layout}>
        <div className={styles.side} style={{ gap: 16 }}>
          <section className="panel">
            {editing ? (
              <form
                className={styles.editor}
                onSubmit={(e) => {
                  e.preventDefault();
                  update.mutate(
                    {
                      slug: inv.slug,
                      version: inv.version,
                      title: editing.title,
                      notes: editing.notes,
                      tags: editing.tags
                        .split(",")
                        .map((t) => t.trim())
                        .filter(Boolean),
                    },
                    { onSuccess: () => setEditing(null) },
                  );
                }}
              >
                <label>
                  Title <input value={editing.title} onChange={(e) => setEditing({ ...editing, title: e.target.value })} aria-label="Title" />
                </label>
                <label>
                  Notes (Markdown) <textarea value={editing.notes} onChange={(e) => setEditing({ ...editing, notes: e.target.value })} aria-label="Notes" />
                </label>
                <label>
                  Tags <input value={editing.tags} onChange={(e) => setEditing({ ...editing, tags: e.target.value })} aria-label="Tags" />
                </label>
                <div className={styles.actions}>
                  <button type="submit" className="primary" disabled={busy}>
                    Save
                  </button>
                  <button type="button" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                </div>
              </form>
            ) : inv.notes.trim() ? (
              <Markdown text={inv.notes} />
            ) : (
              <p className="muted">No notes yet.</p>
            )}
          </section>
          {inv.panels.map((panel) => (
            <PanelCard
              key={panel.id}
              slug={inv.slug}
              panel={panel}
              grafana={grafana}
              busy={busy}
              onRefresh={() => refresh.mutate({ slug: inv.slug, version: inv.version, panelId: panel.id })}
              onRemove={() => remove.mutate({ slug: inv.slug, version: inv.version, panelId: panel.id })}
            />
          ))}
          <section className="panel" data-testid="pinned-flows">
            <h2>Pinned flow records ({inv.pinned.length})</h2>
            {inv.pinned.length === 0 ? (
              <p className="muted">Pin flows from Explore&apos;s detail drawer to keep them here.</p>
            ) : (
              <>
                <FlowTable rows={inv.pinned.map((p) => p.row)} height={Math.min(360, 46 * inv.pinned.length + 8)} />
                <ul className={styles.history}>
                  {inv.pinned.map((p) => (
                    <li key={p.id}>
                      {formatTime(p.row.timeMs)} · {p.row.src.label} → {p.row.dst.label}
                      {p.note ? ` — ${p.note}` : ""} <span className="muted">(pinned by {p.pinnedBy})</span>{" "}
                      <button type="button" disabled={busy} onClick={() => unpin.mutate({ slug: inv.slug, version: inv.version, pinnedFlowId: p.id })}>
                        Unpin
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        </div>
        <aside className={styles.side}>
          <section className="panel">
            <h2>History</h2>
            <ul className={styles.history} data-testid="history">
              {inv.events.map((e) => (
                <li key={e.id}>
                  <div>
                    <strong>{e.actor}</strong> {describeChange(e.action, e.changes)}
                  </div>
                  <div className={styles.when}>{formatTime(Date.parse(e.at))} UTC</div>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
    </main>
  );
}
