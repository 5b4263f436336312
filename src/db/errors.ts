// Recognising database errors across drivers: Prisma maps PostgreSQL's errors to P-codes, but the
// PGlite adapter surfaces some as a DriverAdapterError carrying the raw SQLSTATE.
interface MaybeDbError {
  code?: string;
  cause?: { kind?: string; code?: string; originalCode?: string };
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as MaybeDbError | null;
  if (!e) return false;
  return (
    e.code === 'P2002' ||
    e.cause?.kind === 'UniqueConstraintViolation' ||
    e.cause?.code === '23505' ||
    e.cause?.originalCode === '23505'
  );
}
