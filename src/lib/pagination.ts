// The seed's list contract (page, 1-based; limit, default 20, max 100; offset) and the one way a
// service loads a page: its rows and the total, in one round trip each.
import { z } from 'zod';

export const PaginationQuery = z.object({
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type PaginationInput = z.infer<typeof PaginationQuery>;

export interface PageWindow {
  page: number;
  limit: number;
  skip: number;
  take: number;
}

/** Limits above 100 are clamped to 100, as the seed documents the maximum. */
export function pageWindow(q: PaginationInput, defaultLimit = 20): PageWindow {
  const limit = Math.min(q.limit ?? defaultLimit, 100);
  if (q.offset !== undefined) {
    return { page: Math.floor(q.offset / limit) + 1, limit, skip: q.offset, take: limit };
  }
  const page = q.page ?? 1;
  return { page, limit, skip: (page - 1) * limit, take: limit };
}

export function paginated<T>(data: T[], total: number, w: PageWindow) {
  const totalPages = Math.ceil(total / w.limit);
  return {
    data,
    pagination: { page: w.page, limit: w.limit, total, totalPages, hasMore: w.skip + data.length < total },
  };
}

/** Lists read newest first; `id` breaks ties so pages and cursors are stable. */
export const newestFirst = () => [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
export const oldestFirst = () => [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

type Order = ReturnType<typeof newestFirst> | ReturnType<typeof oldestFirst>;

/** A Prisma model delegate, as far as a page needs it. */
interface Pageable<W, T> {
  findMany(args: { where: W; orderBy: Order; skip: number; take: number }): PromiseLike<T[]>;
  count(args: { where: W }): PromiseLike<number>;
}

export interface Page<T> {
  data: T[];
  total: number;
}

/** One page of `model` rows matching `where` (newest first unless told), with the total. */
export async function listPage<W, T>(
  model: Pageable<W, T>,
  where: W,
  w: PageWindow,
  orderBy: Order = newestFirst(),
): Promise<Page<T>> {
  const [data, total] = await Promise.all([
    model.findMany({ where, orderBy, skip: w.skip, take: w.take }),
    model.count({ where }),
  ]);
  return { data, total };
}
