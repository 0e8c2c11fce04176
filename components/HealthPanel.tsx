"use client";
/** PostgreSQL and log-backend status with latencies, refreshed every 15 seconds. */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc/client";
import styles from "./HealthPanel.module.css";

function Row(props: { name: string; ok: boolean; latencyMs: number; message: string; detail?: string }) {
  return (
    <div className={styles.row} data-testid={`health-${props.name.toLowerCase().replace(/\s+/g, "-")}`}>
      <span className={`badge ${props.ok ? "badge-ok" : "badge-bad"}`}>{props.ok ? "up" : "down"}</span>
      <div>
        <div className={styles.name}>{props.name}</div>
        <div className="muted">
          {props.message}
          {props.detail ? ` · ${props.detail}` : ""}
        </div>
      </div>
      <span className={styles.latency}>{props.latencyMs.toFixed(1)} ms</span>
    </div>
  );
}

export function HealthPanel() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.check.queryOptions(), refetchInterval: 15_000 });
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      {health.error ? <div className="error-box">Cannot read the portal&apos;s health: {health.error.message}</div> : null}
      {health.data ? (
        <>
          <Row name="PostgreSQL" ok={health.data.database.ok} latencyMs={health.data.database.latencyMs} message={health.data.database.message} />
          <Row
            name="Log backend"
            ok={health.data.logBackend.ok}
            latencyMs={health.data.logBackend.latencyMs}
            message={health.data.logBackend.kind === "embedded" ? "embedded store" : `Loki at ${health.data.logBackend.url}`}
            detail={health.data.logBackend.message}
          />
          <p className={styles.checked}>checked {new Date(health.data.checkedAt).toISOString().slice(11, 19)} UTC</p>
        </>
      ) : health.isPending ? (
        <p className="muted">Checking…</p>
      ) : null}
    </section>
  );
}
