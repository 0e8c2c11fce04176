import { QueryClient, defaultShouldDehydrateQuery } from "@tanstack/react-query";

/** One TanStack QueryClient setup shared by the browser and by server-side prefetching. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false },
      dehydrate: {
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}
