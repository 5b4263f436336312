// GraphQL over HTTP at /graphql (graphql-yoga + the Pothos schema). One context per request: the
// Principal (from the HTTP edge, or authenticated here) and the DataLoaders hanging off it.
//
// Status codes, on purpose:
// - A credential that is sent but wrong (unknown or revoked API key, malformed Authorization) fails
//   the whole request before execution, with the REST status for its code (401 INVALID_API_KEY,
//   403 INVALID_TOKEN / FORBIDDEN) and a GraphQL body: `{errors:[{message, extensions:{code}}]}`.
// - Everything decided during execution (a field needing `portal` without a credential →
//   AUTH_REQUIRED, a missing scope → FORBIDDEN, bad input → VALIDATION_ERROR) is a GraphQL error
//   in an HTTP 200 response, so other fields of the same document still resolve.
import {
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
} from '../../graphql/graphql-js';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, type Plugin } from 'graphql-yoga';
import { authenticate } from '../../auth/authenticate';
import { dbErrorToAppError } from '../../db/errors';
import type { Deps } from '../../deps';
import { setStrictPrismaQueries } from '../../graphql/builder';
import type { GraphQLContext } from '../../graphql/context';
import { AppError } from '../../lib/errors';
import { ANONYMOUS, type Principal } from '../../lib/principal';
import type { RequestView } from '../../rest/context';
import { armorPlugins } from './armor';
import { useCleanInput } from './clean-input';
import { costPlugin } from './cost';
import { useSharedSubscriptions } from './fanout';
import { schema } from './schema';

export interface ServerContext {
  requestId: unknown;
  /** The client address, when the HTTP edge passes it (used for usage records). */
  ip?: string | null;
  /** The Principal the HTTP edge already authenticated (and its failure), so that a request is
   * authenticated once; without them this door authenticates by itself. */
  principal?: Principal;
  authError?: Error;
}

/** Requests a browser may send cross-site without a CORS preflight (form posts, multipart) must not
 * ride on the session cookie. JSON POSTs need a preflight, and GET cannot run mutations. */
const preflighted = (req: RequestView) =>
  req.method === 'GET' ||
  /^application\/(graphql-response\+)?json\b/i.test(req.headers.get('content-type') ?? '');

async function principalFor(deps: Deps, request: RequestView, edge: ServerContext): Promise<Principal> {
  let principal: Principal;
  try {
    if (edge.authError) throw edge.authError;
    principal =
      edge.principal ??
      (await authenticate(deps, request.headers.get('authorization'), request.headers.get('cookie')));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: err.status } } });
  }
  const viaCookie = principal.kind !== 'anonymous' && !request.headers.get('authorization');
  return viaCookie && !preflighted(request) ? ANONYMOUS : principal;
}

/** AppErrors that no typed union member caught keep their message and stable code; anything else
 * is masked ("Unexpected error.") and logged, never leaking a stack trace. */
function maskWith(deps: Deps) {
  return (error: unknown, message: string): Error => {
    if (isOriginalGraphQLError(error)) return error as Error;
    const located = error instanceof GraphQLError ? error : undefined;
    const original = located?.originalError ?? error;
    const at = {
      nodes: located?.nodes,
      source: located?.source,
      positions: located?.positions,
      path: located?.path,
    };
    // Database errors the request caused are its 4xx codes here too (src/db/errors.ts).
    const unavailable = deps.dbHealth.report(original);
    const known = dbErrorToAppError(original);
    if (known) {
      if (known !== original && !unavailable)
        deps.logger.warn({ err: original }, 'graphql: database refused the request');
      return new GraphQLError(known.message, { ...at, extensions: { code: known.code } });
    }
    deps.logger.error({ err: original }, 'graphql: unexpected error');
    // The same code as a REST 500; yoga's HTTP-level errors keep their status.
    const http = located?.extensions?.http;
    return new GraphQLError(message, {
      ...at,
      extensions: { code: 'INTERNAL_ERROR', ...(http ? { http } : {}) },
    });
  };
}

/** A GraphQLError we (or yoga, or graphql-js) raised on purpose, as opposed to a wrapped throw. */
const isOriginalGraphQLError = (error: unknown) =>
  error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError);

/** "Did you mean …?" hints (fields, arguments, enum values, input fields) spell out the schema that
 * production hides by switching introspection off. graphql-armor's blockFieldSuggestion covers
 * validation only; enum values in variables are coerced at execution. */
const SUGGESTION = /\s*Did you mean [^?]*\?\s*$/;

/** Document validation and variable coercion errors carry no code in graphql-js; give them
 * VALIDATION_ERROR so every error a client sees has a stable `extensions.code` (and, with
 * `hideSuggestions`, no hint of what the schema holds). */
const withCode = (errors: readonly Error[], hideSuggestions: boolean) =>
  errors.map((e) => {
    if (!(e instanceof GraphQLError)) return e;
    const hint = hideSuggestions && SUGGESTION.test(e.message);
    if (e.extensions?.code && !hint) return e;
    return new GraphQLError(hint ? e.message.replace(SUGGESTION, '') : e.message, {
      nodes: e.nodes,
      source: e.source,
      positions: e.positions,
      path: e.path,
      originalError: e.originalError,
      extensions: { ...e.extensions, code: e.extensions?.code ?? 'VALIDATION_ERROR' },
    });
  });

const errorCodes = (hideSuggestions: boolean): Plugin => ({
  onValidate:
    () =>
    ({ result, setResult }) => {
      if (result.length > 0) setResult(withCode(result, hideSuggestions));
    },
  onExecute: () => ({
    onExecuteDone({ result, setResult }) {
      const r = result as ExecutionResult;
      // Errors without a path happened before any resolver ran: variable coercion.
      if (r.errors?.length && r.errors.every((e) => !e.path))
        setResult({ ...r, errors: withCode(r.errors, hideSuggestions) });
    },
  }),
  onSubscribe: () => ({
    onSubscribeResult({ result, setResult }) {
      const r = result as ExecutionResult;
      if (r.errors?.length && r.errors.every((e) => !e.path))
        setResult({ ...r, errors: withCode(r.errors, hideSuggestions) });
    },
  }),
});

/** Queries and mutations run as code compiled once per document (graphql-jit), which took the
 * GraphQL validate benchmark from about 7,500 to 9,500 req/s; a compile failure falls back to the
 * standard executor for that document. Subscriptions keep graphql-js's executor: their per-event
 * execution is what src/events/subscriptions.ts is built on. */
export const JIT_FALLBACK = 'graphql-jit: document not compiled; using the standard executor';
function useJit(deps: Deps): Plugin {
  return useGraphQlJit(
    {},
    {
      enableIf: (args) =>
        getOperationAST(args.document, args.operationName)?.operation !== OperationTypeNode.SUBSCRIPTION,
      onError: (result) => deps.logger.warn({ errors: result.errors }, JIT_FALLBACK),
    },
  ) as Plugin;
}

/** What GraphiQL opens with instead of its welcome text. */
export const GRAPHIQL_EXAMPLE = `# Traffic Orchestrator's GraphQL API. Run this with the ▶ button (or Ctrl-Enter).
#
# Your credential goes in the Headers tab below, as JSON:
#   {"Authorization": "Bearer to_live_…"}
# (an API key: to_test_… for test data). Signed in to /dashboard in this browser, your session
# cookie is used and no header is needed.
query Example {
  viewer {
    kind
    environment
    account {
      name
    }
  }
  licenses(first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {
    totalCount
    nodes {
      id
      key
      status
      email
      product {
        name
      }
    }
  }
}
`;

export function createGraphQL(deps: Deps) {
  let graphiqlPage: Promise<string> | null = null;
  setStrictPrismaQueries(deps.config.env !== 'production');
  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // GraphiQL is a development aid; production deployments do not serve it. It opens on a query that
    // works as it is (with the dashboard's session cookie, or a key in the Headers tab it shows).
    graphiql: deps.config.env !== 'production' && {
      title: 'Traffic Orchestrator GraphQL',
      defaultQuery: GRAPHIQL_EXAMPLE,
      defaultEditorToolsVisibility: 'headers',
    },
    // GraphiQL with its assets inlined (about 9 MB, rendered once), so it works with no network;
    // yoga's default page loads them from a CDN. Imported on first use: the module holds those
    // assets (about 45 MB of RSS) and production never serves the page.
    renderGraphiQL: (opts) =>
      (graphiqlPage ??= import('@graphql-yoga/render-graphiql').then((m) => m.renderGraphiQL(opts))),
    landingPage: false,
    // No file uploads here, and no multipart: one less way to post cross-site without a preflight.
    multipart: false,
    // CORS is the app's policy (config.corsOrigins, src/app.ts), the same for /graphql and /api/v1;
    // yoga's own default would reflect any origin *with* credentials.
    cors: false,
    maskedErrors: { maskError: maskWith(deps), isDev: false },
    logging: {
      debug: (...args) => deps.logger.debug({ component: 'graphql' }, String(args[0])),
      info: (...args) => deps.logger.info({ component: 'graphql' }, String(args[0])),
      warn: (...args) => deps.logger.warn({ component: 'graphql' }, String(args[0])),
      error: (...args) => {
        // An unreachable database is logged once per outage (src/db/availability.ts).
        if (args.some((a) => deps.dbHealth.report(a))) return;
        deps.logger.error({ component: 'graphql', err: args[1] }, String(args[0]));
      },
    },
    // Document limits and introspection first: a refused document never reaches execution. The
    // cost with the request's variables is checked as execution starts, before the compiled code.
    plugins: [
      ...armorPlugins(deps.config.graphql),
      errorCodes(!deps.config.graphql.introspection),
      useCleanInput,
      costPlugin(deps.config.graphql.maxNodes),
      useJit(deps),
      // Subscribers that would get identical results share each event's execution (fanout.ts).
      useSharedSubscriptions(),
    ],
    context: async ({ request, ...edge }) => ({
      deps,
      principal: await principalFor(deps, request, edge),
      requestId: typeof edge.requestId === 'string' ? edge.requestId : '',
      ip: edge.ip ?? null,
      userAgent: request.headers.get('user-agent'),
    }),
  });
  return {
    yoga,
    fetch: (req: Request, ctx: ServerContext): Promise<Response> => Promise.resolve(yoga.fetch(req, ctx)),
  };
}
