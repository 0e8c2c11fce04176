/**
 * Request parameters of Loki's HTTP API as Loki reads them (pkg/loghttp/params.go): the form
 * (body before URL, as Go's `r.Form`), timestamps in ns, seconds or RFC3339, `since`, and the
 * tenant header. Pure code, used by http.ts.
 */
import { NS_PER_MS } from "./partitions";

export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParamError";
  }
}

/** Go's r.Form: form-encoded body values first, then the URL's. */
export async function formOf(request: Request, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams();
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (request.method === "POST" && type === "application/x-www-form-urlencoded") {
    for (const [key, value] of new URLSearchParams(await request.text())) params.append(key, value);
  }
  for (const [key, value] of url.searchParams) params.append(key, value);
  return params;
}

const GO_INT = /^[+-]?\d+$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Loki's parseTimestamp: float seconds, integer seconds (≤ 10 digits) or ns, else RFC3339(Nano). */
export function parseTimestamp(value: string): bigint {
  if (value.includes(".")) {
    const seconds = Number(value);
    if (value.trim() !== "" && Number.isFinite(seconds)) {
      const whole = Math.trunc(seconds);
      const fraction = Math.round((seconds - whole) * 1000) / 1000;
      return BigInt(whole) * 1_000_000_000n + BigInt(Math.round(fraction * 1e9));
    }
  }
  if (GO_INT.test(value)) {
    const n = BigInt(value);
    if (n > 9_223_372_036_854_775_807n || n < -9_223_372_036_854_775_808n) {
      throw new ParamError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
    }
    return value.replace(/^[+-]/, "").length <= 10 ? n * 1_000_000_000n : n;
  }
  const match = RFC3339.exec(value);
  if (match) {
    const [, y, mo, d, h, mi, s, frac, zone] = match as unknown as string[];
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (zone && zone.toUpperCase() !== "Z") {
      const sign = zone.startsWith("-") ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    if (!Number.isNaN(ms)) {
      const nanos = frac ? BigInt(frac.slice(1).padEnd(9, "0")) : 0n;
      return BigInt(ms) * NS_PER_MS + nanos;
    }
  }
  throw new ParamError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
}

const SINCE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const SINCE_UNITS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

function parseSince(value: string): bigint {
  const match = value === "0" ? ["0"] : SINCE.exec(value);
  if (!match || value === "") throw new ParamError(`could not parse 'since' parameter: not a valid duration string: ${JSON.stringify(value)}`);
  let ms = 0;
  SINCE_UNITS.forEach((unit, i) => {
    const part = match[i + 1];
    if (part) ms += Number(part) * unit;
  });
  return BigInt(ms) * NS_PER_MS;
}

/** `start`/`end` (and `since`, default 1h before end) as Loki's `bounds`. */
export function boundsOf(form: URLSearchParams, now: bigint): { start: bigint; end: bigint } {
  const endText = form.get("end") ?? "";
  const end = endText === "" ? now : parseTimestamp(endText);
  const sinceText = form.get("since") ?? "";
  const since = sinceText === "" ? 3_600_000n * NS_PER_MS : parseSince(sinceText);
  const startText = form.get("start") ?? "";
  const start = startText === "" ? (end > now ? now : end) - since : parseTimestamp(startText);
  return { start, end };
}

export const DEFAULT_TENANT = "fake";

/** The tenant from X-Scope-OrgID (default `fake`, as Loki with auth disabled), checked as Loki's tenant package does. */
export function tenantOf(request: Request): string {
  const header = request.headers.get("x-scope-orgid");
  if (header === null || header.trim() === "") return DEFAULT_TENANT;
  const tenant = header.trim();
  for (let i = 0; i < tenant.length; i++) {
    const c = tenant[i] as string;
    if (!/[0-9A-Za-z!\-_.*'()]/.test(c)) {
      throw new ParamError(`tenant ID '${tenant}' contains unsupported character '${c}'`);
    }
  }
  if (tenant.length > 150) throw new ParamError("tenant ID is too long: max 150 characters");
  if (tenant === "." || tenant === "..") throw new ParamError("tenant ID is '.' or '..'");
  return tenant;
}
