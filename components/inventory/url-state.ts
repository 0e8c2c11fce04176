"use client";
/**
 * View state in the URL (search text, filters): pages stay shareable and the back button works.
 * `useUrlParam("q")` gives the value and a setter that replaces the URL without scrolling.
 */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";

export function useUrlParam(name: string): [string, (value: string) => void] {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const value = params.get(name) ?? "";
  const setValue = useCallback(
    (next: string) => {
      const updated = new URLSearchParams(params.toString());
      if (next === "") updated.delete(name);
      else updated.set(name, next);
      const query = updated.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [name, params, pathname, router],
  );
  return [value, setValue];
}
