"use client";
/** One panel of a view: title, "open in Explore" with its query, loading and error states, the LogQL it ran. */
import Link from "next/link";
import type { ReactNode } from "react";
import styles from "@/components/explore/explore.module.css";

export function ViewPanel(props: {
  title: string;
  subtitle?: string;
  explore?: string;
  queries?: string[];
  loading: boolean;
  error?: { message: string } | null;
  wide?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <section className={`panel ${props.wide ? styles.wide : ""}`} data-testid={props.testId} aria-busy={props.loading}>
      <div className={styles.panelHead}>
        <h2>{props.title}</h2>
        {props.explore ? (
          <Link href={props.explore} title="Open this panel's query in Explore">
            Open in Explore →
          </Link>
        ) : null}
      </div>
      {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      {props.error ? <p className="error-box">{props.error.message}</p> : null}
      {props.loading ? <p className={styles.loading}>Querying Loki…</p> : props.error ? null : props.children}
      {props.queries && props.queries.length > 0 ? (
        <details className={styles.queryDetails}>
          <summary>LogQL ({props.queries.length === 1 ? "1 query" : `${props.queries.length} queries`})</summary>
          <pre className={styles.logql}>{props.queries.join("\n\n")}</pre>
        </details>
      ) : null}
    </section>
  );
}
