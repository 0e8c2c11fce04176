/** The time a server page resolves relative ranges at (the browser reuses it, so both ask Loki the same). */
export function requestTimeMs(): number {
  return Date.now();
}
