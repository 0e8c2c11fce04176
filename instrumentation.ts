/**
 * Runs once when the Next.js server starts: validate the configuration so that a bad value
 * stops the start with a message naming the variable, not the first request; then start the
 * background work of the portal process (the cost rollup schedule, server/cost/scheduler.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env } = await import("./server/env");
    env();
    const { startPortalRollupSchedule } = await import("./server/cost/scheduler");
    await startPortalRollupSchedule();
  }
}
