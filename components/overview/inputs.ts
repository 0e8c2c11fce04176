/**
 * The overview's procedure inputs, shared by the server page's prefetch and the browser's cards
 * (a plain module: a "use client" file's constants are not values in a server component).
 */

/** The investigations list as the list procedure sorts it (newest change first), archived left out. */
export const recentInvestigationsInput = { archived: false } as const;

/** How many of them the overview shows. */
export const RECENT_INVESTIGATIONS_SHOWN = 6;
