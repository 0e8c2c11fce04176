/** Pushes log lines to a store's push API as JSON, as a log shipper would; fails the test unless it answers 204. */
import { expect } from "vitest";

export async function pushLines(handle: (request: Request) => Promise<Response>, stream: Record<string, string>, values: [string, string][]): Promise<void> {
  const response = await handle(
    new Request("http://store/loki/api/v1/push", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ streams: [{ stream, values }] }),
    }),
  );
  expect(response.status, await response.clone().text()).toBe(204);
}
