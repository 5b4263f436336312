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
    maxWorkers: 2,
  },
});
