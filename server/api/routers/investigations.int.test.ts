/**
 * Investigations through tRPC against real PostgreSQL and the real embedded log store (pushed
 * flow lines, queried through the query gate): snapshots taken at creation and shown again, the
 * live re-run, edits with history and optimistic versions (a stale edit → CONFLICT and nothing
 * written), bad LogQL → BAD_REQUEST with its position and nothing written, pins, duplicate,
 * archive, list filters, chart panels saved from Explore, the ruler export.
 */
import fs from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../env";
import { importInventory } from "../../inventory/import/apply";
import { createQueryGate } from "../../loki/gate";
import { encodePushJson } from "../../loki/push";
import { type EmbeddedStore, openEmbeddedStore } from "../../store";
import { type TestDatabase, createTestDatabase } from "../../testing/database";
import { createCaller } from "../root";

const testdata = path.join(import.meta.dirname, "..", "..", "inventory", "import", "testdata");
const inventoryFile = (name: string) => ({ name, text: fs.readFileSync(path.join(testdata, name), "utf8") });

const NOW_S = Math.floor(Date.now() / 1000);
const FROM_MS = (NOW_S - 3600) * 1000;
const TO_MS = NOW_S * 1000;
const ACCOUNT = "123456789012";
const LABELS = { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-0aaaa1111bbbb2222", __aws_s3_vpc_flow_owner: ACCOUNT };
const PAYMENTS = "10.20.1.17"; // eni-0a1b2c3d4e5f60718, tagged service=payments-api
const DATABASE_ENI = "eni-0e5f60718293a4b5c"; // RDSNetworkInterface, 10.20.3.40

/** A default-format record. */
function line(t: number, src: string, dst: string, dstPort: number, action: "ACCEPT" | "REJECT", eni = DATABASE_ENI, bytes = 120): string {
  return `2 ${ACCOUNT} ${eni} ${src} ${dst} ${40000 + (t % 1000)} ${dstPort} 6 2 ${bytes} ${t} ${t + 5} ${action} OK`;
}

let database: TestDatabase;
let store: EmbeddedStore;
let caller: ReturnType<typeof createCaller>;
let bob: ReturnType<typeof createCaller>;

async function push(entries: [number, string][]): Promise<void> {
  const body = encodePushJson([{ labels: LABELS, entries: entries.map(([t, text]) => ({ timestamp: BigInt(t) * 1_000_000_000n, line: text })) }]);
  const response = await store.handle(new Request("http://store/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json" }, body }));
  expect(response.status).toBe(204);
}

const rejects: [number, string][] = Array.from({ length: 12 }, (_, i) => {
  const t = NOW_S - 3000 + i * 60;
  return [t, line(t, PAYMENTS, "10.20.3.40", 5432, "REJECT")];
});
const accepts: [number, string][] = Array.from({ length: 8 }, (_, i) => {
  const t = NOW_S - 2990 + i * 60;
  return [t, line(t, "10.20.3.40", "52.95.1.2", 443, "ACCEPT", DATABASE_ENI, 5000)];
});

const REJECTED_LINES = '{__aws_log_type="s3_vpc_flow"} |= "REJECT"';
const REJECTS_PER_SOURCE = 'sum by (__aws_s3_vpc_flow_owner) (count_over_time({__aws_log_type="s3_vpc_flow"} |= "REJECT" [5m]))';
const panel = (title: string, query: string, view?: Record<string, unknown>) => ({ title, query, fromMs: FROM_MS, toMs: TO_MS, view });

async function expectTrpcError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (message) expect((error as TRPCError).message).toMatch(message);
  return error as TRPCError;
}

beforeAll(async () => {
  database = await createTestDatabase();
  store = await openEmbeddedStore({ connectionString: database.url, maintenance: false, log: () => {} });
  const gate = createQueryGate(loadEnv({}), store.handle);
  caller = createCaller({ user: { name: "alice" }, db: database.db, gate });
  bob = createCaller({ user: { name: "bob" }, db: database.db, gate });
  const imported = await importInventory({
    db: database.db,
    files: [inventoryFile("describe-vpcs.json"), inventoryFile("describe-subnets.json"), inventoryFile("describe-network-interfaces.json")],
    dryRun: false,
    importedBy: "test",
    region: "eu-west-3",
    observedAt: new Date(FROM_MS - 86_400_000),
  });
  expect(imported.applied).toBe(true);
  await push([...rejects, ...accepts]);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe("investigations", () => {
  let slug = "";
  let version = 0;

  it("creates an investigation with a snapshot of each panel, owned by the user", async () => {
    const created = await caller.investigations.create({
      title: "payments-api cannot reach the database",
      notes: "Rejected on **5432**.\n\n<script>alert(1)</script>",
      tags: ["Incident", "payments", "incident"],
      panels: [panel("Rejected flows", REJECTED_LINES, { display: "flows", limit: 100 }), panel("Rejects per account", REJECTS_PER_SOURCE, { display: "series" })],
    });
    slug = created.slug;
    version = created.version;
    expect(created).toMatchObject({ owner: "alice", status: "open", tags: ["incident", "payments"], archived: false, version: 1 });
    expect(created.panels.map((p) => [p.title, p.kind, p.fromMs, p.toMs])).toEqual([
      ["Rejected flows", "log", FROM_MS, TO_MS],
      ["Rejects per account", "metric", FROM_MS, TO_MS],
    ]);
    expect(created.panels.every((p) => p.snapshotAt !== null)).toBe(true);
    expect(created.events.map((e) => [e.actor, e.action])).toEqual([["alice", "created"]]);
    expect(created.notes).toContain("<script>"); // kept verbatim; the page renders markdown without raw HTML
  });

  it("shows each panel from its snapshot: flow rows enriched, series summed", async () => {
    const investigation = await caller.investigations.get({ slug });
    const [flows, chart] = investigation.panels;
    const table = await caller.investigations.panel({ slug, panelId: flows?.id ?? "", source: "snapshot" });
    expect(table.kind).toBe("flows");
    if (table.kind !== "flows") return;
    expect(table.rows).toHaveLength(12);
    expect(table.rows[0]).toMatchObject({ action: "REJECT", src: { address: PAYMENTS, service: "payments-api", team: "payments" }, dst: { port: 5432, portName: "postgresql" } });
    expect(table.takenAt).toBe(flows?.snapshotAt);
    const series = await caller.investigations.panel({ slug, panelId: chart?.id ?? "", source: "snapshot" });
    expect(series.kind).toBe("chart");
    if (series.kind === "chart") {
      // one series per label set of the query's own answer, named; each point counts the 5 minutes before it
      expect(series.chart.series.map((s) => s.label)).toEqual([ACCOUNT]); // named as the account (the inventory has no name for it)
      expect(Math.max(...(series.chart.series[0]?.values ?? []))).toBe(5);
    }
  });

  it("keeps the snapshot while the live re-run sees new data, and a refresh stores it", async () => {
    const t = NOW_S - 1200;
    await push([[t, line(t, PAYMENTS, "10.20.3.40", 5432, "REJECT")]]);
    const investigation = await caller.investigations.get({ slug });
    const panelId = investigation.panels[0]?.id ?? "";
    const stored = await caller.investigations.panel({ slug, panelId, source: "snapshot" });
    const live = await caller.investigations.panel({ slug, panelId, source: "live" });
    expect(stored.kind === "flows" && stored.rows.length).toBe(12);
    expect(live.kind === "flows" && live.rows.length).toBe(13);
    const refreshed = await caller.investigations.refreshPanel({ slug, version, panelId });
    version = refreshed.version;
    const after = await caller.investigations.panel({ slug, panelId, source: "snapshot" });
    expect(after.kind === "flows" && after.rows.length).toBe(13);
    expect(refreshed.events[0]).toMatchObject({ actor: "alice", action: "snapshot refreshed" });
  });

  it("records edits with who and what, and refuses a stale version with CONFLICT, writing nothing", async () => {
    const edited = await bob.investigations.update({ slug, version, status: "resolved", title: "payments-api blocked from the database" });
    expect(edited.version).toBe(version + 1);
    expect(edited.events[0]).toMatchObject({ actor: "bob", action: "updated", changes: { status: { from: "open", to: "resolved" } } });
    const before = await caller.investigations.get({ slug });
    await expectTrpcError(caller.investigations.update({ slug, version, title: "stale edit" }), "CONFLICT", /Someone changed this investigation/);
    const after = await caller.investigations.get({ slug });
    expect(after).toEqual(before);
    version = after.version;
  });

  it("refuses bad LogQL with BAD_REQUEST and its position, writing nothing", async () => {
    const count = await database.db.investigation.count();
    const error = await expectTrpcError(
      caller.investigations.create({ title: "bad", panels: [panel("broken", '{__aws_log_type="s3_vpc_flow"} | pattern `<a>` | a=')] }),
      "BAD_REQUEST",
      /Panel 1 \("broken"\): parse error at line 1, col \d+/,
    );
    expect((error.cause as { details?: { position?: unknown } }).details?.position).toMatchObject({ line: 1 });
    expect(await database.db.investigation.count()).toBe(count);
    const before = await caller.investigations.get({ slug });
    await expectTrpcError(caller.investigations.addPanel({ slug, version, panel: panel("broken", "sum(") }), "BAD_REQUEST", /parse error/);
    expect(await caller.investigations.get({ slug })).toEqual(before);
  });

  it("pins a flow record, refuses pinning it twice, unpins it", async () => {
    const [t, text] = rejects[0] as [number, string];
    const pinned = await caller.investigations.pin({ slug, version, flow: { tsNs: String(BigInt(t) * 1_000_000_000n), labels: LABELS, line: text, note: "first reject" } });
    version = pinned.version;
    expect(pinned.pinned).toHaveLength(1);
    expect(pinned.pinned[0]).toMatchObject({ note: "first reject", pinnedBy: "alice", row: { action: "REJECT", src: { service: "payments-api" } } });
    await expectTrpcError(caller.investigations.pin({ slug, version, flow: { tsNs: String(BigInt(t) * 1_000_000_000n), labels: LABELS, line: text } }), "CONFLICT", /already pinned/);
    const unpinned = await caller.investigations.unpin({ slug, version, pinnedFlowId: pinned.pinned[0]?.id ?? "" });
    version = unpinned.version;
    expect(unpinned.pinned).toHaveLength(0);
  });

  it("saves a chart built in Explore and shows it again with the same named series and Other", async () => {
    const chart = await caller.flows.chart({ filter: {}, range: { fromMs: FROM_MS, toMs: TO_MS }, measure: "flows", dimension: "destination", top: 1 });
    expect(chart.series.map((s) => [s.label, s.total])).toEqual([
      ["RDS ledger-db · 10.20.3.40", 13],
      ["Other", 8],
    ]);
    const withPanel = await caller.investigations.addPanel({
      slug,
      version,
      panel: {
        title: "Flows by destination",
        query: chart.panel.queries[0] ?? "",
        fromMs: FROM_MS,
        toMs: TO_MS,
        view: { display: "chart", queries: chart.panel.queries, roles: chart.panel.roles, dimension: "destination", measure: "flows", top: 1 },
      },
    });
    version = withPanel.version;
    const saved = withPanel.panels.at(-1);
    const shown = await caller.investigations.panel({ slug, panelId: saved?.id ?? "", source: "snapshot" });
    expect(shown.kind).toBe("chart");
    if (shown.kind === "chart") {
      expect(shown.chart.series.map((s) => [s.label, s.total])).toEqual(chart.series.map((s) => [s.label, s.total]));
      expect(shown.chart.total).toBe(chart.total);
    }
  });

  it("exports a Loki ruler rule group from a metric panel, not from a log panel", async () => {
    const investigation = await caller.investigations.get({ slug });
    const metric = investigation.panels.find((p) => p.title === "Rejects per account");
    const rules = await caller.investigations.rules({
      slug,
      panelId: metric?.id ?? "",
      alert: { name: "PaymentsRejects", operator: ">", threshold: 10, for: "10m" },
      link: `http://flowlens/i/${slug}`,
    });
    expect(rules.record).toBe("flowlens:rejects_per_account");
    const parsed = YAML.parse(rules.yaml) as { groups: { rules: { record?: string; alert?: string; expr: string; for?: string }[] }[] };
    expect(parsed.groups[0]?.rules).toEqual([
      { record: "flowlens:rejects_per_account", expr: REJECTS_PER_SOURCE },
      expect.objectContaining({ alert: "PaymentsRejects", expr: `${REJECTS_PER_SOURCE} > 10`, for: "10m" }),
    ]);
    const log = investigation.panels.find((p) => p.kind === "log");
    await expectTrpcError(caller.investigations.rules({ slug, panelId: log?.id ?? "" }), "BAD_REQUEST", /metric query/);
  });

  it("duplicates (a new link, owned by the duplicator, same panels and snapshots), archives, and lists with filters", async () => {
    const copy = await bob.investigations.duplicate({ slug });
    expect(copy.slug).not.toBe(slug);
    expect(copy).toMatchObject({ owner: "bob", title: "Copy of payments-api blocked from the database" });
    const original = await caller.investigations.get({ slug });
    expect(copy.panels.map((p) => [p.title, p.query, p.snapshotAt])).toEqual(original.panels.map((p) => [p.title, p.query, p.snapshotAt]));

    const archived = await bob.investigations.archive({ slug: copy.slug, version: copy.version, archived: true });
    expect(archived.archived).toBe(true);
    const titles = async (filter: Parameters<typeof caller.investigations.list>[0]) => (await caller.investigations.list(filter)).map((i) => i.slug);
    expect(await titles({})).toEqual([slug]);
    expect(await titles({ archived: true })).toEqual([copy.slug]);
    expect(await titles({ search: "BLOCKED" })).toEqual([slug]);
    expect(await titles({ status: "open" })).toEqual([]);
    expect(await titles({ status: "resolved", tag: "payments", owner: "alice" })).toEqual([slug]);
    expect(await titles({ owner: "bob" })).toEqual([]);
    // Newest change first, at most `limit` (the overview asks for six).
    const unarchived = await bob.investigations.archive({ slug: copy.slug, version: archived.version, archived: false });
    expect(await titles({ limit: 1 })).toEqual([unarchived.slug]);
    expect(await titles({ limit: 2 })).toEqual([unarchived.slug, slug]);
    await bob.investigations.archive({ slug: copy.slug, version: unarchived.version, archived: true });
    expect(await caller.investigations.facets()).toEqual({ tags: ["incident", "payments"], owners: ["alice", "bob"] });
  });

  it("says NOT_FOUND for an unknown link", async () => {
    await expectTrpcError(caller.investigations.get({ slug: "nosuchlink2" }), "NOT_FOUND", /No investigation has the link/);
  });
});
