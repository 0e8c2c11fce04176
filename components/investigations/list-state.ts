/** The investigations list's filters in the URL: one parser map for the server page's prefetch and the browser. */
import { createLoader, parseAsBoolean, parseAsString, parseAsStringLiteral } from "nuqs/server";

export const investigationListParsers = {
  q: parseAsString.withDefault(""),
  status: parseAsStringLiteral(["open", "resolved"] as const),
  tag: parseAsString.withDefault(""),
  owner: parseAsString.withDefault(""),
  archived: parseAsBoolean.withDefault(false),
};

export const loadInvestigationListState = createLoader(investigationListParsers);

export function listInput(state: { q: string; status: "open" | "resolved" | null; tag: string; owner: string; archived: boolean }) {
  return {
    search: state.q || undefined,
    status: state.status ?? undefined,
    tag: state.tag || undefined,
    owner: state.owner || undefined,
    archived: state.archived,
  };
}
