// How `GET /institutions?name=` matches and orders, written once: the sandbox answers with it, and the widget uses it
// to narrow an answer it already holds (src/api/queries.ts, `narrowedSearch`) instead of asking again.
//
// The spec says only "institutions in which the appended string appears" (example `mxbank`, which finds "MX Bank").
// So: case-insensitive substring of the name, of the name without spaces, or of the code. Every part of that is a
// substring test, so a longer query that contains a shorter one can only match fewer institutions: a complete answer
// to the shorter one holds every match of the longer one. MX does not document its order; the sandbox's is names that
// start with the query first, then A–Z, with a fixed locale so that browser and server sort alike.

/** The query as it is compared: trimmed, lower case. */
export const searchTerm = (query: string): string => query.trim().toLowerCase();

/** Whether an institution answers a search for `term` (a `searchTerm`, not empty). */
export function matchesSearch(institution: { name: string; code: string }, term: string): boolean {
  const name = institution.name.toLowerCase();
  const squashed = term.replaceAll(/\s+/g, '');
  return name.includes(term) || name.replaceAll(/\s+/g, '').includes(squashed) || institution.code.includes(squashed);
}

/** The order of a search's answer for `term`: names that start with it first, then by name. */
export const searchOrder =
  (term: string) =>
  (a: { name: string }, b: { name: string }): number =>
    rank(a.name, term) - rank(b.name, term) || a.name.localeCompare(b.name, 'en');

const rank = (name: string, term: string): number => (name.toLowerCase().startsWith(term) ? 0 : 1);
