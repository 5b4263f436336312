import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // Rebuilds the SDK package (src/sdk/dist) and the server (src/dist) first when their sources changed,
    // and makes the migrated database every test app starts from.
    globalSetup: ['test/helpers/builds.ts', 'test/helpers/database-image.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The test files of one worker share its module cache: each file used to import and evaluate
    // the whole server again (import: 156 s of a 510 s PGlite run; 12 s without isolation). Files
    // share no state through it: each makes its own app (makeApp), mocks nothing and leaves
    // process.env alone.
    isolate: false,
    maxWorkers: 2,
  },
});
