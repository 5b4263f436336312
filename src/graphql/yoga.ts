// TEMPORARY placeholder, replaced by the Pothos/Yoga implementation.
import type { Deps } from '../deps';
export function createGraphQL(_deps: Deps) {
  return { fetch: async (_req: Request, _ctx: { requestId: unknown }) => new Response('{}', { status: 501 }) };
}
