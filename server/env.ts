/**
 * Configuration: every setting flowlens reads from the environment, validated once at start.
 *
 * The README's "Configuration" table lists the same variables; keep the two in step.
 * A bad value stops the start with a message that names the variable (see `loadEnv`).
 * Anything may import this module; nothing else reads `process.env` for settings.
 */
import path from "node:path";
import { z } from "zod";

const httpUrl = (example: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === "http:" || url.protocol === "https:";
      } catch {
        return false;
      }
    }, `must be an http(s) URL, e.g. ${example}`)
    .transform((value) => value.replace(/\/+$/, ""));

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a PostgreSQL URL, e.g. postgresql://user:password@localhost:5432/flowlens");

/** A Go-style duration such as `30s`, `5m`, `1h30m`, `30d`; parsed to milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const units: Record<string, number> = {
    ms: 1,
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  const match = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+$/.exec(text.trim());
  if (!match) return undefined;
  let total = 0;
  for (const part of text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) {
    total += Number(part[1]) * (units[part[2] as string] as number);
  }
  return total;
}

const duration = (example: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: "custom", message: `must be a duration such as ${example}` });
        return z.NEVER;
      }
      return ms;
    });

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

/** A duration where `0` means "no limit" / "off" (Loki's convention), in ms. */
const durationOrOff = (example: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (/^0+(?:ms|s|m|h|d|w|y)?$/.test(value)) return 0;
      const ms = parseDurationMs(value);
      if (ms === undefined) {
        ctx.addIssue({ code: "custom", message: `must be a duration such as ${example}, or 0 to turn it off` });
        return z.NEVER;
      }
      return ms;
    });

/** A size in bytes: `1048576`, `256KB` (1000), `256KiB` (1024), `1MB`, `1GiB` (as Loki's go-humanize). */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "").toLowerCase();
  const base = unit.endsWith("i") ? 1024 : 1000;
  const power = { "": 0, k: 1, m: 2, g: 3, t: 4 }[unit.replace("i", "")] ?? 0;
  return Math.round(Number(match[1]) * base ** power);
}

const byteSize = (example: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const bytes = parseByteSize(value);
      if (bytes === undefined) {
        ctx.addIssue({ code: "custom", message: `must be a size such as ${example}, or 0 to turn it off` });
        return z.NEVER;
      }
      return bytes;
    });

const positiveInt = (what: string) =>
  z.coerce.number({ message: `must be ${what}` }).int(`must be ${what}`).min(1, `must be ${what}`);

const schema = z
  .object({
    DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
    LOKI_URL: z.preprocess(emptyAsUndefined, httpUrl("http://loki:3100").optional()),
    LOKI_TENANT_ID: z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional()),
    LOKI_USERNAME: z.preprocess(emptyAsUndefined, z.string().optional()),
    LOKI_PASSWORD: z.preprocess(emptyAsUndefined, z.string().optional()),
    LOKI_BEARER_TOKEN: z.preprocess(emptyAsUndefined, z.string().optional()),
    LOKI_TIMEOUT: z.preprocess(emptyAsUndefined, duration("60s").default(60_000)),
    PORT: z.preprocess(
      emptyAsUndefined,
      z.coerce
        .number({ message: "must be a TCP port number between 1 and 65535" })
        .int("must be a TCP port number between 1 and 65535")
        .min(1, "must be a TCP port number between 1 and 65535")
        .max(65535, "must be a TCP port number between 1 and 65535")
        .default(3000),
    ),
    HOSTNAME: z.preprocess(emptyAsUndefined, z.string().trim().min(1).default("0.0.0.0")),
    FLOWLENS_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().trim().min(1).default(".data")),
    FLOWLENS_USER_HEADER: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9-]+$/, "must be an HTTP header name, e.g. x-forwarded-user")
        .default("x-forwarded-user"),
    ),
    FLOWLENS_DEFAULT_USER: z.preprocess(emptyAsUndefined, z.string().trim().min(1).default("anonymous")),
    GRAFANA_URL: z.preprocess(emptyAsUndefined, httpUrl("https://grafana.example.com").optional()),
    GRAFANA_LOKI_DATASOURCE: z.preprocess(emptyAsUndefined, z.string().trim().min(1).default("loki")),
    FLOWLENS_STORE_RETENTION: z.preprocess(emptyAsUndefined, durationOrOff("30d").default(30 * 86_400_000)),
    FLOWLENS_STORE_MAX_QUERY_LENGTH: z.preprocess(emptyAsUndefined, durationOrOff("721h").default(721 * 3_600_000)),
    FLOWLENS_STORE_QUERY_TIMEOUT: z.preprocess(emptyAsUndefined, duration("1m").default(60_000)),
    FLOWLENS_STORE_MAX_ENTRIES_LIMIT_PER_QUERY: z.preprocess(emptyAsUndefined, positiveInt("a whole number of log lines, e.g. 5000").default(5000)),
    FLOWLENS_STORE_MAX_QUERY_SERIES: z.preprocess(emptyAsUndefined, positiveInt("a whole number of series, e.g. 500").default(500)),
    FLOWLENS_STORE_MAX_LINE_SIZE: z.preprocess(emptyAsUndefined, byteSize("256KB").default(256_000)),
    FLOWLENS_STORE_CACHE_SIZE: z.preprocess(emptyAsUndefined, byteSize("256MB").default(256 * 1024 * 1024)),
    FLOWLENS_ROLLUP_DELIVERY_DELAY: z.preprocess(emptyAsUndefined, durationOrOff("15m").default(15 * 60_000)),
    FLOWLENS_ROLLUP_INTERVAL: z.preprocess(emptyAsUndefined, durationOrOff("5m").default(5 * 60_000)),
    FLOWLENS_ROLLUP_BACKFILL: z.preprocess(emptyAsUndefined, durationOrOff("31d").default(31 * 86_400_000)),
    FLOWLENS_ROLLUP_LATE_WINDOW: z.preprocess(emptyAsUndefined, durationOrOff("6h").default(6 * 3_600_000)),
  })
  .superRefine((env, ctx) => {
    if ((env.LOKI_USERNAME === undefined) !== (env.LOKI_PASSWORD === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [env.LOKI_USERNAME === undefined ? "LOKI_USERNAME" : "LOKI_PASSWORD"],
        message: "LOKI_USERNAME and LOKI_PASSWORD go together (basic auth): set both or neither",
      });
    }
    if (env.LOKI_BEARER_TOKEN !== undefined && env.LOKI_USERNAME !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["LOKI_BEARER_TOKEN"],
        message: "choose basic auth (LOKI_USERNAME/LOKI_PASSWORD) or LOKI_BEARER_TOKEN, not both",
      });
    }
  });

export type Env = z.infer<typeof schema> & {
  /** FLOWLENS_DATA_DIR resolved against the working directory. */
  dataDir: string;
};

/** Raised when the environment holds a bad value; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string; value?: string }[]) {
    super(
      "flowlens cannot start: the configuration has " +
        (problems.length === 1 ? "a bad value" : `${problems.length} bad values`) +
        "\n" +
        problems
          .map((p) => `  ${p.variable}: ${p.message}${p.value === undefined ? "" : ` (got ${JSON.stringify(p.value)})`}`)
          .join("\n") +
        "\nSee the Configuration table in README.md.",
    );
    this.name = "ConfigError";
  }
}

const SECRET = /PASSWORD|TOKEN/;

/** Validates a set of environment variables (default: this process's) into typed settings. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "environment");
        const raw = source[variable];
        return {
          variable,
          message: issue.message,
          value: raw === undefined || SECRET.test(variable) ? undefined : raw,
        };
      }),
    );
  }
  return { ...result.data, dataDir: path.resolve(result.data.FLOWLENS_DATA_DIR) };
}

let cached: Env | undefined;

/** This process's settings, validated on first use. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
