// MX's pagination: `page` (default 1) and `records_per_page` (default 25; valid 10..max; over max falls back to 25,
// as the spec's parameter descriptions say; under 10 is raised to 10).
import { HTTPException } from 'hono/http-exception';

import type { components } from '../../mx/mxTypes.generated.ts';

export const DEFAULT_PER_PAGE = 25;
export const MIN_PER_PAGE = 10;

function integer(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new HTTPException(400, { message: `"${name}" must be an integer.` });
  return Number(raw);
}

export function paginate<T>(
  list: readonly T[],
  query: Record<string, string | undefined>,
  maxPerPage: 100 | 1000,
): { items: T[]; pagination: components['schemas']['PaginationResponse'] } {
  const requested = integer(query.records_per_page, 'records_per_page');
  const perPage =
    requested === undefined || requested > maxPerPage ? DEFAULT_PER_PAGE : Math.max(MIN_PER_PAGE, requested);
  const page = Math.max(1, integer(query.page, 'page') ?? 1);
  const start = (page - 1) * perPage;
  return {
    items: list.slice(start, start + perPage),
    pagination: {
      current_page: page,
      per_page: perPage,
      total_entries: list.length,
      total_pages: Math.ceil(list.length / perPage),
    },
  };
}
