import { SstoreError } from '../errors.ts';

/** One page as a provider reads it: the items and, when the API says, how many it meant to send. */
export interface Page<T> {
  items: T[];
  perPage?: number;
  totalPages?: number;
}

export const PER_PAGE = 100;

/**
 * Every item of a page-numbered collection, page by page, 100 at a time. Stops on an empty page (what the official
 * SDK does), and earlier on a short page, which can only be the last one.
 */
export async function* paginate<T>(fetchPage: (page: number, perPage: number) => Promise<Page<T>>, perPage = PER_PAGE): AsyncGenerator<T> {
  for (let page = 1; ; page++) {
    const result = await fetchPage(page, perPage);
    if (result.items.length === 0) return;
    yield* result.items;
    if (result.items.length < (result.perPage ?? perPage)) return;
    if (result.totalPages !== undefined && result.totalPages > 0 && page >= result.totalPages) return;
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** One page of a cursor-paged collection (Stripe style, as SGP's): the items and whether more follow. */
export interface CursorPage<T> {
  items: T[];
  hasMore: boolean;
}

/**
 * Every item of a cursor-paged collection: the first page, then `starting_after` = the last item's id while the API
 * says `has_more`. A page that would not move the cursor ends the walk with an error instead of looping forever.
 */
export async function* cursorPaginate<T>(fetchPage: (startingAfter: string | undefined) => Promise<CursorPage<T>>, idOf: (item: T) => string): AsyncGenerator<T> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    const last = page.items.at(-1);
    if (!page.hasMore || last === undefined) return;
    cursor = idOf(last);
    if (seen.has(cursor)) throw new SstoreError('internal', 'the API sent the same page twice (has_more never ends)', { reason: 'bad_response' });
    seen.add(cursor);
  }
}
