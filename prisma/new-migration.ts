// `npm run db:migration <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql from the
// difference between the schema as of the last migration (a snapshot kept beside each migration)
// and prisma/schema.prisma. Uses `prisma migrate diff` through an in-memory PGlite, because
// `prisma migrate dev` cannot run on machines without Prisma's native engines.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration <name>   (lower-case letters, digits and _)');
  process.exit(2);
}
const dir = import.meta.dirname;
const migrationsDir = path.join(dir, 'migrations');
mkdirSync(migrationsDir, { recursive: true });
const previous = readdirSync(migrationsDir)
  .filter((d) => existsSync(path.join(migrationsDir, d, 'migration.sql')))
  .sort()
  .at(-1);
const from = previous
  ? ['--from-schema-datamodel', path.join(migrationsDir, previous, 'schema.prisma')]
  : ['--from-empty'];
console.log(`diffing ${previous ?? '(empty database)'} → prisma/schema.prisma …`);
const out = execFileSync(
  path.join(dir, '..', 'node_modules', '.bin', 'prisma'),
  [
    'migrate',
    'diff',
    ...from,
    '--to-schema-datamodel',
    path.join(dir, 'schema.prisma'),
    '--script',
    '--config',
    path.join(dir, 'prisma.config.ts'),
  ],
  {
    encoding: 'utf8',
    env: {
      ...process.env,
      PRISMA_QUERY_ENGINE_LIBRARY: '/dev/null',
      PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  },
);
const sql = out
  .split('\n')
  .filter((l) => !l.startsWith('Loaded Prisma config') && !l.startsWith('Prisma config detected'))
  .join('\n')
  .trim();
if (!sql || sql === '-- This is an empty migration.') {
  console.log('no schema changes; nothing written');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const target = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(path.join(target, 'migration.sql'), sql + '\n');
copyFileSync(path.join(dir, 'schema.prisma'), path.join(target, 'schema.prisma'));
console.log(`wrote ${path.relative(process.cwd(), target)}/migration.sql (${sql.split('\n').length} lines)`);
