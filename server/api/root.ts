/** The portal's API: one router per domain, assembled here. */
import { healthRouter } from "./routers/health";
import { inventoryRouter } from "./routers/inventory";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthRouter,
  inventory: inventoryRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
