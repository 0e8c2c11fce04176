/** Reading a page's search parameters (Next.js gives string | string[] | undefined). */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function stringParams(searchParams: SearchParams): Promise<Record<string, string>> {
  const params = await searchParams;
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? (value[0] ?? "") : (value ?? "")]));
}
