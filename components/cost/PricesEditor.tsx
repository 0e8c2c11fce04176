"use client";
/**
 * The price table, editable: each region's figures with their source and date, a new region
 * copied from an existing one, a note, and the history of who changed what. The server validates
 * every change (rates, tiers, sources, dates); a refused change writes nothing and says why.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import styles from "./Cost.module.css";
import type { StoredPrice } from "./types";

interface Draft {
  region: string;
  item: string;
  tierStartGb: number;
  rate: string;
  source: string;
  asOf: string;
}

const keyOf = (r: { region: string; item: string; tierStartGb: number }) => `${r.region}/${r.item}/${r.tierStartGb}`;
const today = () => new Date().toISOString().slice(0, 10);

export function PricesEditor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prices = useQuery(trpc.cost.prices.queryOptions());
  const items = useQuery(trpc.cost.priceItems.queryOptions());
  const history = useQuery(trpc.cost.priceHistory.queryOptions({ limit: 100 }));
  const [drafts, setDrafts] = useState<Map<string, Draft>>(new Map());
  const [note, setNote] = useState("");
  const [newRegion, setNewRegion] = useState("");
  const [copyFrom, setCopyFrom] = useState("us-east-1");
  const change = useMutation(
    trpc.cost.changePrices.mutationOptions({
      onSuccess: async () => {
        setDrafts(new Map());
        setNote("");
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.cost.prices.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.cost.priceHistory.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.cost.report.queryKey() })]);
      },
    }),
  );

  const rows: (StoredPrice | Draft)[] = useMemo(() => {
    const stored = prices.data ?? [];
    const storedKeys = new Set(stored.map(keyOf));
    return [...stored, ...[...drafts.values()].filter((d) => !storedKeys.has(keyOf(d)))];
  }, [prices.data, drafts]);
  const regions = [...new Set(rows.map((r) => r.region))].sort((a, b) => (a === "global" ? -1 : b === "global" ? 1 : a.localeCompare(b)));
  const itemOrder = (items.data ?? []).map((i) => i.item);
  const labelOf = (item: string) => items.data?.find((i) => i.item === item);

  const valueOf = (row: StoredPrice | Draft): Draft => drafts.get(keyOf(row)) ?? { region: row.region, item: row.item, tierStartGb: row.tierStartGb, rate: String(row.rate), source: row.source, asOf: row.asOf };
  const edit = (row: StoredPrice | Draft, patch: Partial<Draft>) => {
    setDrafts((current) => {
      const next = new Map(current);
      next.set(keyOf(row), { ...valueOf(row), ...patch });
      return next;
    });
  };
  const changed = [...drafts.values()].filter((d) => {
    const stored = prices.data?.find((p) => keyOf(p) === keyOf(d));
    return !stored || String(stored.rate) !== d.rate || stored.source !== d.source || stored.asOf !== d.asOf;
  });
  const problems = (change.error?.data as { details?: { problems?: { row: number; message: string }[] } } | undefined)?.details?.problems ?? [];
  const problemsOf = (d: Draft) => problems.filter((p) => p.row >= 0 && changed[p.row] && keyOf(changed[p.row] as Draft) === keyOf(d)).map((p) => p.message);

  const addRegion = () => {
    const region = newRegion.trim();
    if (!region) return;
    setDrafts((current) => {
      const next = new Map(current);
      for (const r of rows.filter((x) => x.region === copyFrom)) next.set(keyOf({ ...r, region }), { region, item: r.item, tierStartGb: r.tierStartGb, rate: String(valueOf(r).rate), source: valueOf(r).source, asOf: today() });
      return next;
    });
    setNewRegion("");
  };
  const save = () =>
    change.mutate({
      upsert: changed.map((d) => ({ region: d.region, item: d.item as "nat_gateway_gb", tierStartGb: d.tierStartGb, rate: Number(d.rate), source: d.source, asOf: d.asOf })),
      remove: [],
      note,
    });

  return (
    <main className="page">
      <p>
        <Link href="/cost">← Cost review</Link>
      </p>
      <h1>Data-transfer prices</h1>
      <p className="page-lead">
        The figures reports multiply bytes and hours by, per region, each with where it comes from and as of when. Defaults are AWS list prices; check them against the
        linked pages and your agreements (private pricing, savings plans). A change applies to every report at once: rollups keep bytes, not dollars. Regions without their
        own figures are priced with us-east-1&apos;s, and reports say so.
      </p>
      {prices.error ? <div className="error-box">{prices.error.message}</div> : null}
      {regions.map((region) => (
        <section key={region} className={`panel ${styles.priceRegion}`} data-testid={`prices-${region}`}>
          <h2>{region === "global" ? "All regions together" : region}</h2>
          <table className={`${styles.table} ${styles.priceTable}`}>
            <thead>
              <tr>
                <th>Item</th>
                <th className={styles.num}>From</th>
                <th className={styles.num}>Rate</th>
                <th>Unit</th>
                <th>Source</th>
                <th>As of</th>
                <th>Last change</th>
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((r) => r.region === region)
                .sort((a, b) => itemOrder.indexOf(a.item) - itemOrder.indexOf(b.item) || a.tierStartGb - b.tierStartGb)
                .map((row) => {
                  const v = valueOf(row);
                  const isChanged = changed.some((d) => keyOf(d) === keyOf(row));
                  const spec = labelOf(row.item);
                  const rowProblems = problemsOf(v);
                  return (
                    <tr key={keyOf(row)} className={isChanged ? styles.changed : undefined} data-item={row.item} data-tier={row.tierStartGb}>
                      <td>{spec?.label ?? row.item}</td>
                      <td className={styles.num}>{spec?.tiered ? `${row.tierStartGb.toLocaleString("en-US")} GB` : ""}</td>
                      <td className={styles.num}>
                        <input type="number" step="any" min="0" aria-label={`${region} ${row.item}${spec?.tiered ? ` from ${row.tierStartGb} GB` : ""} rate`} value={v.rate} onChange={(e) => edit(row, { rate: e.target.value })} />
                      </td>
                      <td className="muted">{row.item === "internet_free_gb" ? "GB / month" : `$ / ${spec?.unit ?? "unit"}`}</td>
                      <td>
                        <input className={styles.source} aria-label={`${region} ${row.item} source`} value={v.source} onChange={(e) => edit(row, { source: e.target.value })} />
                        {rowProblems.map((p) => (
                          <div key={p} className={styles.problem}>
                            {p}
                          </div>
                        ))}
                      </td>
                      <td>
                        <input type="date" aria-label={`${region} ${row.item} as of`} value={v.asOf} onChange={(e) => edit(row, { asOf: e.target.value })} />
                      </td>
                      <td className="muted">{"updatedBy" in row ? (row.updatedBy === "flowlens" ? "default" : `${row.updatedBy}, ${row.updatedAt.slice(0, 10)}`) : "new"}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </section>
      ))}
      <section className="panel" style={{ marginBottom: 16 }}>
        <h2>Save</h2>
        <div className={styles.actions}>
          <input aria-label="Note" placeholder="What changed and why (kept in the history)" value={note} onChange={(e) => setNote(e.target.value)} style={{ minWidth: 360 }} />
          <button type="button" className="primary" disabled={changed.length === 0 || change.isPending} onClick={save}>
            Save {changed.length} change{changed.length === 1 ? "" : "s"}
          </button>
          <button type="button" disabled={drafts.size === 0} onClick={() => setDrafts(new Map())}>
            Discard
          </button>
          {change.data ? <span data-testid="prices-saved">Saved {change.data.changed} figure{change.data.changed === 1 ? "" : "s"}.</span> : null}
        </div>
        {change.error ? (
          <div className="error-box" data-testid="prices-error" style={{ marginTop: 10 }}>
            {change.error.message}
          </div>
        ) : null}
        <div className={styles.actions} style={{ marginTop: 12 }}>
          <input aria-label="New region" placeholder="region code, e.g. eu-central-1" value={newRegion} onChange={(e) => setNewRegion(e.target.value)} />
          <label>
            starting from
            <select aria-label="Copy figures from" value={copyFrom} onChange={(e) => setCopyFrom(e.target.value)}>
              {regions
                .filter((r) => r !== "global")
                .map((r) => (
                  <option key={r}>{r}</option>
                ))}
            </select>
          </label>
          <button type="button" onClick={addRegion} disabled={newRegion.trim() === ""}>
            Add a region
          </button>
        </div>
      </section>
      <section className="panel" data-testid="price-history">
        <h2>History</h2>
        {history.data && history.data.length === 0 ? <p className="muted">No change since the defaults were installed.</p> : null}
        {history.data && history.data.length > 0 ? (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Who</th>
                <th>Figure</th>
                <th className={styles.num}>Before</th>
                <th className={styles.num}>After</th>
                <th>Source</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((h) => (
                <tr key={h.id}>
                  <td>{h.changedAt.replace("T", " ").slice(0, 16)}</td>
                  <td>{h.changedBy}</td>
                  <td>
                    {h.region} {labelOf(h.item)?.label ?? h.item}
                    {h.tierStartGb > 0 ? ` from ${h.tierStartGb.toLocaleString("en-US")} GB` : ""}
                  </td>
                  <td className={styles.num}>{h.oldRate ?? "—"}</td>
                  <td className={styles.num}>{h.newRate ?? "removed"}</td>
                  <td className="muted">{h.newSource !== h.oldSource ? h.newSource : ""}</td>
                  <td>{h.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </main>
  );
}
