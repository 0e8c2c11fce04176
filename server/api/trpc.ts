/**
 * tRPC wiring: the request context (user, database, query gate), the error formatter, and the
 * procedure builders. Routers in ./routers are thin: validate input with zod, call a service
 * function, validate the output. Services never import this file.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { type Database, getDb } from "../db/client";
import { env } from "../env";
import { AppError, trpcCodeOf } from "../errors";
import { type QueryGate, getQueryGate } from "../loki/gate";

export interface User {
  /** The name the auth proxy passed in FLOWLENS_USER_HEADER, or FLOWLENS_DEFAULT_USER. */
  name: string;
}

export interface Context {
  user: User;
  db: Database;
  gate: QueryGate;
}

export function userFromHeaders(headers: Headers): User {
  const settings = env();
  const name = headers.get(settings.FLOWLENS_USER_HEADER)?.trim();
  return { name: name && name.length <= 200 ? name : settings.FLOWLENS_DEFAULT_USER };
}

export async function createContext(options: { headers: Headers }): Promise<Context> {
  return { user: userFromHeaders(options.headers), db: getDb(), gate: getQueryGate() };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        appCode: cause instanceof AppError ? cause.code : undefined,
        details: cause instanceof AppError ? cause.details : undefined,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : undefined,
      },
    };
  },
});

/** Turns an AppError thrown by a service into the matching tRPC error, message kept. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodeOf(cause.code), message: cause.message, cause });
  }
  return result;
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;
export const publicProcedure = t.procedure.use(appErrors);
