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
//
// Those writes do not wait for the client to read them, so a subscriber that stops reading (a stuck
// or hostile dashboard) would have ws queue every frame in memory once the kernel's buffers are
// full. Before each `next` frame the socket's `bufferedAmount` is read: past TO_WS_MAX_BUFFERED_BYTES
// the socket is closed with 1013 "Try Again Later" (graphql-ws clients retry it; 1008 would be fatal
// to them), logged once and counted (`to_ws_slow_consumer_closes_total`), and all of its streams end
// at once: not when the closing handshake does, which a client that does not read never answers
// (ws destroys the socket after its close timeout, 30 s).
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
import { type Principal, principalLogFields } from '../../lib/principal';
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
/** How long a stop waits for clients to answer its 1001 before cutting their connections. */
const CLOSE_GRACE_MS = 2_000;
/** "Try Again Later" (RFC 6455 registry): a socket whose client did not read its frames. */
export const SLOW_CONSUMER_CLOSE = 1013;
export const SLOW_CONSUMER_REASON = 'Try Again Later: frames were not being read';

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
 * ends the stream, and nothing is written after it. Before each frame, `slow()` is called if the
 * socket holds more than `maxBuffered` bytes unsent; the stream then ends without writing it. A
 * stream whose socket is no longer open ends at its next result.
 */
function nextFrames(
  socket: WebSocket,
  id: string,
  results: AsyncIterable<ExecutionResult>,
  maxBuffered: number,
  slow: () => void,
): AsyncIterableIterator<never> {
  const it = results[Symbol.asyncIterator]();
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  let stopped: Promise<unknown> | null = null;
  const stop = () => (stopped ??= Promise.resolve(it.return?.()));
  const done = { value: undefined as never, done: true } as const;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<never>> {
      for (;;) {
        const r = await it.next();
        if (r.done || stopped) return done;
        if (socket.readyState !== socket.OPEN) break;
        if (socket.bufferedAmount > maxBuffered) {
          slow();
          break;
        }
        socket.send(`${head}${payloadOf(r.value)}}`);
      }
      await stop();
      return done;
    },
    async return(): Promise<IteratorResult<never>> {
      await stop();
      return done;
    },
    async throw(err: unknown): Promise<IteratorResult<never>> {
      await stop();
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
  /** The client is not reading: close its socket and end every stream on it now (graphql-ws would
   * end them when the close completes, and a client that does not read does not answer it). */
  const slow = (ctx: Ctx) => {
    const { socket, principal } = ctx.extra;
    if (socket.readyState !== socket.OPEN) return;
    const bufferedBytes = socket.bufferedAmount;
    socket.close(SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON);
    deps.metrics.slowConsumerClosed();
    const streams = Object.values(ctx.subscriptions);
    deps.logger.warn(
      {
        ...principalLogFields(principal),
        bufferedBytes,
        limit: deps.config.wsMaxBufferedBytes,
        subscriptions: streams.length,
      },
      'graphql-ws socket closed (1013): the client was not reading its frames',
    );
    for (const sub of streams)
      if (sub && 'return' in sub && typeof sub.return === 'function') void sub.return(undefined);
  };
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
      if (!isAsyncIterable<ExecutionResult>(result)) return undefined;
      return nextFrames(ctx.extra.socket, id, result, deps.config.wsMaxBufferedBytes, () => slow(ctx));
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
      // A client that does not read never answers the close, and ws would wait its close timeout
      // (30 s) for it, holding up the stop: what is still open after the grace is cut off.
      const cut = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      try {
        await disposable.dispose();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
