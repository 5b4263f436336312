// The seed's list contract: page (1-based), limit (default 20, max 100), offset.
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
