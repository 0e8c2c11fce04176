"use client";
/** A search field whose text lives in the URL (`?q=`), applied as one types (debounced). */
import { useEffect, useState } from "react";
import { useUrlParam } from "./url-state";

export function SearchBox({ placeholder, param = "q" }: { placeholder: string; param?: string }) {
  const [value, setValue] = useUrlParam(param);
  const [text, setText] = useState(value);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => setValue(text), 250);
    return () => clearTimeout(timer);
  }, [text, value, setValue]);
  return <input type="search" aria-label="Search" placeholder={placeholder} value={text} onChange={(event) => setText(event.target.value)} />;
}
