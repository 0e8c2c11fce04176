/** The portal's API: one router per domain, assembled here. */
import { costRouter } from "./routers/cost";
import { flowsRouter } from "./routers/flows";
import { healthRouter } from "./routers/health";
import { inventoryRouter } from "./routers/inventory";
import { investigationsRouter } from "./routers/investigations";
import { viewsRouter } from "./routers/views";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthRouter,
  inventory: inventoryRouter,
  flows: flowsRouter,
  views: viewsRouter,
  investigations: investigationsRouter,
  cost: costRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
