// `npm run dashboard:build` (and npm install's postinstall): builds the dashboard with Vite. An
// install without development dependencies has no Vite; it then says so and leaves the build out,
// and the server's /dashboard explains how to build it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let vite: typeof import('vite');
try {
  require.resolve('vite');
  vite = await import('vite');
} catch {
  console.warn('dashboard: Vite is not installed (install without --omit=dev to build /dashboard); skipped');
  process.exit(0);
}
await vite.build({
  configFile: fileURLToPath(new URL('vite.config.ts', import.meta.url)),
  logLevel: 'warn',
});
console.info('dashboard: built into src/dashboard/dist');
