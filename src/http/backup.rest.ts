// POST /api/v1/admin/backup: the running server writes a consistent snapshot of its embedded
// database (src/db/backup.ts) and sends it as application/gzip. `npm run cli -- backup` calls it.
import { backupBytes } from '../db/backup';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { defineRoutes, route } from '../rest/route';

export function backupRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/admin/backup',
      access: 'admin',
      tag: 'Admin',
      // A binary download for the CLI (README "Backups"), not a JSON operation: not in the API document.
      internal: true,
      summary:
        'A consistent snapshot of the embedded database (PGlite) while the server runs, as a .tar.gz of the data directory; restore it with `npm run cli -- restore <file>` into a new DATA_DIR. 400 on PostgreSQL (use pg_dump)',
      async handler(c) {
        if (deps.database.kind !== 'pglite') {
          throw new AppError('VALIDATION_ERROR', 'This server runs on PostgreSQL: back it up with pg_dump');
        }
        const started = Date.now();
        const bytes = await backupBytes(deps.database);
        deps.logger.info({ bytes: bytes.length, ms: Date.now() - started }, 'backup written');
        const name = `traffic-orchestrator-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`;
        return c.body(
          bytes,
          200,
          { 'content-disposition': `attachment; filename="${name}"` },
          'application/gzip',
        );
      },
    }),
  ]);
}
