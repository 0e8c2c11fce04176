"use client";
/**
 * The flow table: one row per flow record, both ends named, virtualised (only the rows on screen
 * are in the DOM, so tens of thousands of rows scroll smoothly). Hover a value and click + or − to
 * keep or leave out flows with it; click a row for the detail drawer. Props only.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { type ReactNode, useRef } from "react";
import type { FilterField } from "@/server/explore/filter";
import type { FlowEndView, FlowRow } from "@/server/explore/rows";
import { formatBytes, formatCount, formatTime } from "./format";
import styles from "./explore.module.css";

export type FilterAction = (field: FilterField, value: string, exclude: boolean) => void;

const ROW_HEIGHT = 46;

function Value(props: { field: FilterField; value: string | null | undefined; onFilter?: FilterAction; children?: ReactNode; className?: string }) {
  if (props.value === null || props.value === undefined || props.value === "" || props.value === "-") return <span className={props.className}>{props.children ?? "-"}</span>;
  const value = props.value;
  return (
    <span className={`${styles.value} ${props.className ?? ""}`}>
      <span className={styles.valueText}>{props.children ?? value}</span>
      {props.onFilter ? (
        <span className={styles.valueActions}>
          <button
            type="button"
            title={`Keep only flows with ${value}`}
            aria-label={`Keep ${value}`}
            onClick={(e) => {
              e.stopPropagation();
              props.onFilter?.(props.field, value, false);
            }}
          >
            +
          </button>
          <button
            type="button"
            title={`Leave out flows with ${value}`}
            aria-label={`Leave out ${value}`}
            onClick={(e) => {
              e.stopPropagation();
              props.onFilter?.(props.field, value, true);
            }}
          >
            −
          </button>
        </span>
      ) : null}
    </span>
  );
}

function End(props: { end: FlowEndView; side: "src" | "dst"; onFilter?: FilterAction }) {
  const { end, side } = props;
  const serviceField: FilterField = side === "src" ? "srcService" : "dstService";
  const addressField: FilterField = side === "src" ? "src" : "dst";
  const portField: FilterField = side === "src" ? "srcPort" : "dstPort";
  const named = end.kind === "interface" && end.service;
  return (
    <div className={styles.end}>
      <div className={styles.endName}>
        {named ? (
          <Value field={serviceField} value={end.service} onFilter={props.onFilter}>
            {end.service}
          </Value>
        ) : (
          <span className={styles[`kind_${end.kind}`] ?? undefined}>{end.label}</span>
        )}
        {end.team ? <span className={styles.team}>{end.team}</span> : null}
      </div>
      <div className={styles.endAddress}>
        <Value field={addressField} value={end.address} onFilter={props.onFilter} />
        {end.port !== null ? (
          <>
            <span className="muted">:</span>
            <Value field={portField} value={String(end.port)} onFilter={props.onFilter}>
              {end.port}
              {end.portName ? <span className="muted"> {end.portName}</span> : null}
            </Value>
          </>
        ) : null}
      </div>
    </div>
  );
}

export function FlowTable(props: {
  rows: FlowRow[];
  onFilter?: FilterAction;
  onSelect?(row: FlowRow): void;
  selectedId?: string | null;
  /** Height of the scrolling area. */
  height?: number | string;
  footer?: ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Virtual keeps its own state; the React compiler leaves this component as written.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: props.rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  return (
    <div className={styles.table} role="table" aria-label="Flow records" aria-rowcount={props.rows.length} data-testid="flow-table">
      <div className={`${styles.row} ${styles.head}`} role="row">
        <span role="columnheader">Time (UTC)</span>
        <span role="columnheader">Source</span>
        <span role="columnheader">Destination</span>
        <span role="columnheader">Protocol</span>
        <span role="columnheader">Action</span>
        <span role="columnheader" className={styles.num}>
          Bytes
        </span>
        <span role="columnheader" className={styles.num}>
          Packets
        </span>
        <span role="columnheader">TCP flags</span>
        <span role="columnheader">Logged on</span>
      </div>
      <div ref={scroller} className={styles.scroller} style={{ height: props.height ?? "62vh" }}>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = props.rows[item.index] as FlowRow;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 1}
                data-testid="flow-row"
                className={`${styles.row} ${styles.body} ${row.id === props.selectedId ? styles.selected : ""} ${row.action === "REJECT" ? styles.rejected : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => props.onSelect?.(row)}
              >
                <span role="cell" className={styles.time}>
                  {formatTime(row.timeMs)}
                </span>
                {row.parsed ? (
                  <>
                    <span role="cell">
                      <End end={row.src} side="src" onFilter={props.onFilter} />
                    </span>
                    <span role="cell">
                      <End end={row.dst} side="dst" onFilter={props.onFilter} />
                    </span>
                    <span role="cell">
                      <Value field="protocol" value={row.protocol === null ? null : String(row.protocol)} onFilter={props.onFilter}>
                        {row.protocolName ?? "-"}
                      </Value>
                    </span>
                    <span role="cell">
                      <Value field="action" value={row.action} onFilter={props.onFilter} className={row.action === "REJECT" ? styles.reject : styles.accept} />
                    </span>
                    <span role="cell" className={styles.num} title={row.bytes === null ? undefined : `${formatCount(row.bytes)} bytes`}>
                      {formatBytes(row.bytes)}
                    </span>
                    <span role="cell" className={styles.num}>
                      {formatCount(row.packets)}
                    </span>
                    <span role="cell" className={styles.flags}>
                      {row.tcpFlags || "-"}
                    </span>
                    <span role="cell">
                      <Value field="interface" value={row.interfaceId} onFilter={props.onFilter} className={styles.eni} />
                      {row.direction ? <div className="muted">{row.direction}</div> : null}
                    </span>
                  </>
                ) : (
                  <span role="cell" className={styles.unparsed} title="This line is not a record of its flow log's format">
                    {row.line}
                  </span>
                )}
              </div>
            );
          })}
        </div>
        {props.footer}
      </div>
    </div>
  );
}
