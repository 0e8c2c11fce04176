"use client";
import { useEffect, useState } from "react";

/**
 * The time relative times are measured from: the server's request time first (so the HTML the
 * server sent and the browser's first render agree), then the browser's clock once a minute.
 */
export function useNow(requestTimeMs: number, everyMs = 60_000): number {
  const [now, setNow] = useState(requestTimeMs);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
