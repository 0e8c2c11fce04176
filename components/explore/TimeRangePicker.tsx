"use client";
/**
 * The time range: relative presets (Last 1 hour …), absolute from/to (UTC), shift back and forward
 * by half the window, zoom out, refresh. Ranges are written as Grafana writes them; the parent keeps
 * them in the URL.
 */
import { useState } from "react";
import { RANGE_PRESETS, type TimeRangeText, absolute, describeRange, formatInstant, parseTimeExpression, resolveRange, shiftRange, zoomOut } from "@/server/timerange";
import styles from "./explore.module.css";

/** `2026-11-24 10:05:00` (UTC) ↔ the text people type. */
function toInput(text: string, nowMs: number): string {
  if (text.startsWith("now")) return text;
  const ms = parseTimeExpression(text, nowMs);
  return ms === undefined ? text : formatInstant(ms);
}

function fromInput(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("now")) return trimmed;
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(trimmed) ? `${trimmed.replace(" ", "T")}Z` : trimmed;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? trimmed : String(ms);
}

export function TimeRangePicker(props: { range: TimeRangeText; nowMs: number; onChange(range: TimeRangeText): void; onRefresh(): void }) {
  const { range, nowMs } = props;
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(toInput(range.from, nowMs));
  const [to, setTo] = useState(toInput(range.to, nowMs));
  const [error, setError] = useState<string | null>(null);
  const toggle = () => {
    if (!open) {
      setFrom(toInput(range.from, nowMs));
      setTo(toInput(range.to, nowMs));
      setError(null);
    }
    setOpen(!open);
  };
  const resolved = resolveRange(range, nowMs);
  const apply = () => {
    const next = { from: fromInput(from), to: fromInput(to) };
    const a = parseTimeExpression(next.from, nowMs);
    const b = parseTimeExpression(next.to, nowMs);
    if (a === undefined || b === undefined) {
      setError("Write times as now-6h, now, or 2026-11-24 10:00 (UTC).");
      return;
    }
    if (!(a < b)) {
      setError("The range must end after it starts.");
      return;
    }
    setError(null);
    setOpen(false);
    props.onChange(next);
  };
  return (
    <div className={styles.range}>
      <button type="button" aria-label="Move the range back" title="Move back by half the range" onClick={() => props.onChange(absolute(shiftRange(resolved, -1)))}>
        ◀
      </button>
      <button type="button" className={styles.rangeButton} onClick={toggle} aria-expanded={open} data-testid="time-range">
        {describeRange(range, nowMs)}
      </button>
      <button type="button" aria-label="Move the range forward" title="Move forward by half the range" onClick={() => props.onChange(absolute(shiftRange(resolved, 1, nowMs)))}>
        ▶
      </button>
      <button type="button" title="Zoom out (twice the range)" onClick={() => props.onChange(absolute(zoomOut(resolved, nowMs)))}>
        −
      </button>
      <button type="button" title="Run again with now as now" onClick={props.onRefresh}>
        ↻
      </button>
      {open ? (
        <div className={styles.rangePopover} role="dialog" aria-label="Time range">
          <div className={styles.rangeColumns}>
            <form
              className={styles.rangeForm}
              onSubmit={(e) => {
                e.preventDefault();
                apply();
              }}
            >
              <label>
                From <input value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From" spellCheck={false} />
              </label>
              <label>
                To <input value={to} onChange={(e) => setTo(e.target.value)} aria-label="To" spellCheck={false} />
              </label>
              <p className="muted">UTC, e.g. 2026-11-24 10:00, or relative: now-6h</p>
              {error ? <p className="error-box">{error}</p> : null}
              <button type="submit" className="primary">
                Apply
              </button>
            </form>
            <ul className={styles.presets}>
              {RANGE_PRESETS.map((preset) => (
                <li key={preset.from}>
                  <button
                    type="button"
                    className={range.from === preset.from && range.to === "now" ? styles.presetActive : undefined}
                    onClick={() => {
                      setOpen(false);
                      props.onChange({ from: preset.from, to: "now" });
                    }}
                  >
                    {preset.label}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
    </div>
  );
}
