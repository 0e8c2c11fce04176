"use client";
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False during the server render and the browser's hydrating render, true after: views whose
 * queries stream in from the server's prefetch render their data only then, so the HTML the server
 * sent and the browser's first render always agree.
 */
export function useMounted(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
