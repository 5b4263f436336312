// Database errors as the client's errors, in one place. A unique or foreign-key violation is what a
// concurrent request meets when it loses a race that a check-then-insert cannot see (two creates of
// one email; a product deleted while a license for it is being created): each constraint a request
// can hit maps here, by name, to the 409 or 404 it means. commit() applies the map to every write,
// and the two error renderers (REST and GraphQL) apply it to reads as well. A data exception
// (SQLSTATE class 22: a value the database cannot store) is the request's fault too, so it is a
// 400, never a 500; the input guard (src/lib/input-guard.ts) should have refused it first.
//
// Prisma names the violation P2002 / P2003 and keeps the SQLSTATE and message in
// meta.driverAdapterError; the PGlite adapter throws the DriverAdapterError itself, with the raw
// SQLSTATE in `cause.code`. Both carry PostgreSQL's message, which names the constraint.
import { AppError, conflict, notFound } from '../lib/errors';
import { isUnavailable, unavailableError } from './availability';

interface AdapterCause {
  kind?: string;
  code?: string;
  originalCode?: string;
  message?: string;
  originalMessage?: string;
  constraint?: { index?: string };
}

interface MaybeDbError {
  code?: string;
  message?: string;
  cause?: AdapterCause;
  meta?: { driverAdapterError?: { cause?: AdapterCause } };
}

const P_CODES: Record<string, string> = { P2002: '23505', P2003: '23503' };

/** The SQLSTATE of a database error from either driver, or null for anything else. */
function sqlState(err: unknown): string | null {
  const e = err as MaybeDbError | null;
  if (!e || typeof e !== 'object') return null;
  const c = e.meta?.driverAdapterError?.cause ?? e.cause;
  return (
    (e.code && P_CODES[e.code]) ??
    c?.originalCode ??
    (c?.kind === 'postgres' ? c.code : undefined) ??
    (c?.kind === 'UniqueConstraintViolation' ? '23505' : undefined) ??
    (c?.kind === 'ForeignKeyConstraintViolation' ? '23503' : undefined) ??
    null
  );
}

/** The name of the violated constraint, from PostgreSQL's message. */
export function constraintOf(err: unknown): string | null {
  const e = err as MaybeDbError | null;
  if (!e || typeof e !== 'object') return null;
  const c = e.meta?.driverAdapterError?.cause ?? e.cause;
  if (c?.constraint?.index) return c.constraint.index;
  for (const text of [c?.originalMessage, c?.message, e.message]) {
    const m = text ? /constraint "([^"]+)"/.exec(text) : null;
    if (m) return m[1]!;
  }
  return null;
}

/** A constraint violation as the AppError it means; `constraint` says which, for callers that
 * handle one race themselves (a second activation of one device retries). */
export class ConstraintError extends AppError {
  constructor(
    base: AppError,
    readonly constraint: string,
    readonly sqlState: string,
  ) {
    super(base.code, base.message, base.details);
    this.name = 'ConstraintError';
  }
}

/** Every unique constraint a concurrent request can hit, and what the loser is told. */
const UNIQUE: Record<string, () => AppError> = {
  User_accountId_email_key: () => conflict('This account already has a user with this email'),
  Customer_accountId_environment_email_key: () => conflict('A customer with this email already exists'),
  License_key_key: () => conflict('This license key already exists'),
  Activation_licenseId_machineId_key: () => conflict('This device is already activated on this license'),
  Entitlement_accountId_environment_normalizedCode_key: () =>
    conflict('An entitlement with this code already exists (codes are compared ignoring case)'),
  CustomDomain_host_key: () => conflict('This domain is already registered'),
  StripeIntegration_accountId_environment_key: () =>
    conflict('A Stripe integration is already configured for this environment'),
};

/** Foreign keys a request can break by racing a delete of the row it points at (inserting), or by
 * deleting a row that a concurrent insert has just pointed at (Restrict). */
const FOREIGN: Record<string, () => AppError> = {
  License_productId_fkey: () => notFound('Product'),
  License_customerId_fkey: () => notFound('Customer'),
  Activation_licenseId_fkey: () => notFound('License'),
  WebhookDelivery_endpointId_fkey: () => notFound('Webhook endpoint'),
  WebhookDelivery_eventId_fkey: () => notFound('Event'),
};

/** A product's licenses point at it with ON DELETE RESTRICT: a delete that lost the race to a new
 * license is told so, as the delete that saw the license is. */
const RESTRICTED_DELETE: Record<string, () => AppError> = {
  License_productId_fkey: () => conflict('Product has licenses; it cannot be deleted'),
};

/** The AppError a database error stands for, or null when it is not the request's doing (a lost
 * connection, a bug): those stay 500s. */
export function dbErrorToAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  // An unreachable database: 503 with Retry-After (src/db/availability.ts).
  if (isUnavailable(err)) return unavailableError();
  const state = sqlState(err);
  if (!state) return null;
  if (state === '23505' || state === '23503') {
    const name = constraintOf(err) ?? 'unknown';
    const deleting = /update or delete on table/.test(messageOf(err));
    const base =
      state === '23505'
        ? UNIQUE[name]?.()
        : deleting
          ? (RESTRICTED_DELETE[name]?.() ?? conflict('Other records still refer to this one'))
          : FOREIGN[name]?.();
    const fallback = state === '23505' ? conflict('This already exists') : notFound('A record it refers to');
    return new ConstraintError(base ?? fallback, name, state);
  }
  if (state.startsWith('22')) {
    return new AppError(
      'VALIDATION_ERROR',
      'A value in the request cannot be stored (out of range or invalid)',
    );
  }
  return null;
}

function messageOf(err: unknown): string {
  const e = err as MaybeDbError;
  const c = e.meta?.driverAdapterError?.cause ?? e.cause;
  return [c?.originalMessage, c?.message, e.message].filter(Boolean).join(' ');
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (err instanceof ConstraintError) {
    return err.sqlState === '23505' && (!constraint || err.constraint === constraint);
  }
  return sqlState(err) === '23505' && (!constraint || constraintOf(err) === constraint);
}
