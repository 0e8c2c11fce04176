"use client";
/**
 * Importing inventory files from the browser: choose or drop files, preview (a dry run: what would
 * change, or every problem with its file, line and field), then apply. Nothing is written until
 * "Apply"; a file with any problem writes nothing.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import styles from "./Inventory.module.css";

interface ChosenFile {
  name: string;
  text: string;
  size: number;
}

type ImportReport = {
  ok: boolean;
  applied: boolean;
  dryRun: boolean;
  observedAt: string;
  stamp: number | null;
  problems: { file: string; location: string; line?: number; field?: string; message: string }[];
  files: { file: string; format: string; kind: string; records: number; created: number; updated: number; unchanged: number; deleted: number; samples: { created: string[]; updated: string[]; deleted: string[] }; notes: string[] }[];
};

function Report({ report }: { report: ImportReport }) {
  if (report.problems.length > 0) {
    return (
      <div className="error-box" data-testid="import-problems">
        <strong>
          {report.problems.length} problem{report.problems.length === 1 ? "" : "s"}: nothing {report.dryRun ? "would be" : "was"} written.
        </strong>
        <ul className={styles.problems}>
          {report.problems.map((p, index) => (
            <li key={index}>
              <code>{p.file}</code>
              {p.line !== undefined ? ` line ${p.line}` : ""} · <code>{p.location}</code>
              {p.field ? ` (${p.field})` : ""}: {p.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div data-testid={report.dryRun ? "import-preview" : "import-result"}>
      <p className={styles.ok}>
        {report.dryRun ? "Preview (dry run): this is what importing would change. Nothing is written yet." : `Imported. Inventory version ${report.stamp}.`}
      </p>
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <thead>
            <tr><th>File</th><th>Format</th><th>Records</th><th>New</th><th>Changed</th><th>Deleted / removed</th><th>Unchanged</th><th>Details</th></tr>
          </thead>
          <tbody>
            {report.files.map((f) => (
              <tr key={f.file}>
                <td className={styles.mono}>{f.file}</td>
                <td>{f.format}</td>
                <td>{f.records}</td>
                <td>{f.created}</td>
                <td>{f.updated}</td>
                <td>{f.deleted}</td>
                <td>{f.unchanged}</td>
                <td className={styles.small}>
                  {f.notes.map((n) => <div key={n}>{n}</div>)}
                  {f.samples.created.length > 0 ? <div>new: {f.samples.created.join(", ")}{f.created > f.samples.created.length ? ", …" : ""}</div> : null}
                  {f.samples.updated.length > 0 ? <div>changed: {f.samples.updated.join(", ")}{f.updated > f.samples.updated.length ? ", …" : ""}</div> : null}
                  {f.samples.deleted.length > 0 ? <div>deleted: {f.samples.deleted.join(", ")}{f.deleted > f.samples.deleted.length ? ", …" : ""}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function ImportForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [observedAt, setObservedAt] = useState("");
  const [region, setRegion] = useState("");
  const [over, setOver] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const preview = useMutation(trpc.inventory.importPreview.mutationOptions({ onSuccess: (data) => setReport(data) }));
  const apply = useMutation(
    trpc.inventory.importApply.mutationOptions({
      onSuccess: async (data) => {
        setReport(data);
        if (data.applied) await queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
      },
    }),
  );

  const choose = async (list: FileList | null) => {
    if (!list) return;
    const read = await Promise.all([...list].map(async (file) => ({ name: file.name, text: await file.text(), size: file.size })));
    setFiles((previous) => {
      // The AWS CLI's files of different accounts often share a name: keep each (numbered), skip exact repeats.
      const next = [...previous];
      for (const file of read) {
        if (next.some((f) => f.text === file.text)) continue;
        let name = file.name;
        for (let n = 2; next.some((f) => f.name === name); n++) name = `${file.name} (${n})`;
        next.push({ ...file, name });
      }
      return next;
    });
    setReport(null);
  };
  const input = () => ({
    files: files.map(({ name, text }) => ({ name, text })),
    observedAt: observedAt ? new Date(observedAt).toISOString() : undefined,
    region: region.trim() || undefined,
  });
  const busy = preview.isPending || apply.isPending;
  const error = preview.error ?? apply.error;
  const previewed = report !== null && report.dryRun && report.ok;

  return (
    <>
      <div
        className={`${styles.dropzone} ${over ? styles.over : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          void choose(event.dataTransfer.files);
        }}
      >
        <p>
          Drop files here or{" "}
          <label className="button">
            choose files
            <input type="file" multiple accept=".json,.csv,.txt,application/json,text/csv" hidden data-testid="import-files" onChange={(event) => void choose(event.target.files)} />
          </label>
        </p>
        <p className="muted">
          aws ec2 describe-network-interfaces / describe-vpcs / describe-subnets / describe-flow-logs JSON, aws organizations list-accounts JSON, AWS ip-ranges.json,
          CSV (cidr,name,category · account_id,name,environment,team · service,team,description). The format is recognised from the content.
        </p>
        {files.length > 0 ? (
          <ul className={styles.fileList}>
            {files.map((f) => (
              <li key={f.name}>
                {f.name} ({Math.ceil(f.size / 1024)} KB){" "}
                <button type="button" onClick={() => { setFiles(files.filter((x) => x.name !== f.name)); setReport(null); }}>remove</button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className={styles.actions}>
        <label>
          Taken from AWS at <input type="datetime-local" value={observedAt} onChange={(e) => { setObservedAt(e.target.value); setReport(null); }} />
        </label>
        <label>
          Region of describe-vpcs files <input placeholder="e.g. eu-west-3" value={region} onChange={(e) => { setRegion(e.target.value); setReport(null); }} size={12} />
        </label>
      </div>
      <div className={styles.actions}>
        <button type="button" disabled={files.length === 0 || busy} onClick={() => preview.mutate(input())}>
          {preview.isPending ? "Checking…" : "Preview (dry run)"}
        </button>
        <button type="button" className="primary" disabled={!previewed || busy} onClick={() => apply.mutate(input())} title={previewed ? undefined : "Preview first"}>
          {apply.isPending ? "Importing…" : "Apply"}
        </button>
        {files.length > 0 && !previewed ? <span className="muted">Preview first, then apply.</span> : null}
      </div>
      {error ? <div className="error-box">{error.message}</div> : null}
      {report ? <Report report={report} /> : null}
    </>
  );
}
