// The key-enumeration guard REST applies to its public key routes (licenses.rest.ts `guarded`),
// for the public GraphQL mutations: an IP with too many lookups of unknown keys is refused before
// the lookup, and every unknown key it tries counts.
import { AppError } from '../lib/errors';
import { LICENSE_NOT_FOUND } from '../licensing/activations.service';
import type { GraphQLContext } from './context';
import { GraphQLError } from './graphql-js';

export async function guardKeyLookup<T>(
  ctx: GraphQLContext,
  lookup: () => Promise<T>,
  /** For results that report an unknown key instead of throwing (validation's NOT_FOUND). */
  isUnknownKey: (result: T) => boolean = () => false,
): Promise<T> {
  const { limits, metrics } = ctx.deps;
  const who = ctx.ip ?? 'unknown';
  const blocked = await limits.lookupsBlocked(who);
  if (blocked) {
    metrics.rateLimited.inc({ limiter: 'lookup' });
    throw new GraphQLError('Rate limit exceeded', {
      extensions: { code: 'RATE_LIMITED', retryAfter: blocked.retryAfter ?? 1 },
    });
  }
  try {
    const result = await lookup();
    if (isUnknownKey(result)) await limits.failedLookup(who);
    return result;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND' && err.message === LICENSE_NOT_FOUND) {
      await limits.failedLookup(who);
    }
    throw err;
  }
}
