// Live data: a page's query refetched when the events it shows change (through the licenseEvents
// subscription) and after the connection comes back from a drop.
import { useQuery, useSubscription } from '@urql/preact';
import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { useCallback, useEffect, useRef } from 'preact/hooks';
import { onReconnect } from './client';
import { type EventRowFragment, LiveEventsDocument, type LicenseEventFilter } from '../gql/graphql';

/** `useQuery`, plus a refetch after a reconnect; `refetch` always asks the server. */
export function useLiveQuery<R, V extends AnyVariables>(query: TypedDocumentNode<R, V>, variables: V) {
  const [result, reexecute] = useQuery<R, V>({ query, variables } as never);
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useEffect(() => onReconnect(refetch), [refetch]);
  return [result, refetch] as const;
}

/** Calls `onEvent` for every event of the caller's environment that passes `filter`. */
export function useEvents(filter: LicenseEventFilter | undefined, onEvent: (e: EventRowFragment) => void) {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useSubscription({ query: LiveEventsDocument, variables: { filter } }, (_prev: unknown, data) => {
    handler.current(data.licenseEvents);
    return data;
  });
}

/** Runs `fn` at most once per `ms`, after the last call (bursts of events refetch once). */
export function useDebounced(fn: () => void, ms = 300) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  }, [ms]);
}
