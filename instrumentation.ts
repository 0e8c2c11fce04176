/**
 * Runs once when the Next.js server starts: validate the configuration so that a bad value
 * stops the start with a message naming the variable, not the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env } = await import("./server/env");
    env();
  }
}
