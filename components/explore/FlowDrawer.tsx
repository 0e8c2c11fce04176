"use client";
/** One flow in full: every field decoded, both ends as the inventory knew them at the time, labels, the raw line, and "pin to investigation". */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import type { FlowRef } from "./view-state";
import { formatTime } from "./format";
import styles from "./explore.module.css";

const END_FIELDS: [string, string][] = [
  ["service", "service"],
  ["team", "team"],
  ["interfaceId", "interface"],
  ["interfaceType", "type"],
  ["description", "description"],
  ["accountName", "account"],
  ["accountId", "account id"],
  ["environment", "environment"],
  ["vpcName", "VPC"],
  ["vpcId", "VPC id"],
  ["subnetName", "subnet"],
  ["subnetId", "subnet id"],
  ["availabilityZone", "AZ"],
  ["availabilityZoneId", "AZ id"],
  ["region", "region"],
  ["instanceId", "instance"],
  ["rule", "named by rule"],
  ["services", "AWS services"],
  ["prefix", "AWS prefix"],
  ["name", "network"],
  ["category", "category"],
  ["cidr", "CIDR"],
  ["reason", "why unknown"],
];

function PinToInvestigation(props: { flow: FlowRef }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.investigations.list.queryOptions({ status: "open" }));
  const [slug, setSlug] = useState("");
  const [note, setNote] = useState("");
  const pin = useMutation(
    trpc.investigations.pin.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.investigations.pathKey() });
      },
    }),
  );
  const chosen = list.data?.find((i) => i.slug === slug) ?? list.data?.[0];
  if (list.data && list.data.length === 0) return <p className="muted">No open investigation to pin it to: save this view as one first.</p>;
  return (
    <form
      className={styles.addFilter}
      onSubmit={(e) => {
        e.preventDefault();
        if (!chosen) return;
        pin.mutate({ slug: chosen.slug, version: chosen.version, flow: { tsNs: props.flow.tsNs, labels: props.flow.labels, line: props.flow.line, note: note || undefined } });
      }}
    >
      <select aria-label="Investigation" value={chosen?.slug ?? ""} onChange={(e) => setSlug(e.target.value)}>
        {(list.data ?? []).map((i) => (
          <option key={i.slug} value={i.slug}>
            {i.title}
          </option>
        ))}
      </select>
      <input aria-label="Note" placeholder="why it matters (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" disabled={!chosen || pin.isPending}>
        Pin to investigation
      </button>
      {pin.error ? <p className="error-box">{pin.error.message}</p> : null}
      {pin.isSuccess && chosen ? (
        <p className="muted">
          Pinned to <Link href={`/i/${chosen.slug}`}>{chosen.title}</Link>.
        </p>
      ) : null}
    </form>
  );
}

export function FlowDrawer(props: { flow: FlowRef; onClose(): void }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.flows.detail.queryOptions({ tsNs: props.flow.tsNs, labels: props.flow.labels, line: props.flow.line }));
  const timeMs = Number(BigInt(props.flow.tsNs) / 1_000_000n);
  return (
    <aside className={styles.drawer} aria-label="Flow record" data-testid="flow-drawer">
      <div className={styles.drawerHead}>
        <h2>Flow record · {formatTime(timeMs)} UTC</h2>
        <button type="button" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </div>
      <div className={styles.drawerBody}>
        {detail.error ? <p className="error-box">{detail.error.message}</p> : null}
        {detail.data ? (
          <>
            <section>
              <h3>Ends</h3>
              <div className={styles.endsGrid}>
                {detail.data.ends.map((end) => (
                  <div key={end.role} className={styles.endCard} data-testid={`end-${end.role.replace(/\s+/g, "-")}`}>
                    <h4>{end.role}</h4>
                    <div className={styles.endTitle}>
                      {String(end.endpoint?.label ?? "-")}
                      {end.address ? <span className="muted mono"> {end.address}</span> : null}
                    </div>
                    <dl className={styles.kv}>
                      {END_FIELDS.filter(([key]) => end.endpoint?.[key] !== undefined && end.endpoint?.[key] !== null && end.endpoint?.[key] !== "").map(([key, label]) => (
                        <div key={key} style={{ display: "contents" }}>
                          <dt>{label}</dt>
                          <dd>{Array.isArray(end.endpoint?.[key]) ? (end.endpoint?.[key] as string[]).join(", ") : String(end.endpoint?.[key])}</dd>
                        </div>
                      ))}
                    </dl>
                  </div>
                ))}
              </div>
            </section>
            <section>
              <h3>Fields ({detail.data.format.split(" ").length})</h3>
              {detail.data.fields.length === 0 ? <p className="error-box">This line is not a record of its flow log&apos;s format ({detail.data.format}).</p> : null}
              <dl className={styles.kv}>
                {detail.data.fields.map((f) => (
                  <div key={f.name} style={{ display: "contents" }}>
                    <dt title={f.description}>{f.name}</dt>
                    <dd>
                      {f.value}
                      {f.meaning ? <span className={styles.meaning}>{f.meaning}</span> : null}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
            <section>
              <h3>Stream labels</h3>
              <dl className={styles.kv}>
                {Object.entries(props.flow.labels).map(([k, v]) => (
                  <div key={k} style={{ display: "contents" }}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
                <dt>timestamp (ns)</dt>
                <dd>{props.flow.tsNs}</dd>
              </dl>
            </section>
            <section>
              <h3>Raw line</h3>
              <pre className={styles.raw} data-testid="raw-line">
                {props.flow.line}
              </pre>
            </section>
            <section>
              <h3>Pin to an investigation</h3>
              <PinToInvestigation flow={props.flow} />
            </section>
          </>
        ) : (
          <p className={styles.loading}>Reading the flow…</p>
        )}
      </div>
    </aside>
  );
}
