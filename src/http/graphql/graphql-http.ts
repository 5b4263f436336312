// GraphQL over HTTP for the common case: a JSON POST of a query or mutation. It runs through yoga's
// envelop (the same plugins: parser and validation caches, armor, error codes, masking, context)
// but skips yoga's web-standard HTTP layer, which cost more than the operation itself (the validate
// benchmark in the README). Everything else — GET, GraphiQL, SSE, subscriptions, batches, other
// content types — goes to yoga as before.
import type { YogaServerInstance } from 'graphql-yoga';
import type { GraphQLContext } from '../../graphql/context';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  OperationTypeNode,
} from '../../graphql/graphql-js';
import type { HttpCtx, Reply } from '../../rest/context';
import type { Deps } from '../../deps';
import { AppError } from '../../lib/errors';
import { credentialScope, fingerprintOf, idempotencyKeyOf, idempotent, storable } from '../idempotency';
import { readBody } from '../router';
import type { ServerContext } from './yoga';

export type Yoga = YogaServerInstance<ServerContext, GraphQLContext>;

/** What yoga's envelop hands out per request (its own typing is `any`). */
export interface Enveloped {
  schema: GraphQLSchema;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
  contextFactory: () => Promise<unknown>;
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** yoga.getEnveloped, typed. */
export const envelop = (yoga: Yoga, initial: object) => yoga.getEnveloped(initial as never) as Enveloped;

interface Params {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
}

const isParams = (p: unknown): p is Params =>
  typeof p === 'object' &&
  p !== null &&
  !Array.isArray(p) &&
  typeof (p as Params).query === 'string' &&
  ((p as Params).variables == null ||
    (typeof (p as Params).variables === 'object' && !Array.isArray((p as Params).variables))) &&
  ((p as Params).operationName == null || typeof (p as Params).operationName === 'string');

/** Like yoga's own serialisation: no `http` hints or original errors in what the client sees. */
function errorJson(e: GraphQLError) {
  const j = e.toJSON() as { extensions?: Record<string, unknown> };
  if (j.extensions) {
    const { http: _http, originalError: _original, ...rest } = j.extensions;
    j.extensions = rest;
  }
  return j;
}

function respond(c: HttpCtx, result: ExecutionResult, status = 200): Reply {
  const accept = c.req.headers.get('accept') ?? '';
  const type = accept.includes('application/graphql-response+json')
    ? 'application/graphql-response+json; charset=utf-8'
    : 'application/json; charset=utf-8';
  const body: Record<string, unknown> = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => errorJson(e as GraphQLError));
  if (result.data !== undefined) body.data = result.data;
  if (result.extensions) body.extensions = result.extensions;
  return c.body(JSON.stringify(body), status, { 'Content-Type': type });
}

/** An operation refused before it ran (no data; e.g. the cost limit) answers with its error's HTTP
 * status, as yoga does; anything that ran is 200. */
function refusedStatus(result: ExecutionResult): number {
  if (result.data !== undefined || !result.errors?.length) return 200;
  const http = result.errors[0]?.extensions?.http as { status?: number } | undefined;
  return http?.status ?? 200;
}

export type GraphQLHttp = (c: HttpCtx, ctx: ServerContext) => Promise<Reply>;

/** Documents kept parsed and validated, by query text. */
const KEPT_DOCUMENTS = 1_000;
/** Longer query texts are parsed and validated each time (the cache stays under ~4 MB of text). */
const KEPT_QUERY_CHARS = 4_096;

export function createGraphQLHttp(deps: Deps, yoga: Yoga, maxBodyBytes: number): GraphQLHttp {
  // Parsing and validation depend on the query text alone (one schema; armor's limits and the
  // introspection rule are document rules), so their outcome is kept per text: a request whose
  // query was seen runs neither envelop's parse nor its validate hooks. Yoga's own caches did the
  // same work behind a hook chain that cost several µs per request. Oldest entry out first.
  const documents = new Map<string, { document: DocumentNode; errors: readonly GraphQLError[] }>();
  const remember = (query: string, checked: { document: DocumentNode; errors: readonly GraphQLError[] }) => {
    if (query.length > KEPT_QUERY_CHARS) return;
    if (documents.size >= KEPT_DOCUMENTS) documents.delete(documents.keys().next().value!);
    documents.set(query, checked);
  };

  const viaYoga = async (c: HttpCtx, ctx: ServerContext, text?: string) => {
    const body = text ?? (c.req.method === 'GET' ? null : await readBody(c, maxBodyBytes));
    return c.response(await yoga.fetch(c.req.webRequest(body), ctx));
  };

  return async function handle(c: HttpCtx, ctx: ServerContext): Promise<Reply> {
    const accept = c.req.headers.get('accept') ?? '';
    const json = /^application\/json\b/i.test(c.req.headers.get('content-type') ?? '');
    if (c.req.method !== 'POST' || !json || /text\/event-stream|multipart\/mixed/.test(accept)) {
      return viaYoga(c, ctx);
    }
    const text = await readBody(c, maxBodyBytes);
    let params: unknown;
    try {
      params = JSON.parse(text);
    } catch {
      return respond(
        c,
        {
          errors: [new GraphQLError('POST body sent invalid JSON.', { extensions: { code: 'BAD_REQUEST' } })],
        },
        400,
      );
    }
    if (!isParams(params)) return viaYoga(c, ctx, text); // batches and odd shapes: yoga decides
    const env = envelop(yoga, { request: c.req, ...ctx, params });
    let checked = documents.get(params.query);
    if (!checked) {
      let document: DocumentNode;
      try {
        document = env.parse(params.query);
      } catch (err) {
        // A syntax error, or a limit enforced while parsing (armor's token limit), with its own code.
        const e = err as GraphQLError;
        const code = (e.extensions?.code as string | undefined) ?? 'GRAPHQL_PARSE_FAILED';
        const located = { source: e.source, positions: e.positions };
        return respond(c, {
          errors: [new GraphQLError(String(e.message), { ...located, extensions: { code } })],
        });
      }
      checked = { document, errors: env.validate(env.schema, document) };
      remember(params.query, checked);
    }
    const { document, errors } = checked;
    const operation = getOperationAST(document, params.operationName ?? undefined)?.operation;
    if (operation === OperationTypeNode.SUBSCRIPTION) return viaYoga(c, ctx, text);
    if (errors.length > 0) return respond(c, { errors });
    let contextValue: GraphQLContext;
    try {
      contextValue = (await env.contextFactory()) as GraphQLContext;
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      const status = (err.extensions?.http as { status?: number } | undefined)?.status ?? 200;
      return respond(c, { errors: [err] }, status);
    }
    const execute = async () => {
      const result = (await env.execute({
        schema: env.schema,
        document,
        contextValue,
        variableValues: params.variables ?? undefined,
        operationName: params.operationName ?? undefined,
      })) as ExecutionResult;
      return respond(c, result, refusedStatus(result));
    };
    // Idempotency-Key on a mutation: claimed once the operation has parsed and validated, and kept
    // unless it failed before its resolvers could act (auth, input) or failed inside the server.
    const key = operation === OperationTypeNode.MUTATION ? idempotencyKeyOf(c) : null;
    const scope = key === null ? null : credentialScope(ctx.principal ?? {});
    if (key === null || scope === null) return execute();
    try {
      return await idempotent(
        deps,
        c,
        { scope, key, fingerprint: fingerprintOf(c, text) },
        execute,
        keepGraphQL,
      );
    } catch (err) {
      // 409 IDEMPOTENCY_IN_PROGRESS, 422 IDEMPOTENCY_KEY_REUSED: a GraphQL error with its code, and
      // the same HTTP status as on REST so that a generic retrying client can tell them apart.
      if (!(err instanceof AppError)) throw err;
      const error = new GraphQLError(err.message, { extensions: { code: err.code } });
      return respond(c, { errors: [error] }, err.status);
    }
  };
}

/** Codes of GraphQL errors that refused an operation before it acted, or that a retry may not repeat. */
const NOT_KEPT = new Set([
  'AUTH_REQUIRED',
  'INVALID_API_KEY',
  'INVALID_TOKEN',
  'FORBIDDEN',
  'RATE_LIMITED',
  'VALIDATION_ERROR',
  'MISSING_FIELDS',
  'BAD_USER_INPUT',
  'INTERNAL_ERROR',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
]);

function keepGraphQL(reply: Reply): boolean {
  if (!storable(reply) || typeof reply.body !== 'string') return false;
  const errors = (JSON.parse(reply.body) as { errors?: { extensions?: { code?: string } }[] }).errors;
  return !errors?.some((e) => NOT_KEPT.has(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}
