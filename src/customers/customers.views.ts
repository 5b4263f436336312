// The customer JSON view.
import type { Customer } from '../../prisma/generated/client/client';

export function customerJson(c: Customer) {
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    metadata: c.metadata ?? {},
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
