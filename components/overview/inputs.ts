/**
 * The overview's procedure inputs, shared by the server page's prefetch and the browser's cards
 * (a plain module: a "use client" file's constants are not values in a server component).
 */

/** How many investigations the overview shows. */
export const RECENT_INVESTIGATIONS_SHOWN = 6;

/** The newest changed investigations, as the list procedure sorts them, archived left out. */
export const recentInvestigationsInput = { archived: false, limit: RECENT_INVESTIGATIONS_SHOWN } as const;
