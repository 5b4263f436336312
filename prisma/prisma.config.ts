// Prisma CLI configuration. The CLI only needs a database for `migrate diff`, and an in-memory
// PGlite serves it: this machine cannot download Prisma's native schema engine (see README).
import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  async adapter() {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    // The adapter bundles its own copy of Prisma's adapter types; they match at runtime.
    return new PrismaPGlite(new PGlite()) as never;
  },
});
