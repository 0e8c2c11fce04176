"use client";
/**
 * The service mapping rules: the saved rules in order (first match wins, before the built-in
 * ones), a form to write or change one with a live preview of the interfaces it would match and
 * of the interfaces no rule would match, and buttons to save, move and delete.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useTRPC } from "@/components/trpc/client";
import styles from "./Inventory.module.css";
import { useUrlParam } from "./url-state";

interface RuleForm {
  name: string;
  enabled: boolean;
  tagKey: string;
  tagValue: string;
  descriptionPattern: string;
  interfaceType: string;
  requesterManaged: "" | "yes" | "no";
  accountId: string;
  vpcId: string;
  subnetId: string;
  cidr: string;
  securityGroup: string;
  service: string;
  team: string;
}

type RuleLike = { [K in keyof Omit<RuleForm, "requesterManaged" | "enabled" | "name" | "service">]: string | null } & {
  name: string;
  service: string;
  enabled: boolean;
  requesterManaged: boolean | null;
};

const BLANK: RuleForm = {
  name: "",
  enabled: true,
  tagKey: "",
  tagValue: "",
  descriptionPattern: "",
  interfaceType: "",
  requesterManaged: "",
  accountId: "",
  vpcId: "",
  subnetId: "",
  cidr: "",
  securityGroup: "",
  service: "",
  team: "",
};

function toForm(rule: RuleLike): RuleForm {
  return {
    name: rule.name,
    enabled: rule.enabled,
    tagKey: rule.tagKey ?? "",
    tagValue: rule.tagValue ?? "",
    descriptionPattern: rule.descriptionPattern ?? "",
    interfaceType: rule.interfaceType ?? "",
    requesterManaged: rule.requesterManaged === null ? "" : rule.requesterManaged ? "yes" : "no",
    accountId: rule.accountId ?? "",
    vpcId: rule.vpcId ?? "",
    subnetId: rule.subnetId ?? "",
    cidr: rule.cidr ?? "",
    securityGroup: rule.securityGroup ?? "",
    service: rule.service,
    team: rule.team ?? "",
  };
}

function toFields(form: RuleForm) {
  return { ...form, requesterManaged: form.requesterManaged === "" ? null : form.requesterManaged === "yes" };
}

/** A short reading of a rule's conditions, for the list. */
function describeConditions(rule: RuleLike): string {
  const parts: string[] = [];
  if (rule.tagKey) parts.push(rule.tagValue ? `tag ${rule.tagKey} ~ ${rule.tagValue}` : `tag ${rule.tagKey}`);
  if (rule.descriptionPattern) parts.push(`description ~ ${rule.descriptionPattern}`);
  if (rule.interfaceType) parts.push(`type ${rule.interfaceType}`);
  if (rule.requesterManaged !== null) parts.push(rule.requesterManaged ? "AWS-managed" : "not AWS-managed");
  if (rule.accountId) parts.push(`account ${rule.accountId}`);
  if (rule.vpcId) parts.push(`VPC ${rule.vpcId}`);
  if (rule.subnetId) parts.push(`subnet ${rule.subnetId}`);
  if (rule.cidr) parts.push(`in ${rule.cidr}`);
  if (rule.securityGroup) parts.push(`security group ${rule.securityGroup}`);
  return parts.length > 0 ? parts.join(" · ") : "every interface";
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

const FIELDS: { key: keyof RuleForm; label: string; placeholder: string }[] = [
  { key: "tagKey", label: "Tag key", placeholder: "service" },
  { key: "tagValue", label: "Tag value (regex)", placeholder: "payments-.*" },
  { key: "descriptionPattern", label: "Description (regex)", placeholder: "^ELB app/([^/]+)/" },
  { key: "interfaceType", label: "Interface type", placeholder: "lambda, nat_gateway, vpc_endpoint …" },
  { key: "accountId", label: "Account", placeholder: "123456789012" },
  { key: "vpcId", label: "VPC", placeholder: "vpc-…" },
  { key: "subnetId", label: "Subnet", placeholder: "subnet-…" },
  { key: "cidr", label: "CIDR", placeholder: "10.20.0.0/16" },
  { key: "securityGroup", label: "Security group", placeholder: "sg-… or its name" },
];

export function RulesEditor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useUrlParam("rule");
  const rules = useQuery(trpc.inventory.rules.list.queryOptions());
  const [form, setForm] = useState<RuleForm>(BLANK);
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const saved = rules.data?.saved ?? [];
  const editing = selected ? saved.find((r) => r.id === selected) : undefined;

  // Load the selected rule into the form once the list is there (state adjusted while rendering,
  // as React recommends for state derived from a changed prop).
  const formKey = selected || "new";
  if (loadedFor !== formKey && !(selected && !editing)) {
    setLoadedFor(formKey);
    setForm(editing ? toForm(editing) : BLANK);
  }

  const debouncedForm = useDebounced(form, 300);
  const preview = useQuery({
    ...trpc.inventory.rules.preview.queryOptions({ id: editing?.id, fields: toFields(debouncedForm), limit: 200 }),
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
  const save = useMutation(
    trpc.inventory.rules.save.mutationOptions({
      onSuccess: async (rule) => {
        await invalidate();
        setLoadedFor(rule.id);
        setSelected(rule.id);
      },
    }),
  );
  const move = useMutation(trpc.inventory.rules.move.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(
    trpc.inventory.rules.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setLoadedFor(null);
        setSelected("");
      },
    }),
  );
  const problems = preview.data?.problems ?? [];
  // A blank new rule is not "wrong" yet: show its problems once something was typed.
  const pristine = !editing && JSON.stringify(form) === JSON.stringify(BLANK);
  const problemOf = (field: string) => (pristine ? undefined : problems.find((p) => p.field === field)?.message);
  const set = (key: keyof RuleForm, value: string | boolean) => setForm((f) => ({ ...f, [key]: value }));
  const mutationError = save.error ?? move.error ?? remove.error;

  return (
    <div className={styles.rulesLayout}>
      <div>
        <section className="panel">
          <div className={styles.toolbar}>
            <h2 style={{ margin: 0 }}>Saved rules</h2>
            <button type="button" onClick={() => { setLoadedFor(null); setSelected(""); setForm(BLANK); }}>New rule</button>
          </div>
          <p className="muted">Evaluated in this order, before the built-in rules; the first rule that matches names the interface.</p>
          {saved.length === 0 ? <p className="muted">No saved rules: the built-in rules below name interfaces.</p> : null}
          <ol className={styles.ruleList} data-testid="saved-rules">
            {saved.map((rule, index) => (
              <li key={rule.id} className={rule.id === selected ? styles.selected : undefined}>
                <span className={styles.position}>{index + 1}</span>
                <div className={styles.grow}>
                  <Link href={`/inventory/rules?rule=${rule.id}`} onClick={() => setLoadedFor(null)}>{rule.name}</Link>
                  {rule.enabled ? null : <span className={styles.kind}> disabled</span>} → <strong>{rule.service}</strong>
                  <div className={styles.conditions} title={describeConditions(rule)}>{describeConditions(rule)}</div>
                </div>
                <button type="button" aria-label={`Move ${rule.name} up`} disabled={index === 0 || move.isPending} onClick={() => move.mutate({ id: rule.id, position: index - 1 })}>↑</button>
                <button type="button" aria-label={`Move ${rule.name} down`} disabled={index === saved.length - 1 || move.isPending} onClick={() => move.mutate({ id: rule.id, position: index + 1 })}>↓</button>
              </li>
            ))}
          </ol>
        </section>
        <section className={`panel ${styles.section}`}>
          <details>
            <summary>
              <strong>Built-in rules</strong> <span className="muted">({rules.data?.builtIn.length ?? 0}, after the saved ones)</span>
            </summary>
            <ol className={styles.ruleList}>
              {rules.data?.builtIn.map((rule) => (
                <li key={rule.id}>
                  <div className={styles.grow}>
                    {rule.name} → <strong>{rule.service}</strong>
                    <div className={styles.conditions} title={describeConditions(rule)}>{describeConditions(rule)}</div>
                  </div>
                  <button type="button" onClick={() => { setLoadedFor("new"); setSelected(""); setForm({ ...toForm(rule), name: `${rule.name} (copy)` }); }}>copy</button>
                </li>
              ))}
            </ol>
          </details>
        </section>
      </div>
      <div>
        <section className="panel">
          <h2>{editing ? `Edit rule ${saved.indexOf(editing) + 1}: ${editing.name}` : "New rule"}</h2>
          <form
            className={styles.form}
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate({ id: editing?.id, fields: toFields(form) });
            }}
          >
            <label htmlFor="rule-name">Name</label>
            <input id="rule-name" value={form.name} onChange={(e) => set("name", e.target.value)} placeholder="Payments by security group" />
            {problemOf("name") ? <div className={styles.fieldError}>{problemOf("name")}</div> : null}
            <p className={styles.hint}>Conditions (all that are filled must hold):</p>
            {FIELDS.map((field) => (
              <FieldRow key={field.key} id={`rule-${field.key}`} label={field.label} placeholder={field.placeholder} value={form[field.key] as string} onChange={(v) => set(field.key, v)} error={problemOf(field.key)} />
            ))}
            <label htmlFor="rule-requester">AWS-managed</label>
            <select id="rule-requester" value={form.requesterManaged} onChange={(e) => set("requesterManaged", e.target.value)}>
              <option value="">either</option>
              <option value="yes">yes (requester-managed)</option>
              <option value="no">no</option>
            </select>
            <p className={styles.hint}>
              Then the interface belongs to (templates: {"{tag:KEY}"}, {"{1}"}…{"{9}"} from the description pattern, {"{group}"}, {"{type}"}, {"{instance}"}, {"{vpc}"}, {"{az}"} …):
            </p>
            <FieldRow id="rule-service" label="Service" placeholder="payments-api or {tag:service}" value={form.service} onChange={(v) => set("service", v)} error={problemOf("service")} />
            <FieldRow id="rule-team" label="Team" placeholder="(the service's or the account's team)" value={form.team} onChange={(v) => set("team", v)} error={problemOf("team")} />
            <label htmlFor="rule-enabled">Enabled</label>
            <input id="rule-enabled" type="checkbox" className={styles.checkbox} checked={form.enabled} onChange={(e) => set("enabled", e.target.checked)} />
            <div className={styles.actions} style={{ gridColumn: "1 / -1" }}>
              <button type="submit" className="primary" disabled={save.isPending || problems.length > 0}>
                {save.isPending ? "Saving…" : editing ? "Save changes" : "Save rule"}
              </button>
              {editing ? (
                <button type="button" disabled={remove.isPending} onClick={() => { if (window.confirm(`Delete the rule "${editing.name}"?`)) remove.mutate({ id: editing.id }); }}>
                  Delete
                </button>
              ) : null}
              {save.isSuccess && !save.isPending ? <span className={styles.ok}>Saved.</span> : null}
            </div>
          </form>
          {mutationError ? <div className="error-box">{mutationError.message}</div> : null}
        </section>
        <section className={`panel ${styles.section}`} aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          {preview.error ? <div className="error-box">{preview.error.message}</div> : null}
          {preview.data ? (
            <>
              <p data-testid="rule-preview-summary">
                {problems.length > 0
                  ? pristine
                    ? "Write a rule to see which interfaces it would match."
                    : "Fix the rule to see what it matches."
                  : `Matches ${preview.data.matchCount} of ${preview.data.interfaces} interfaces; decides ${preview.data.winCount} of them (first match); ${preview.data.changedCount} would change service.`}
              </p>
              {preview.data.matches.length > 0 ? (
                <div className={styles.tableWrap}>
                  <table className={styles.table} data-testid="rule-preview-matches">
                    <thead><tr><th>Interface</th><th>Would be</th><th>Today</th><th>Type</th><th>Description</th></tr></thead>
                    <tbody>
                      {preview.data.matches.map((m) => (
                        <tr key={m.interfaceId}>
                          <td className={styles.mono}><Link href={`/inventory/interfaces/${m.interfaceId}`}>{m.interfaceId}</Link><div className={styles.small}>{m.address} · {m.vpcName}</div></td>
                          <td>{m.service}{m.team ? <div className={styles.small}>team {m.team}</div> : null}{m.wins ? null : <div className={styles.small}>(an earlier rule wins)</div>}</td>
                          <td>{m.current ? <>{m.current.service}<div className={styles.small}>{m.current.rule}</div></> : <span className={styles.unmapped}>unmapped</span>}</td>
                          <td><span className={styles.kind}>{m.interfaceType}</span></td>
                          <td className={styles.small}>{m.description || "-"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
              <h2 className={styles.section}>Interfaces no rule would match ({preview.data.unmatchedCount})</h2>
              {preview.data.unmatchedCount === 0 ? (
                <p className={styles.ok} data-testid="rule-preview-unmatched">Every interface has a service.</p>
              ) : (
                <div className={styles.tableWrap}>
                  <table className={styles.table} data-testid="rule-preview-unmatched">
                    <thead><tr><th>Interface</th><th>Type</th><th>Address</th><th>VPC</th><th>Description</th><th>Tags</th></tr></thead>
                    <tbody>
                      {preview.data.unmatched.map((u) => (
                        <tr key={u.interfaceId}>
                          <td className={styles.mono}><Link href={`/inventory/interfaces/${u.interfaceId}`}>{u.interfaceId}</Link></td>
                          <td><span className={styles.kind}>{u.interfaceType}</span></td>
                          <td className={styles.mono}>{u.address ?? "-"}</td>
                          <td>{u.vpcName ?? "-"}</td>
                          <td className={styles.small}>{u.description || "-"}</td>
                          <td>{Object.entries(u.tags).map(([k, v]) => <span key={k} className={styles.tag}>{k}={v}</span>)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          ) : (
            <p className="muted">Checking…</p>
          )}
        </section>
      </div>
    </div>
  );
}

function FieldRow(props: { id: string; label: string; placeholder: string; value: string; onChange: (value: string) => void; error?: string }) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <input id={props.id} value={props.value} placeholder={props.placeholder} onChange={(e) => props.onChange(e.target.value)} aria-invalid={props.error ? true : undefined} />
      {props.error ? <div className={styles.fieldError}>{props.error}</div> : null}
    </>
  );
}
