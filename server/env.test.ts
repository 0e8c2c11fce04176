import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv, parseDurationMs } from "./env";

describe("loadEnv", () => {
  it("fills every default when nothing is set", () => {
    const env = loadEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.LOKI_URL).toBeUndefined();
    expect(env).toMatchObject({
      PORT: 3000,
      LOKI_TIMEOUT: 60_000,
      FLOWLENS_DATA_DIR: ".data",
      FLOWLENS_USER_HEADER: "x-forwarded-user",
    });
    expect(env.dataDir.endsWith("/.data")).toBe(true);
  });

  it.each([
    [{ PORT: "8080" }, { PORT: 8080 }],
    [{ LOKI_URL: "http://loki:3100/" }, { LOKI_URL: "http://loki:3100" }],
    [{ LOKI_URL: "" }, { LOKI_URL: undefined }],
    [{ DATABASE_URL: "postgres://u:p@db:5432/flowlens" }, { DATABASE_URL: "postgres://u:p@db:5432/flowlens" }],
    [{ LOKI_TIMEOUT: "1m30s" }, { LOKI_TIMEOUT: 90_000 }],
    [{ LOKI_USERNAME: "u", LOKI_PASSWORD: "p" }, { LOKI_USERNAME: "u", LOKI_PASSWORD: "p" }],
    [{ FLOWLENS_USER_HEADER: "X-Auth-Request-Email" }, { FLOWLENS_USER_HEADER: "x-auth-request-email" }],
    [{}, { FLOWLENS_STORE_RETENTION: 2_592_000_000, FLOWLENS_STORE_MAX_LINE_SIZE: 256_000, FLOWLENS_STORE_MAX_QUERY_LENGTH: 2_595_600_000 }],
    [{ FLOWLENS_STORE_RETENTION: "0" }, { FLOWLENS_STORE_RETENTION: 0 }],
    [{ FLOWLENS_STORE_RETENTION: "7d", FLOWLENS_STORE_QUERY_TIMEOUT: "2m" }, { FLOWLENS_STORE_RETENTION: 604_800_000, FLOWLENS_STORE_QUERY_TIMEOUT: 120_000 }],
    [{ FLOWLENS_STORE_MAX_LINE_SIZE: "1MiB", FLOWLENS_STORE_CACHE_SIZE: "0" }, { FLOWLENS_STORE_MAX_LINE_SIZE: 1_048_576, FLOWLENS_STORE_CACHE_SIZE: 0 }],
    [{ FLOWLENS_STORE_MAX_ENTRIES_LIMIT_PER_QUERY: "10000" }, { FLOWLENS_STORE_MAX_ENTRIES_LIMIT_PER_QUERY: 10_000 }],
  ])("accepts %j", (input, expected) => {
    expect(loadEnv(input)).toMatchObject(expected);
  });

  it.each([
    [{ PORT: "abc" }, "PORT", "TCP port"],
    [{ PORT: "70000" }, "PORT", "TCP port"],
    [{ LOKI_URL: "loki:3100" }, "LOKI_URL", "http(s) URL"],
    [{ DATABASE_URL: "mysql://x@y/z" }, "DATABASE_URL", "PostgreSQL URL"],
    [{ LOKI_TIMEOUT: "soon" }, "LOKI_TIMEOUT", "duration"],
    [{ LOKI_USERNAME: "u" }, "LOKI_PASSWORD", "go together"],
    [{ LOKI_USERNAME: "u", LOKI_PASSWORD: "p", LOKI_BEARER_TOKEN: "t" }, "LOKI_BEARER_TOKEN", "not both"],
    [{ GRAFANA_URL: "grafana" }, "GRAFANA_URL", "http(s) URL"],
    [{ FLOWLENS_STORE_RETENTION: "a month" }, "FLOWLENS_STORE_RETENTION", "duration"],
    [{ FLOWLENS_STORE_MAX_LINE_SIZE: "big" }, "FLOWLENS_STORE_MAX_LINE_SIZE", "size"],
    [{ FLOWLENS_STORE_MAX_QUERY_SERIES: "0" }, "FLOWLENS_STORE_MAX_QUERY_SERIES", "whole number"],
  ])("rejects %j naming %s", (input, variable, words) => {
    let error: unknown;
    try {
      loadEnv(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`${variable}:`);
    expect(message).toContain(words);
  });

  it("never prints a secret it rejects", () => {
    expect(() => loadEnv({ LOKI_USERNAME: "u", LOKI_PASSWORD: "hunter2", LOKI_BEARER_TOKEN: "s3cret" })).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/s3cret|hunter2/) }),
    );
  });
});

describe("parseDurationMs", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["30d", 2_592_000_000],
    ["1.5h", 5_400_000],
    ["", undefined],
    ["5", undefined],
    ["5 m", undefined],
    ["m5", undefined],
  ])("%j is %j ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });
});
