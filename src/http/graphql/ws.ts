// GraphQL over WebSocket (graphql-ws) on the same HTTP server, path /graphql. The client
// authenticates in `connectionParams` ({authorization: "Bearer …"}, or {apiKey} / {token}); a
// missing or invalid credential closes the socket with 4403 before any subscription starts, and
// the socket is watched (src/auth/credential-watch.ts): when that credential is revoked, logged out,
// its user deleted or its account suspended, here or on another instance, it closes with 4403.
// A subscribe that does not parse or validate errors its own id only; the socket lives on.
//
// graphql-ws runs the protocol (init, ack, ping/pong, subscribe, errors, complete, close codes);
// the `next` frames of a stream are written here (onOperation, nextFrames): each result is
// serialised once, however many subscribers it goes to (src/http/graphql/fanout.ts shares one
// result object per event among subscribers with the same payload), and each subscriber's frame is
// its own id spliced around that JSON. graphql-ws would copy, validate and stringify the whole
// message per subscriber and wait for each write's callback (a promise, a callback and a tick per
// frame) before taking the next result.
import type { Server } from 'node:http';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import { authenticate } from '../../auth/authenticate';
import type { Watched } from '../../auth/credential-watch';
import type { Deps } from '../../deps';
import type { GraphQLContext } from '../../graphql/context';
import { type ExecutionResult, GraphQLError } from '../../graphql/graphql-js';
import type { Principal } from '../../lib/principal';
import { isAsyncIterable } from './fanout';
import { envelop } from './graphql-http';
import type { ServerContext } from './yoga';

interface Extra {
  /** Set by graphql-ws's ws adapter. */
  socket: WebSocket;
  principal?: Principal;
  authorization?: string;
  watched?: Watched;
}

/** graphql-ws's close code for an unauthorised connection, also used once the credential is gone. */
export const FORBIDDEN_CLOSE = 4403;

export function bearerFrom(params: Record<string, unknown> | undefined): string | null {
  if (!params) return null;
  const raw = params.authorization ?? params.Authorization ?? params.apiKey ?? params.token;
  if (typeof raw !== 'string' || !raw) return null;
  return /^Bearer\s/i.test(raw) ? raw : `Bearer ${raw}`;
}

/** The code GraphQL over HTTP gives a document that does not parse (src/http/graphql/graphql-http.ts). */
const withParseCode = (e: GraphQLError) =>
  e.extensions?.code
    ? e
    : new GraphQLError(e.message, {
        source: e.source,
        positions: e.positions,
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });

/** The `payload` of a `next` message as graphql-ws writes it (errors last, as their JSON), once
 * per result object. Results are not changed once made; a result hook that changes one (masking,
 * error codes) makes a new object, which gets its own. */
const payloadJson = new WeakMap<object, string>();
function payloadOf(result: ExecutionResult): string {
  let json = payloadJson.get(result);
  if (json === undefined) {
    const { errors, ...rest } = result;
    json = JSON.stringify(errors ? { ...rest, errors } : rest);
    payloadJson.set(result, json);
  }
  return json;
}

/**
 * A stream's results written straight to the socket as `next` frames. What graphql-ws iterates
 * yields nothing: it ends when the stream does, so graphql-ws then sends `complete` (or, if the
 * stream throws, the error) as before; its `return()` (the client's `complete`, the socket closing)
 * ends the stream, and nothing is written after it.
 */
function nextFrames(
  socket: WebSocket,
  id: string,
  results: AsyncIterable<ExecutionResult>,
): AsyncIterableIterator<never> {
  const it = results[Symbol.asyncIterator]();
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  let stopped = false;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<never>> {
      for (;;) {
        const r = await it.next();
        if (r.done || stopped) return { value: undefined as never, done: true };
        if (socket.readyState === socket.OPEN) socket.send(`${head}${payloadOf(r.value)}}`);
      }
    },
    async return(): Promise<IteratorResult<never>> {
      stopped = true;
      await it.return?.();
      return { value: undefined as never, done: true };
    },
    async throw(err: unknown): Promise<IteratorResult<never>> {
      stopped = true;
      await it.return?.();
      throw err;
    },
  };
}

export function attachGraphQLWs(
  server: Server,
  deps: Deps,
  /** The yoga server, loaded on the first subscription (src/http/graphql/lazy.ts). */
  yoga: () => Promise<YogaServerInstance<ServerContext, GraphQLContext>>,
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;
  type Run = (args: unknown) => never;
  const options = {
    // Yoga's envelop (plugins, armor, masking) runs the operation: see onSubscribe's rootValue.
    execute: ((args: { rootValue: { execute: Run } }) => args.rootValue.execute(args)) as never,
    subscribe: ((args: { rootValue: { subscribe: Run } }) => args.rootValue.subscribe(args)) as never,
    async onConnect(ctx: Ctx) {
      const authorization = bearerFrom(ctx.connectionParams);
      if (!authorization) return false;
      try {
        const since = deps.credentials.mark();
        const principal = await authenticate(deps, authorization);
        if (!principal.accountId) return false;
        ctx.extra.principal = principal;
        ctx.extra.authorization = authorization;
        const { socket } = ctx.extra;
        ctx.extra.watched = deps.credentials.watch(
          principal,
          () => socket.close(FORBIDDEN_CLOSE, 'Forbidden'),
          since,
        );
        return true;
      } catch {
        return false;
      }
    },
    onOperation(ctx: Ctx, id: string, _payload: SubscribePayload, _args: unknown, result: unknown) {
      return isAsyncIterable<ExecutionResult>(result) ? nextFrames(ctx.extra.socket, id, result) : undefined;
    },
    onClose(ctx: Ctx) {
      ctx.extra.watched?.stop();
    },
    async onSubscribe(ctx: Ctx, _id: string, payload: SubscribePayload) {
      const request = new Request('http://ws.local/graphql', {
        method: 'POST',
        headers: { authorization: ctx.extra.authorization ?? '', 'content-type': 'application/json' },
      });
      const { schema, execute, subscribe, contextFactory, parse, validate } = envelop(await yoga(), {
        request,
        requestId: `ws-${Date.now().toString(36)}`,
        principal: ctx.extra.principal,
        params: payload,
      });
      let document: ReturnType<typeof parse>;
      try {
        document = parse(payload.query);
      } catch (err) {
        // A syntax error (or a parse-time limit) is this subscription's error, not the socket's:
        // thrown, graphql-ws would close the whole connection with 4500.
        if (err instanceof GraphQLError) return [withParseCode(err)];
        throw err;
      }
      const errors = validate(schema, document);
      if (errors.length) return errors;
      return {
        schema,
        operationName: payload.operationName,
        document,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
    },
  };
  const disposable = useServer(options as unknown as Parameters<typeof useServer>[0], wss);
  return {
    async close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
