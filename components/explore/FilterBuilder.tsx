"use client";
/**
 * The filter in network terms: one chip per value (kept, or left out and struck through), and a
 * line to add one: field, value (suggested from the inventory), keep or leave out. Values are
 * checked here with the same rules the server applies.
 */
import { useState } from "react";
import { FILTER_FIELDS, FILTER_FIELD_INFO, type FilterField, type FlowFilter, normalizeFilterValue, withFilterValue, withoutFilterValue } from "@/server/explore/filter";
import styles from "./explore.module.css";

export interface FilterVocabulary {
  accounts: { id: string; name: string | null }[];
  vpcs: { id: string; name: string | null; accountId: string }[];
  subnets: { id: string; name: string | null; vpcId: string; availabilityZone: string }[];
  services: { name: string; team: string | null; interfaces: number }[];
  teams: string[];
  flowLogs: { id: string; format: string; source: string }[];
}

const FIXED: Partial<Record<FilterField, { value: string; label: string }[]>> = {
  action: [
    { value: "REJECT", label: "REJECT" },
    { value: "ACCEPT", label: "ACCEPT" },
  ],
  direction: [
    { value: "ingress", label: "ingress" },
    { value: "egress", label: "egress" },
  ],
  protocol: [
    { value: "tcp", label: "TCP (6)" },
    { value: "udp", label: "UDP (17)" },
    { value: "icmp", label: "ICMP (1)" },
  ],
  dstPort: [
    { value: "443", label: "443 https" },
    { value: "22", label: "22 ssh" },
    { value: "5432", label: "5432 postgresql" },
    { value: "3306", label: "3306 mysql" },
    { value: "6379", label: "6379 redis" },
  ],
};

function suggestions(field: FilterField, vocabulary: FilterVocabulary | undefined): { value: string; label: string }[] {
  const fixed = FIXED[field];
  if (fixed) return fixed;
  if (!vocabulary) return [];
  switch (field) {
    case "account":
      return vocabulary.accounts.map((a) => ({ value: a.id, label: a.name ? `${a.name} (${a.id})` : a.id }));
    case "vpc":
      return vocabulary.vpcs.map((v) => ({ value: v.id, label: v.name ? `${v.name} (${v.id})` : v.id }));
    case "subnet":
      return vocabulary.subnets.map((s) => ({ value: s.id, label: `${s.name ?? s.id} (${s.availabilityZone})` }));
    case "service":
    case "srcService":
    case "dstService":
      return vocabulary.services.map((s) => ({ value: s.name, label: s.team ? `${s.name} (team ${s.team})` : s.name }));
    case "team":
    case "srcTeam":
    case "dstTeam":
      return vocabulary.teams.map((t) => ({ value: t, label: t }));
    case "flowLog":
      return vocabulary.flowLogs.map((f) => ({ value: f.id, label: f.id }));
    default:
      return [];
  }
}

/** A chip's text: the value, with its inventory name when known. */
function chipValue(field: FilterField, value: string, vocabulary: FilterVocabulary | undefined): string {
  if (field === "account") return vocabulary?.accounts.find((a) => a.id === value)?.name ?? value;
  if (field === "vpc") return vocabulary?.vpcs.find((v) => v.id === value)?.name ?? value;
  return value;
}

export function FilterBuilder(props: { filter: FlowFilter; onChange(filter: FlowFilter): void; vocabulary?: FilterVocabulary; fields?: readonly FilterField[] }) {
  const fields = props.fields ?? FILTER_FIELDS;
  const [field, setField] = useState<FilterField>("dstPort");
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const options = suggestions(field, props.vocabulary);
  const add = (exclude: boolean) => {
    try {
      const normalized = normalizeFilterValue(field, value);
      props.onChange(withFilterValue(props.filter, field, normalized, exclude));
      setValue("");
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const chips = FILTER_FIELDS.flatMap((f) => [
    ...(props.filter[f]?.in ?? []).map((v) => ({ field: f, value: v, excluded: false })),
    ...(props.filter[f]?.out ?? []).map((v) => ({ field: f, value: v, excluded: true })),
  ]);
  return (
    <div className={styles.builder} data-testid="filter-builder">
      <div className={styles.chips}>
        {chips.length === 0 ? <span className="muted">No filter: every flow record.</span> : null}
        {chips.map((chip) => (
          <span key={`${chip.field}:${chip.excluded}:${chip.value}`} className={`${styles.chip} ${chip.excluded ? styles.chipOut : ""}`} data-testid="filter-chip">
            <span className={styles.chipField}>
              {FILTER_FIELD_INFO[chip.field].label}
              {chip.excluded ? " is not" : ""}
            </span>
            <span className={styles.chipValue} title={chip.value}>
              {chipValue(chip.field, chip.value, props.vocabulary)}
            </span>
            <button
              type="button"
              aria-label={`Remove ${FILTER_FIELD_INFO[chip.field].label} ${chip.value}`}
              onClick={() => props.onChange(withoutFilterValue(props.filter, chip.field, chip.value, chip.excluded))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <form
        className={styles.addFilter}
        onSubmit={(e) => {
          e.preventDefault();
          add(false);
        }}
      >
        <select aria-label="Filter field" value={field} onChange={(e) => setField(e.target.value as FilterField)}>
          {fields.map((f) => (
            <option key={f} value={f}>
              {FILTER_FIELD_INFO[f].label}
            </option>
          ))}
        </select>
        <input
          aria-label="Filter value"
          list="filter-suggestions"
          value={value}
          placeholder={`${FILTER_FIELD_INFO[field].example} — ${FILTER_FIELD_INFO[field].hint}`}
          onChange={(e) => setValue(e.target.value)}
          spellCheck={false}
        />
        <datalist id="filter-suggestions">
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </datalist>
        <button type="submit" className="primary">
          Keep
        </button>
        <button type="button" onClick={() => add(true)}>
          Leave out
        </button>
      </form>
      {error ? <p className="error-box">{error}</p> : null}
    </div>
  );
}
