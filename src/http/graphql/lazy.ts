// GraphQL, loaded on first use. The yoga server and the Pothos schema are the costliest part of a
// start (about 0.7 s of CPU and 55 MB of RSS, `npm run bench -- startup`), and a deployment that only
// validates keys over REST never needs them; the first /graphql request (HTTP or WebSocket) imports
// and builds them, and every later one reuses that build.
import type { Deps } from '../../deps';
import type { GraphQLHttp, Yoga } from './graphql-http';

export interface LazyGraphQL {
  /** The yoga server, built on the first call. */
  yoga: () => Promise<Yoga>;
  /** The /graphql HTTP handler; loads GraphQL on the first request. */
  http: GraphQLHttp;
}

export function lazyGraphQL(deps: Deps, maxBodyBytes: number): LazyGraphQL {
  let loading: Promise<{ yoga: Yoga; http: GraphQLHttp }> | null = null;
  const load = () =>
    (loading ??= Promise.all([import('./yoga'), import('./graphql-http')]).then(([y, h]) => {
      const yoga = y.createGraphQL(deps).yoga;
      return { yoga, http: h.createGraphQLHttp(deps, yoga, maxBodyBytes) };
    }));
  return {
    yoga: async () => (await load()).yoga,
    http: async (c, ctx) => (await load()).http(c, ctx),
  };
}
