// GraphQL over WebSocket (graphql-ws) on the same HTTP server, path /graphql. The client
// authenticates in `connectionParams` ({authorization: "Bearer …"}, or {apiKey} / {token}); a
// missing or invalid credential closes the socket with 4403 before any subscription starts.
import type { Server } from 'node:http';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { authenticate } from '../../auth/authenticate';
import type { Deps } from '../../deps';
import type { GraphQLContext } from '../../graphql/context';
import type { Principal } from '../../lib/principal';
import { envelop } from './graphql-http';
import type { ServerContext } from './yoga';

interface Extra {
  principal?: Principal;
  authorization?: string;
}

export function bearerFrom(params: Record<string, unknown> | undefined): string | null {
  if (!params) return null;
  const raw = params.authorization ?? params.Authorization ?? params.apiKey ?? params.token;
  if (typeof raw !== 'string' || !raw) return null;
  return /^Bearer\s/i.test(raw) ? raw : `Bearer ${raw}`;
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
        const principal = await authenticate(deps, authorization);
        if (!principal.accountId) return false;
        ctx.extra.principal = principal;
        ctx.extra.authorization = authorization;
        return true;
      } catch {
        return false;
      }
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
      const args = {
        schema,
        operationName: payload.operationName,
        document: parse(payload.query),
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      if (errors.length) return errors;
      return args;
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
