// The JSON views of accounts and their users. A password hash never leaves the service.
import type { Account, User } from '../../prisma/generated/client/client';

export const accountJson = (a: Account) => ({
  id: a.id,
  name: a.name,
  plan: a.plan,
  status: a.status,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

export const userJson = (u: User) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
});
