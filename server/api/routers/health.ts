import { z } from "zod";
import { checkHealth } from "../../health";
import { publicProcedure, router } from "../trpc";

const dependency = z.object({ ok: z.boolean(), latencyMs: z.number(), message: z.string() });

export const healthRouter = router({
  check: publicProcedure
    .output(
      z.object({
        ok: z.boolean(),
        checkedAt: z.string(),
        database: dependency,
        logBackend: dependency.extend({ kind: z.enum(["loki", "embedded"]), url: z.string() }),
      }),
    )
    .query(({ ctx }) => checkHealth({ db: ctx.db, gate: ctx.gate })),
});
