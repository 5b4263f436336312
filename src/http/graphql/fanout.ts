// Subscription fan-out: subscribers that would resolve an event identically share one execution of
// it. With thousands of dashboards on one account, executing the document once per subscriber per
// event (graphql-js, the Pothos field and scope checks, the promise plumbing, the garbage) cost
// several times the socket writes themselves.
//
// What stays per subscriber is everything that decides *whether* it gets an event: the subscribe
// (its authScopes, its arguments), its own stream (account and environment, filter, and the
// credential watch that holds events during a re-check and ends the stream on a revoke:
// src/events/subscriptions.ts), and the result hooks (masking, error codes). What is shared is the
// execution that turns an event into a result: for one group (the same parsed document, variables and
// operation name, and the same visibility — account, environment, kind, role and scopes, which are
// all that resolvers and scope checks read from the caller), the first subscriber to take event E
// executes it, with a context of its own, and the others reuse that result. The cache is only a
// saving: a subscriber that lags past it executes the event itself. It holds at most KEPT results,
// none older than KEPT_MS, and none for a group of one, so idle or single subscribers hold nothing.
import { contextCacheSymbol } from '@pothos/core';
import type { Plugin } from 'graphql-yoga';
import { sourceEventId } from '../../events/subscriptions';
import type { GraphQLContext } from '../../graphql/context';
import {
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
} from '../../graphql/graphql-js';

/** Results kept per group (the last events): a burst longer than this is executed again by laggards. */
const KEPT = 256;
const KEPT_MS = 5_000;

interface Group {
  members: number;
  /** By event id, oldest first, with when each was executed. */
  results: Map<string, { at: number; result: Promise<ExecutionResult> }>;
}

type SubscribeResult = AsyncIterableIterator<ExecutionResult> | ExecutionResult;

/** What a subscribe gives for a stream (rather than a one-off result with errors). */
export const isAsyncIterable = <T = unknown>(x: unknown): x is AsyncIterable<T> =>
  typeof x === 'object' && x !== null && Symbol.asyncIterator in x;

export function useSharedSubscriptions(): Plugin {
  const groups = new Map<string, Group>();
  const documents = new WeakMap<DocumentNode, number>();
  let documentSeq = 0;

  /** Null when the caller has no account (nothing to share safely): execute per subscriber. */
  function keyOf(args: ExecutionArgs): string | null {
    const p = (args.contextValue as GraphQLContext | undefined)?.principal;
    if (!p?.accountId || !p.environment) return null;
    let doc = documents.get(args.document);
    if (doc === undefined) documents.set(args.document, (doc = ++documentSeq));
    const scopes = [...p.scopes].sort().join(',');
    return JSON.stringify([
      doc,
      args.operationName ?? null,
      args.variableValues ?? null,
      p.accountId,
      p.environment,
      p.kind,
      p.role ?? null,
      scopes,
    ]);
  }

  function resultOf(group: Group, args: ExecutionArgs, value: unknown): Promise<ExecutionResult> {
    const run = () => {
      // A context of its own per execution: fresh DataLoaders, as a per-subscriber execution had.
      const contextValue = { ...(args.contextValue as object), [contextCacheSymbol]: {} };
      return Promise.resolve(execute({ ...args, rootValue: value, contextValue }));
    };
    const id = sourceEventId(value);
    if (id === undefined || group.members < 2) {
      group.results.clear();
      return run();
    }
    const kept = group.results.get(id);
    if (kept) return kept.result;
    const now = Date.now();
    for (const [old, r] of group.results) {
      if (group.results.size < KEPT && now - r.at <= KEPT_MS) break;
      group.results.delete(old);
    }
    const result = run();
    group.results.set(id, { at: now, result });
    return result;
  }

  async function subscribe(key: string, args: ExecutionArgs): Promise<SubscribeResult> {
    // The subscriber's own subscribe: scope checks, arguments, its filtered and watched stream.
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { members: 0, results: new Map() }));
    group.members++;
    const joined = group;
    const it = source[Symbol.asyncIterator]();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (--joined.members === 0 && groups.get(key) === joined) groups.delete(key);
    };
    const shared: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<ExecutionResult>> {
        // A stream that throws (SUBSCRIBER_TOO_SLOW, src/events/subscriptions.ts) has ended too.
        const r = await it.next().catch((err: unknown) => {
          leave();
          throw err;
        });
        if (r.done) {
          leave();
          return { value: undefined, done: true };
        }
        return { value: await resultOf(joined, args, r.value), done: false };
      },
      async return(): Promise<IteratorResult<ExecutionResult>> {
        leave();
        await it.return?.();
        return { value: undefined, done: true };
      },
      async throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
        leave();
        await it.return?.();
        throw err;
      },
    };
    return shared;
  }

  return {
    onSubscribe({ args, setSubscribeFn }) {
      const key = keyOf(args);
      if (key === null) return;
      setSubscribeFn(((a: ExecutionArgs) => subscribe(key, a)) as never);
    },
  };
}
