import { randomUUID } from 'node:crypto';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Passes a well-formed incoming X-Request-Id through; otherwise makes a new one. */
export function requestIdFrom(header: string | undefined): string {
  return header && VALID.test(header) ? header : randomUUID();
}
