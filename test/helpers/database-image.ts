// Vitest global setup: one migrated, empty database that every test app starts from, so that no
// app pays for a new database and the migrations itself.
// - PGlite (no DATABASE_URL): a data directory image (PGlite's dumpDataDir tarball), written to a
//   temporary file; makeApp loads it into each in-memory PGlite (BuildOptions.pgliteImage), which
//   skips initdb (about 1 s of CPU per app on this machine).
// - PostgreSQL: a template database; makeApp's fresh databases are CREATE DATABASE … TEMPLATE it
//   (a file copy), dropped at the end of the run.
// The migrations still run at every app's start, as in production: they find nothing to do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A file holding the PGlite image, or '' on PostgreSQL. */
    pgliteImage: string;
    /** The name of the PostgreSQL template database, or '' on PGlite. */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
    await migrate(db.sql);
    const image = await db.dump!();
    await db.close();
    const dir = mkdtempSync(path.join(tmpdir(), 'to-test-image-'));
    const file = path.join(dir, 'pglite.tar.gz');
    writeFileSync(file, new Uint8Array(await image.arrayBuffer()));
    project.provide('pgliteImage', file);
    project.provide('pgTemplate', '');
    return () => rmSync(dir, { recursive: true, force: true });
  }
  const name = `to_test_template_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: target.toString(), dataDir: 'memory://' });
  await migrate(db.sql);
  await db.close();
  project.provide('pgliteImage', '');
  project.provide('pgTemplate', name);
  return () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
