"use client";
/** A Loki ruler rule group from a metric panel: a recording rule, and an alerting rule with a threshold and `for`, as YAML to apply. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import styles from "./investigations.module.css";

export function RulesExport(props: { slug: string; panelId: string; panelTitle: string }) {
  const trpc = useTRPC();
  const [record, setRecord] = useState("");
  const [alertName, setAlertName] = useState(props.panelTitle.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")).replace(/^[^a-zA-Z_]+/, "") || "FlowlensAlert");
  const [operator, setOperator] = useState<">" | ">=" | "<" | "<=" | "==" | "!=">(">");
  const [threshold, setThreshold] = useState("100");
  const [forDuration, setFor] = useState("10m");
  const [interval, setInterval] = useState("1m");
  const link = typeof window === "undefined" ? undefined : `${window.location.origin}/i/${props.slug}`;
  const rules = useQuery(
    trpc.investigations.rules.queryOptions({
      slug: props.slug,
      panelId: props.panelId,
      record: record || undefined,
      interval,
      link,
      alert: Number.isFinite(Number(threshold)) && threshold !== "" ? { name: alertName, operator, threshold: Number(threshold), for: forDuration } : undefined,
    }),
  );
  const download = () => {
    if (!rules.data) return;
    const url = URL.createObjectURL(new Blob([rules.data.yaml], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `flowlens-${props.slug}-rules.yaml`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className={styles.rules} data-testid="rules-export">
      <div className={styles.rulesForm}>
        <label>
          Recorded series
          <input value={record} placeholder={rules.data?.record ?? "flowlens:…"} onChange={(e) => setRecord(e.target.value)} />
        </label>
        <label>
          Evaluation interval
          <input value={interval} onChange={(e) => setInterval(e.target.value)} />
        </label>
        <label>
          Alert name
          <input value={alertName} onChange={(e) => setAlertName(e.target.value)} />
        </label>
        <label>
          Fires when the value is
          <select value={operator} onChange={(e) => setOperator(e.target.value as typeof operator)}>
            {[">", ">=", "<", "<=", "==", "!="].map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Threshold
          <input value={threshold} onChange={(e) => setThreshold(e.target.value)} inputMode="decimal" />
        </label>
        <label>
          For
          <input value={forDuration} onChange={(e) => setFor(e.target.value)} />
        </label>
      </div>
      {rules.error ? <p className="error-box">{rules.error.message}</p> : null}
      <textarea readOnly value={rules.data?.yaml ?? ""} aria-label="Rule group YAML" />
      <div>
        <button type="button" onClick={download} disabled={!rules.data}>
          Download YAML
        </button>{" "}
        <span className="muted">Load it with lokitool (or cortextool) rules load, or put it in the ruler&apos;s rule directory for your tenant.</span>
      </div>
    </div>
  );
}
