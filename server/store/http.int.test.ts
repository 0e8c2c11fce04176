/**
 * The store's HTTP API, the same suite twice: called in process (as the query gate and the
 * portal's route call it) and served by node:http on a free port (as `flowlens store` serves it),
 * each on its own fresh database.
 */
import { gzipSync } from "node:zlib";
import pg from "pg";
import snappy from "snappy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePushJson, encodePushProtobuf } from "../loki/push";
import { type TestDatabase, createTestDatabase } from "../testing/database";
import { storeTargets } from "../testing/store-targets";
import type { EmbeddedStore } from "./index";

const T0 = 1_795_525_200_000_000_000n; // 2026-11-24T13:00:00Z
const S = 1_000_000_000n;
const NOW = T0 + 7200n * S;

const flow = (id: string, owner = "111111111111") => ({ __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: id, __aws_s3_vpc_flow_owner: owner });
const line = (i: number, action = "ACCEPT") => `2 111111111111 eni-0a1b2c3d4e5f60718 10.10.0.${i % 250} 10.20.1.5 ${40000 + i} 443 6 10 ${840 + i} 1795525200 1795525260 ${action} OK`;
const range = (start: bigint, end: bigint) => `start=${start}&end=${end}`;

describe.each(storeTargets)("the store's HTTP API ($name)", (target) => {
  let database: TestDatabase;
  let admin: pg.Client;
  let send: (path: string, init?: RequestInit) => Promise<Response>;
  let embedded: EmbeddedStore;
  let stop: () => Promise<void>;

  const pushJson = (streams: Parameters<typeof encodePushJson>[0], headers: Record<string, string> = {}) =>
    send("/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: encodePushJson(streams) });
  const getJson = async (path: string, headers: Record<string, string> = {}) => {
    const response = await send(path, { headers });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return JSON.parse(text);
  };
  const stats = (selector: string, headers: Record<string, string> = {}) =>
    getJson(`/loki/api/v1/index/stats?query=${encodeURIComponent(selector)}&${range(T0 - 3600n * S, NOW)}`, headers);
  const storedRows = async () => Number((await admin.query("SELECT coalesce(sum(entries), 0) AS n FROM logstore.chunks")).rows[0].n);

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    ({ send, embedded, stop } = await target.start(database.url, { now: NOW }));
  });

  afterAll(async () => {
    await stop();
    await admin.end();
    await database.drop();
  });

  describe("push", () => {
    it("accepts JSON and answers 204 with no body", async () => {
      const response = await pushJson([{ labels: flow("fl-json"), entries: [0, 1, 2].map((i) => ({ timestamp: T0 + BigInt(i) * S, line: line(i) })) }]);
      expect(response.status).toBe(204);
      expect(await response.text()).toBe("");
      expect(await stats('{__aws_s3_vpc_flow="fl-json"}')).toEqual({ streams: 1, chunks: 1, bytes: expect.any(Number), entries: 3 });
    });

    it("accepts snappy-compressed protobuf exactly as Promtail sends it", async () => {
      const body = encodePushProtobuf([
        { labels: flow("fl-proto-a"), entries: [{ timestamp: T0 + 5n * S + 123n, line: line(5) }] },
        { labels: flow("fl-proto-b", "222222222222"), entries: [0, 1].map((i) => ({ timestamp: T0 + BigInt(i), line: line(i, "REJECT") })) },
      ]);
      const response = await send("/loki/api/v1/push", {
        method: "POST",
        headers: { "Content-Type": "application/x-protobuf", "User-Agent": "promtail/2.7.7" },
        body: Buffer.from(body),
      });
      expect(response.status, await response.text()).toBe(204);
      expect(await stats('{__aws_s3_vpc_flow=~"fl-proto-.*"}')).toMatchObject({ streams: 2, entries: 3 });
    });

    it("accepts a gzip-compressed body", async () => {
      const body = gzipSync(encodePushJson([{ labels: flow("fl-gzip"), entries: [{ timestamp: T0, line: line(1) }] }]));
      const response = await send("/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body });
      expect(response.status, await response.text()).toBe(204);
      expect(await stats('{__aws_s3_vpc_flow="fl-gzip"}')).toMatchObject({ streams: 1, entries: 1 });
    });

    it("drops entries equal to stored ones and accepts out-of-order entries", async () => {
      const entries = [9, 3, 7, 1].map((i) => ({ timestamp: T0 + BigInt(i) * S, line: line(i) }));
      expect((await pushJson([{ labels: flow("fl-dup"), entries }])).status).toBe(204);
      expect((await pushJson([{ labels: flow("fl-dup"), entries }])).status).toBe(204);
      expect((await pushJson([{ labels: flow("fl-dup"), entries: [{ timestamp: T0 + 3n * S, line: "same time, other line" }, ...entries] }])).status).toBe(204);
      expect(await stats('{__aws_s3_vpc_flow="fl-dup"}')).toMatchObject({ streams: 1, entries: 5 });
    });

    it("keeps tenants apart (X-Scope-OrgID, default fake)", async () => {
      expect((await pushJson([{ labels: flow("fl-tenant"), entries: [{ timestamp: T0, line: "team a" }] }], { "X-Scope-OrgID": "team-a" })).status).toBe(204);
      expect(await stats('{__aws_s3_vpc_flow="fl-tenant"}', { "X-Scope-OrgID": "team-a" })).toMatchObject({ streams: 1, entries: 1 });
      expect(await stats('{__aws_s3_vpc_flow="fl-tenant"}')).toEqual({ streams: 0, chunks: 0, bytes: 0, entries: 0 });
      expect(await stats('{__aws_s3_vpc_flow="fl-tenant"}', { "X-Scope-OrgID": "team-b" })).toMatchObject({ streams: 0 });
      const values = await getJson(`/loki/api/v1/label/__aws_s3_vpc_flow/values?${range(T0, NOW)}`, { "X-Scope-OrgID": "team-a" });
      expect(values).toEqual({ status: "success", data: ["fl-tenant"] });
    });

    it.each<[string, () => RequestInit, RegExp]>([
      ["a body that is not JSON", () => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: "{not json" }), /not valid JSON/],
      ["protobuf that is not snappy", () => ({ method: "POST", headers: { "Content-Type": "application/x-protobuf" }, body: "garbage" }), /snappy/],
      ["a gzip header on a plain body", () => ({ method: "POST", headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: "{}" }), /gzip/],
      [
        "an empty label set",
        () => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ streams: [{ stream: {}, values: [["1795525200000000000", "x"]] }] }) }),
        /^error at least one label pair is required per stream\n$/,
      ],
      [
        "a bad label name",
        () => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ streams: [{ stream: { "bad-name": "x" }, values: [["1795525200000000000", "x"]] }] }) }),
        /^Error parsing labels '\{bad-name="x"\}' with error/,
      ],
      [
        "a line over max_line_size",
        () => ({
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: encodePushJson([{ labels: flow("fl-bad"), entries: [{ timestamp: T0, line: "x".repeat(256_001) }] }]),
        }),
        /^Max entry size '256000' bytes exceeded for stream '\{__aws_log_type="s3_vpc_flow", __aws_s3_vpc_flow="fl-bad", __aws_s3_vpc_flow_owner="111111111111"\}' while adding an entry with length '256001' bytes\n$/,
      ],
      [
        "an entry far in the future",
        () => ({
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: encodePushJson([{ labels: flow("fl-bad"), entries: [{ timestamp: NOW + 3600n * S, line: "x" }] }]),
        }),
        /has timestamp too new: 2026-11-24T16:00:00Z/,
      ],
      [
        "a timestamp that is a number",
        () => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: '{"streams":[{"stream":{"a":"b"},"values":[[1795525200000000000,"x"]]}]}' }),
        /values\[0\]\[0\]/,
      ],
      ["a bad tenant", () => ({ method: "POST", headers: { "Content-Type": "application/json", "X-Scope-OrgID": "a|b" }, body: '{"streams":[]}' }), /tenant ID 'a\|b' contains unsupported character '\|'/],
    ])("refuses %s with 400 and writes nothing", async (_name, init, message) => {
      const before = await storedRows();
      // a valid stream first in the same request: it must not be written either
      const request = init();
      if (typeof request.body === "string" && request.body.startsWith('{"streams":[{')) {
        const parsed = JSON.parse(request.body) as { streams: unknown[] };
        parsed.streams.unshift({ stream: flow("fl-valid-neighbour"), values: [[String(T0), "valid"]] });
        request.body = JSON.stringify(parsed);
      }
      const response = await send("/loki/api/v1/push", request);
      const text = await response.text();
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(text).toMatch(message);
      expect(await storedRows()).toBe(before);
    });

    it("refuses a snappy body that would decompress beyond the push limit with 413", async () => {
      // a snappy header declaring 200 MB
      const header = Buffer.from([0x80, 0x80, 0x80, 0x60]);
      const response = await send("/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/x-protobuf" }, body: Buffer.concat([header, snappy.compressSync(Buffer.alloc(10))]) });
      expect(response.status).toBe(413);
    });

    it("answers 405 to a GET on push and 404 to an unknown path", async () => {
      expect((await send("/loki/api/v1/push")).status).toBe(405);
      const missing = await send("/loki/api/v1/nothing");
      expect(missing.status).toBe(404);
      expect(await missing.text()).toBe("404 page not found\n");
    });
  });

  describe("index look-ups", () => {
    beforeAll(async () => {
      const streams = [
        { labels: { ...flow("fl-idx-1"), env: "prod" }, entries: [0, 1, 2, 3].map((i) => ({ timestamp: T0 + BigInt(i) * 600n * S, line: line(i) })) },
        { labels: { ...flow("fl-idx-2", "222222222222"), env: "dev" }, entries: [0, 1].map((i) => ({ timestamp: T0 + BigInt(i) * 600n * S, line: line(i, "REJECT") })) },
        { labels: { ...flow("fl-idx-3", "222222222222") }, entries: [{ timestamp: T0 + 7000n * S, line: line(9) }] },
      ];
      expect((await pushJson(streams, { "X-Scope-OrgID": "idx" })).status).toBe(204);
    });
    const idx = { "X-Scope-OrgID": "idx" };

    it("lists label names and values in the range, optionally for a selector", async () => {
      expect(await getJson(`/loki/api/v1/labels?${range(T0, NOW)}`, idx)).toEqual({
        status: "success",
        data: ["__aws_log_type", "__aws_s3_vpc_flow", "__aws_s3_vpc_flow_owner", "env"],
      });
      expect(await getJson(`/loki/api/v1/label/env/values?${range(T0, NOW)}`, idx)).toEqual({ status: "success", data: ["dev", "prod"] });
      expect(await getJson(`/loki/api/v1/label/__aws_s3_vpc_flow/values?${range(T0, NOW)}&query=${encodeURIComponent('{__aws_s3_vpc_flow_owner="222222222222"}')}`, idx)).toEqual({
        status: "success",
        data: ["fl-idx-2", "fl-idx-3"],
      });
      // a range with no entries: Loki leaves `data` out
      expect(await getJson(`/loki/api/v1/labels?${range(NOW + 3600n * S, NOW + 7200n * S)}`, idx)).toEqual({ status: "success" });
      // streams with entries after the range's end are not listed
      expect(await getJson(`/loki/api/v1/label/__aws_s3_vpc_flow/values?${range(T0 + 6900n * S, T0 + 6950n * S)}`, idx)).toEqual({ status: "success" });
    });

    it("lists series for repeated match[] (GET and form POST)", async () => {
      const q = `match[]=${encodeURIComponent('{env="prod"}')}&match[]=${encodeURIComponent('{__aws_s3_vpc_flow="fl-idx-3"}')}&${range(T0, NOW)}`;
      const expected = { status: "success", data: [flow("fl-idx-3", "222222222222"), { ...flow("fl-idx-1"), env: "prod" }] };
      const got = await getJson(`/loki/api/v1/series?${q}`, idx);
      expect(got.data).toEqual(expect.arrayContaining(expected.data));
      expect(got.data).toHaveLength(2);
      const posted = await send("/loki/api/v1/series", { method: "POST", headers: { ...idx, "Content-Type": "application/x-www-form-urlencoded" }, body: q });
      expect(((await posted.json()) as { data: unknown[] }).data).toHaveLength(2);
      expect(await getJson(`/loki/api/v1/series?${range(T0, NOW)}`, idx)).toMatchObject({ data: expect.any(Array) });
      expect((await getJson(`/loki/api/v1/series?match[]={}&${range(T0, NOW)}`, idx)).data).toHaveLength(3);
    });

    it("answers index stats, scaled to the part of each chunk inside the range as Loki does", async () => {
      const all = await getJson(`/loki/api/v1/index/stats?query=${encodeURIComponent('{__aws_log_type="s3_vpc_flow"}')}&${range(T0, NOW)}`, idx);
      expect(all).toEqual({ streams: 3, chunks: 3, entries: 7, bytes: expect.any(Number) });
      // half of fl-idx-1's chunk span (0 … 1800 s): half of its 4 entries
      const half = await getJson(`/loki/api/v1/index/stats?query=${encodeURIComponent('{__aws_s3_vpc_flow="fl-idx-1"}')}&${range(T0, T0 + 900n * S)}`, idx);
      expect(half).toMatchObject({ streams: 1, chunks: 1, entries: 2 });
    });

    it("answers index volume by series and by labels, largest first", async () => {
      const bySeries = await getJson(`/loki/api/v1/index/volume?query=${encodeURIComponent('{__aws_s3_vpc_flow_owner=~".+"}')}&${range(T0, NOW)}`, idx);
      expect(bySeries.status).toBe("success");
      expect(bySeries.data.resultType).toBe("vector");
      expect(bySeries.data.result.map((r: { metric: unknown }) => r.metric)).toEqual([{ __aws_s3_vpc_flow_owner: "111111111111" }, { __aws_s3_vpc_flow_owner: "222222222222" }]);
      expect(bySeries.data.result[0].value[0]).toBe(Number(NOW / 1_000_000n) / 1000);
      const [first, second] = bySeries.data.result.map((r: { value: [number, string] }) => Number(r.value[1]));
      expect(first).toBeGreaterThan(second);
      const byLabels = await getJson(
        `/loki/api/v1/index/volume?query=${encodeURIComponent('{__aws_log_type="s3_vpc_flow"}')}&aggregateBy=labels&limit=2&${range(T0, NOW)}`,
        idx,
      );
      expect(byLabels.data.result).toHaveLength(2);
      expect(Object.values(byLabels.data.result[0].metric)).toEqual([""]);
      const targeted = await getJson(`/loki/api/v1/index/volume?query=${encodeURIComponent("{}")}&targetLabels=env&${range(T0, NOW)}`, idx);
      expect(targeted.data.result.map((r: { metric: unknown }) => r.metric)).toEqual([{ env: "prod" }, { env: "dev" }]);
    });

    it.each<[string, string, RegExp]>([
      ["a bad selector", `/loki/api/v1/series?match[]=${encodeURIComponent("{env=")}`, /^parse error at line 1, col 6/],
      ["an empty-compatible selector", `/loki/api/v1/label/env/values?query=${encodeURIComponent('{env=~".*"}')}`, /queries require at least one regexp or equality matcher/],
      ["a bad timestamp", "/loki/api/v1/labels?start=yesterday", /^strconv\.ParseInt: parsing "yesterday": invalid syntax\n$/],
      ["a range over max_query_length", `/loki/api/v1/labels?${range(T0 - 32n * 86_400n * S, T0)}`, /^the query time range exceeds the limit \(query length: 768h0m0s, limit: 721h0m0s\)\n$/],
      ["a bad volume aggregation", `/loki/api/v1/index/volume?query={env="dev"}&aggregateBy=teams`, /^invalid aggregation option\n$/],
    ])("answers %s with Loki's 400", async (_name, path, message) => {
      const response = await send(path, { headers: idx });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    });
  });

  describe("queries", () => {
    const q = { "X-Scope-OrgID": "queries" };
    const labelsA = { app: "web", env: "prod" };
    const labelsB = { app: "web", env: "dev" };
    const queryRange = (params: Record<string, string>) => getJson(`/loki/api/v1/query_range?${new URLSearchParams(params)}`, q);
    const window = { start: T0.toString(), end: (T0 + 3600n * S).toString() };

    beforeAll(async () => {
      // out of order on purpose; one stream as JSON, the other as snappy protobuf
      const a = [5, 1, 4, 2, 3].map((i) => ({ timestamp: T0 + BigInt(i) * 60n * S, line: `a ${i} ${i % 2 ? "REJECT" : "ACCEPT"}` }));
      const b = [2, 1].map((i) => ({ timestamp: T0 + BigInt(i) * 60n * S + 1n, line: `b ${i} REJECT` }));
      expect((await pushJson([{ labels: labelsA, entries: a }], q)).status).toBe(204);
      const proto = await send("/loki/api/v1/push", {
        method: "POST",
        headers: { ...q, "Content-Type": "application/x-protobuf" },
        body: Buffer.from(encodePushProtobuf([{ labels: labelsB, entries: b }])),
      });
      expect(proto.status).toBe(204);
    });

    it("answers a log query in Loki's shape, newest first by default", async () => {
      const body = await queryRange({ query: '{app="web", env="prod"}', ...window, limit: "3" });
      expect(body.status).toBe("success");
      expect(body.data.resultType).toBe("streams");
      expect(body.data.result).toEqual([
        {
          stream: labelsA,
          values: [5, 4, 3].map((i) => [(T0 + BigInt(i) * 60n * S).toString(), `a ${i} ${i % 2 ? "REJECT" : "ACCEPT"}`]),
        },
      ]);
    });

    it("reads forward, filters lines and merges streams up to the limit", async () => {
      const body = await queryRange({ query: '{app="web"} |= "REJECT"', ...window, direction: "forward", limit: "3" });
      const entries = body.data.result.flatMap((r: { values: [string, string][] }) => r.values.map(([, l]) => l)).sort();
      expect(entries).toEqual(["a 1 REJECT", "b 1 REJECT", "b 2 REJECT"]);
    });

    it("answers metric and instant queries, also as a form POST", async () => {
      const matrix = await queryRange({ query: 'sum by (env) (count_over_time({app="web"} [10m]))', ...window, step: "600" });
      expect(matrix.data.resultType).toBe("matrix");
      const t0 = Number(T0 / 1_000_000n) / 1000;
      const byEnv = [...matrix.data.result].sort((a, b) => a.metric.env.localeCompare(b.metric.env));
      expect(byEnv).toEqual([
        { metric: { env: "dev" }, values: [[t0 + 600, "2"]] },
        { metric: { env: "prod" }, values: [[t0 + 600, "5"]] },
      ]);
      const posted = await send("/loki/api/v1/query", {
        method: "POST",
        headers: { ...q, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: 'sum(count_over_time({app="web"} |= "REJECT" [1h]))', time: (T0 + 3600n * S).toString() }).toString(),
      });
      expect(posted.status).toBe(200);
      const vector = await posted.json();
      expect(vector.data.resultType).toBe("vector");
      expect(vector.data.result).toEqual([{ metric: {}, value: [Number(T0 / 1_000_000n) / 1000 + 3600, "5"] }]);
    });

    it.each<[string, Record<string, string>, RegExp]>([
      ["bad LogQL", { query: '{app="web"} |= ' }, /^parse error at line 1, col 16: syntax error: unexpected \$end, expecting STRING or ip\n$/],
      ["a limit over max_entries_limit_per_query", { query: '{app="web"}', limit: "5001" }, /^max entries limit per query exceeded, limit > max_entries_limit \(5001 > 5000\)\n$/],
      ["a range over max_query_length", { query: '{app="web"}', start: (T0 - 40n * 86_400n * S).toString() }, /^the query time range exceeds the limit \(query length: 961h0m0s, limit: 721h0m0s\)\n$/],
      ["a selector matching everything", { query: '{app=~".*"}' }, /^parse error : queries require at least one regexp or equality matcher/],
    ])("answers %s with Loki's 400", async (_name, params, message) => {
      const response = await send(`/loki/api/v1/query_range?${new URLSearchParams({ ...window, ...params })}`, { headers: q });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    });

    it("refuses a metric query over max_query_series instead of answering part of it", async () => {
      const strict = await target.start(database.url, { now: NOW, settings: { limits: { ...embedded.store.settings.limits, maxQuerySeries: 1 } } });
      try {
        const response = await strict.send(`/loki/api/v1/query_range?${new URLSearchParams({ query: 'count_over_time({app="web"} [10m])', ...window, step: "600" })}`, { headers: q });
        expect(response.status).toBe(400);
        expect(await response.text()).toBe("maximum of series (1) reached for a single query\n");
      } finally {
        await strict.stop();
      }
    });

    it("answers 504 with Loki's text when a query runs past the query timeout", async () => {
      const hurried = await target.start(database.url, { now: NOW, settings: { limits: { ...embedded.store.settings.limits, queryTimeoutMs: 1 } } });
      try {
        const response = await hurried.send(`/loki/api/v1/query_range?${new URLSearchParams({ query: 'count_over_time({app="web"} [10m])', ...window, step: "1" })}`, { headers: q });
        expect(response.status).toBe(504);
        expect(await response.text()).toMatch(/^Request timed out, decrease the duration of the request/);
      } finally {
        await hurried.stop();
      }
    });
  });

  describe("retention", () => {
    it("drops the day partitions older than the retention, and refuses pushes older than it", async () => {
      const old = T0 - 40n * 86_400n * S;
      const oldDay = new Date(Number(old / 1_000_000n)).toISOString().slice(0, 10).replace(/-/g, "");
      expect((await pushJson([{ labels: flow("fl-aged"), entries: [{ timestamp: old, line: "forty days old" }] }], { "X-Scope-OrgID": "aged" })).status).toBe(204);
      const partitions = async () =>
        (await admin.query(`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'logstore.chunks'::regclass`)).rows.map((r) => r.name as string);
      expect(await partitions()).toContain(`logstore.chunks_${oldDay}`);
      const aged = { "X-Scope-OrgID": "aged" };
      const values = `/loki/api/v1/label/__aws_s3_vpc_flow/values?start=${old - 60n * S}&end=${old + 60n * S}`;
      expect(await getJson(values, aged)).toEqual({ status: "success", data: ["fl-aged"] });

      const keeping = await target.start(database.url, { now: NOW, settings: { retentionMs: 30 * 86_400_000 } });
      try {
        await keeping.embedded.store.maintain();
        expect(await partitions()).not.toContain(`logstore.chunks_${oldDay}`);
        const after = await keeping.send(values, { headers: aged });
        expect(await after.json()).toEqual({ status: "success" });
        const refused = await keeping.send("/loki/api/v1/push", {
          method: "POST",
          headers: { ...aged, "Content-Type": "application/json" },
          body: encodePushJson([{ labels: flow("fl-aged"), entries: [{ timestamp: old, line: "again" }] }]),
        });
        expect(refused.status).toBe(400);
        expect(await refused.text()).toMatch(/has timestamp too old: .*, oldest acceptable timestamp is: 2026-10-25T15:00:00Z\n$/);
      } finally {
        await keeping.stop();
      }
    });
  });

  describe("odd requests", () => {
    it.each<[string, string, RequestInit?]>([
      ["a label name that is not URL-encoded right", "/loki/api/v1/label/%ZZ/values"],
      ["a query_range without a query", "/loki/api/v1/query_range"],
      ["an empty match[]", "/loki/api/v1/series?match[]="],
      ["a huge start", "/loki/api/v1/labels?start=99999999999999999999"],
      ["a float end", "/loki/api/v1/labels?end=1e400"],
      ["a negative volume limit", "/loki/api/v1/index/volume?query={a=%22b%22}&limit=-1"],
      ["stats without a query", "/loki/api/v1/index/stats"],
      ["an instant query at a bad time", "/loki/api/v1/query?query={a=%22b%22}&time=noon"],
      ["a form body that is not a form", "/loki/api/v1/query_range", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "%%%" }],
      ["an empty push", "/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json" }, body: "" }],
      ["a push before 1970", "/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/x-protobuf" }, body: Buffer.from(encodePushProtobuf([{ labels: { a: "b" }, entries: [{ timestamp: -5_000_000_000_000_000n, line: "x" }] }])) }],
    ])("answers %s with a 4xx, never a 500", async (_name, path, init) => {
      const response = await send(path, init);
      const body = await response.text();
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
    });

    it("answers an empty push of no streams with 204", async () => {
      const response = await send("/loki/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"streams":[]}' });
      expect(response.status).toBe(204);
    });
  });

  describe("operations", () => {
    it("is ready while PostgreSQL answers", async () => {
      const response = await send("/ready");
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ready\n");
    });

    it("exposes ingest counters and request latency as Prometheus metrics", async () => {
      const response = await send("/metrics");
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toMatch(/^loki_distributor_lines_received_total\{tenant="fake"\} \d+$/m);
      expect(text).toMatch(/^loki_distributor_bytes_received_total\{tenant="fake"\} \d+$/m);
      expect(text).toMatch(/^loki_request_duration_seconds_count\{method="POST",route="loki_api_v1_push",status_code="204"\} \d+$/m);
      expect(text).toMatch(/^loki_request_duration_seconds_bucket\{method="GET",route="loki_api_v1_labels",status_code="200",le="\+Inf"\} \d+$/m);
    });

    it("counts every received line, duplicates included, as Loki's distributor does", async () => {
      const count = async () => {
        const text = await (await send("/metrics")).text();
        return Number(/^loki_distributor_lines_received_total\{tenant="metrics"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      };
      const body = [{ labels: flow("fl-metrics"), entries: [{ timestamp: T0, line: "x" }] }];
      await pushJson(body, { "X-Scope-OrgID": "metrics" });
      await pushJson(body, { "X-Scope-OrgID": "metrics" });
      expect(await count()).toBe(2);
      expect(embedded.store.metrics.duplicatesDropped.get({ tenant: "metrics" })).toBe(1);
    });
  });
});
