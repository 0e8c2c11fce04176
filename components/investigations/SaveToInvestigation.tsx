"use client";
/**
 * "Save to investigation": the current view becomes a panel (its queries over the absolute time
 * range, a snapshot taken now) of a new investigation or of an open one. Gives the share link.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { PanelView } from "@/server/investigations/snapshot";
import { formatTime } from "@/components/explore/format";
import styles from "@/components/explore/explore.module.css";

export interface PanelDraft {
  title: string;
  query: string;
  fromMs: number;
  toMs: number;
  view: PanelView;
}

export function SaveToInvestigation(props: { panel: PanelDraft | null; why?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<"new" | string>("new");
  const [title, setTitle] = useState("");
  const [notes, setNotes] = useState("");
  const [tags, setTags] = useState("");
  const [panelTitle, setPanelTitle] = useState("");
  const list = useQuery({ ...trpc.investigations.list.queryOptions({ status: "open" }), enabled: open });
  const done = async () => queryClient.invalidateQueries({ queryKey: trpc.investigations.pathKey() });
  const create = useMutation(trpc.investigations.create.mutationOptions({ onSuccess: done }));
  const add = useMutation(trpc.investigations.addPanel.mutationOptions({ onSuccess: done }));
  const saved = create.data ?? add.data;
  const error = create.error ?? add.error;
  const pending = create.isPending || add.isPending;
  const panel = props.panel;
  const submit = () => {
    if (!panel) return;
    const draft = { ...panel, title: panelTitle.trim() || panel.title };
    if (target === "new") {
      create.mutate({
        title,
        notes,
        tags: tags
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
        panels: [draft],
      });
    } else {
      const existing = list.data?.find((i) => i.slug === target);
      if (existing) add.mutate({ slug: existing.slug, version: existing.version, panel: draft });
    }
  };
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={!panel}
        title={panel ? "Keep this view, with a snapshot of its results, in an investigation" : props.why}
        onClick={() => {
          setOpen(true);
          create.reset();
          add.reset();
          setPanelTitle(panel?.title ?? "");
        }}
      >
        Save to investigation
      </button>
      {open && panel ? (
        <div className={styles.dialogBackdrop} onClick={() => setOpen(false)}>
          <form
            className={styles.dialog}
            role="dialog"
            aria-label="Save to investigation"
            onClick={(e) => e.stopPropagation()}
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <h2>Save to investigation</h2>
            <p className="muted">
              The panel keeps its query and the absolute range {formatTime(panel.fromMs)} → {formatTime(panel.toMs)} UTC, with a snapshot of the results taken now.
            </p>
            {saved ? (
              <>
                <p>
                  Saved. Share link:{" "}
                  <Link href={`/i/${saved.slug}`} data-testid="share-link">
                    /i/{saved.slug}
                  </Link>
                </p>
                <div className={styles.dialogActions}>
                  <button type="button" onClick={() => setOpen(false)}>
                    Close
                  </button>
                </div>
              </>
            ) : (
              <>
                <label>
                  Investigation
                  <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Investigation">
                    <option value="new">A new investigation</option>
                    {(list.data ?? []).map((i) => (
                      <option key={i.slug} value={i.slug}>
                        {i.title}
                      </option>
                    ))}
                  </select>
                </label>
                {target === "new" ? (
                  <>
                    <label>
                      Title
                      <input value={title} onChange={(e) => setTitle(e.target.value)} required placeholder="payments-api cannot reach ledger" aria-label="Title" />
                    </label>
                    <label>
                      Notes (Markdown)
                      <textarea value={notes} onChange={(e) => setNotes(e.target.value)} aria-label="Notes" />
                    </label>
                    <label>
                      Tags (comma separated)
                      <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="incident, payments" aria-label="Tags" />
                    </label>
                  </>
                ) : null}
                <label>
                  Panel title
                  <input value={panelTitle} onChange={(e) => setPanelTitle(e.target.value)} aria-label="Panel title" />
                </label>
                {error ? <p className="error-box">{error.message}</p> : null}
                <div className={styles.dialogActions}>
                  <button type="button" onClick={() => setOpen(false)}>
                    Cancel
                  </button>
                  <button type="submit" className="primary" disabled={pending}>
                    {pending ? "Saving (taking the snapshot)…" : "Save"}
                  </button>
                </div>
              </>
            )}
          </form>
        </div>
      ) : null}
    </>
  );
}
