// The schema's error result types, one per entry of RESULT_TYPES (./errors.ts), behind the
// DomainError interface.
import type { AppError } from '../lib/errors';
import { builder } from './builder';
import { RESULT_TYPES } from './errors';

export const DomainErrorRef = builder.interfaceRef<AppError>('DomainError').implement({
  description: 'A domain failure. `code` is the same stable code the REST API returns.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

for (const [cls, name, description] of RESULT_TYPES) {
  builder.objectType(cls, { name, description, interfaces: [DomainErrorRef], fields: () => ({}) });
}
