/**
 * The one error type of flowlens. Services throw `AppError` with a code; the edges (tRPC, HTTP
 * route handlers, the CLI) turn the code into a status with `httpStatusOf` / `trpcCodeOf`.
 * Messages are read by people: say what happened, why, and what to do next.
 * Anything may import this module.
 */

export const errorCodes = {
  /** The request itself is wrong (bad input, malformed file, bad LogQL). */
  BAD_REQUEST: { http: 400, trpc: "BAD_REQUEST" },
  /** The caller is not allowed to do this. */
  FORBIDDEN: { http: 403, trpc: "FORBIDDEN" },
  /** The thing asked for does not exist. */
  NOT_FOUND: { http: 404, trpc: "NOT_FOUND" },
  /** The request conflicts with stored state (a duplicate, a stale edit). */
  CONFLICT: { http: 409, trpc: "CONFLICT" },
  /** The request is valid but over a limit (Loki's series or line limits, query length). */
  LIMIT_EXCEEDED: { http: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** Loki (or another dependency) answered with an error. */
  UPSTREAM_ERROR: { http: 502, trpc: "BAD_GATEWAY" },
  /** Loki, PostgreSQL or another dependency could not be reached or timed out. */
  UNAVAILABLE: { http: 503, trpc: "SERVICE_UNAVAILABLE" },
  /** A bug: something that should not happen. */
  INTERNAL: { http: 500, trpc: "INTERNAL_SERVER_ERROR" },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Structured details for the UI, e.g. `{ position: 35 }` for a LogQL parse error. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export function httpStatusOf(code: ErrorCode): number {
  return errorCodes[code].http;
}

export function trpcCodeOf(code: ErrorCode): (typeof errorCodes)[ErrorCode]["trpc"] {
  return errorCodes[code].trpc;
}

/** Any thrown value as an AppError: unknown errors become INTERNAL with their message kept. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("INTERNAL", message, { cause: error });
}
