// ESLint flat config. It lives in src/ because the top level holds only the folders and files the
// README lists; `npm run lint` passes it with `--config src/eslint.config.js`. ESLint takes the
// working directory as the base of `files`/`ignores` when --config is given, but the directory of
// the config file when it finds one by itself (an editor could), so every object below gets an
// absolute `basePath` of the repository root: patterns read as root-relative either way.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders under src/ that hold domain code: the edge (src/http) imports them, never the reverse. */
const DOMAINS = [
  'licensing',
  'products',
  'customers',
  'accounts',
  'email',
  'integrations',
  'pages',
  'auth',
  'events',
  'webhooks',
  'usage',
  'jobs',
  'lib',
  'db',
  'graphql',
];

const GRAPHQL_MESSAGE =
  'Import graphql values from src/graphql/graphql-js.ts (add the export there if it is missing): graphql@16 ' +
  'ships CJS and ESM twins, vitest would load the ESM one, and its GraphQLError/GraphQLSchema then fail ' +
  "instanceof against the CJS copy that yoga and Pothos use. `import type … from 'graphql'` is fine.";

const HTTP_MESSAGE =
  'Domain code must not import from src/http/: the edge imports the domains, never the other way. Move what ' +
  'both sides need into the domain folder or src/lib, or have the edge pass it in.';

const SDK_MESSAGE =
  'src/sdk is the @traffic-orchestrator/client package and ships apart from the server: it may import only ' +
  'node: built-ins, jose, @graphql-typed-document-node/core and its own files.';

const ENV_MESSAGE =
  'Read the environment in src/config.ts only (parsed and validated with zod at start) and pass the typed ' +
  'Config in; tests and benchmarks may read process.env.';

/**
 * Options for @typescript-eslint/no-restricted-imports. Flat config replaces a rule's options instead of
 * merging them, so every file group gets its whole list from here.
 * @param {{ graphql?: boolean, env?: boolean, httpDepth?: number, sdk?: boolean }} what
 *   graphql: forbid value imports from graphql; env: forbid `import { env } from 'node:process'`;
 *   httpDepth: the file sits this many folders below src/, so `../`×depth + `http` is src/http;
 *   sdk: allow only the SDK's own dependencies.
 */
function restrictedImports({ graphql = true, env = true, httpDepth = 0, sdk = false }) {
  const paths = [];
  const patterns = [];
  if (graphql) {
    paths.push({ name: 'graphql', message: GRAPHQL_MESSAGE, allowTypeImports: true });
    patterns.push({ group: ['graphql/*'], message: GRAPHQL_MESSAGE, allowTypeImports: true });
  }
  if (env) {
    paths.push(
      { name: 'process', importNames: ['env'], message: ENV_MESSAGE },
      { name: 'node:process', importNames: ['env'], message: ENV_MESSAGE },
    );
  }
  if (httpDepth > 0) {
    const up = '../'.repeat(httpDepth);
    patterns.push({ group: [`${up}http`, `${up}http/**`], message: HTTP_MESSAGE });
  }
  if (sdk) {
    // Anything but its own files (`./…`; `../` would leave src/sdk) and the three allowed sources.
    patterns.push({
      regex: '^(?!\\./|node:|jose$|@graphql-typed-document-node/core$)',
      message: SDK_MESSAGE,
    });
  }
  return ['error', { paths, patterns }];
}

/**
 * A copy of a rule whose messages end with a hint saying what to do instead. The rule keeps its name and
 * behaviour; only the text of its reports changes.
 */
function withHint(rule, hint) {
  const messages = Object.fromEntries(
    Object.entries(rule.meta.messages ?? {}).map(([id, text]) => [id, `${text} ${hint}`]),
  );
  return { ...rule, meta: { ...rule.meta, messages } };
}

// typescript-eslint's plugin with hints on the two promise rules; it replaces the stock plugin object in
// every config below (ESLint refuses two different objects under one plugin name).
const tsPlugin = {
  ...tseslint.plugin,
  rules: {
    ...tseslint.plugin.rules,
    'no-floating-promises': withHint(
      tseslint.plugin.rules['no-floating-promises'],
      'An unhandled rejection ends the process: await it, return it, or hand it to a handler ' +
        '(`void task().catch((err) => logger.error({ err }, "…"))`).',
    ),
    'no-misused-promises': withHint(
      tseslint.plugin.rules['no-misused-promises'],
      'Nothing awaits or catches that promise: make the caller await it, or wrap the call in a function ' +
        'that handles the rejection itself.',
    ),
  },
};
const withTsPlugin = (config) =>
  config.plugins?.['@typescript-eslint']
    ? { ...config, plugins: { ...config.plugins, '@typescript-eslint': tsPlugin } }
    : config;

const { builtinRules } = await import('eslint/use-at-your-own-risk');
const projectPlugin = {
  rules: {
    'max-lines': withHint(
      builtinRules.get('max-lines'),
      'Split the file by responsibility (see "Small files, plain names" in ARCHITECTURE.md); generated ' +
        'files go under src/sdk/gql, prisma/generated or schema/, which are not linted.',
    ),
  },
};

const ALL = ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts', 'prisma/*.ts', 'codegen.ts'];
const domainFiles = (depth) => DOMAINS.map((d) => `src/${d}/${'*/'.repeat(depth - 1)}*.ts`);

const configs = [
  {
    name: 'project/ignores',
    // Generated code is checked by its drift tests, not by lint rules.
    ignores: [
      'src/sdk/gql/**',
      'src/sdk/dist*/**',
      'src/dashboard/gql/**',
      'src/dashboard/dist/**',
      'src/dist/**',
      'src/dist.*/**',
      'prisma/generated/**',
      'schema/**',
      'node_modules/**',
      'scratch/**',
    ],
  },
  {
    name: 'eslint/recommended',
    ...js.configs.recommended,
    files: [...ALL, 'src/eslint.config.js', 'src/sdk/build.mjs'],
  },
  {
    // The SDK's build script: plain Node ESM, run by npm (src/sdk/package.json).
    name: 'project/sdk-build',
    files: ['src/sdk/build.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...tseslint.configs.recommendedTypeChecked.map((c) => withTsPlugin({ ...c, files: ALL })),
  {
    name: 'project/base',
    files: ALL,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { 'import-x': importX, project: projectPlugin },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // checksVoidReturn stays on: there is no JSX here, and a promise handed to an event emitter or a
      // forEach is exactly the rejection nobody handles.
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-restricted-imports': restrictedImports({}),
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_MESSAGE }],
      'project/max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'import-x/no-extraneous-dependencies': [
        'error',
        { devDependencies: false, optionalDependencies: false, peerDependencies: false, includeTypes: true },
      ],
      // With noUncheckedIndexedAccess off, nearly all it reports are `list[i]!` guards that would be
      // needed the day that option is turned on: noise, not defects.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  // Domain folders: the http rule on top of the common restrictions, per depth below src/ so that the
  // relative path to src/http is exact.
  ...[1, 2, 3].map((depth) => ({
    name: `project/domains-depth-${depth}`,
    files: domainFiles(depth),
    rules: { '@typescript-eslint/no-restricted-imports': restrictedImports({ httpDepth: depth }) },
  })),
  {
    name: 'project/graphql-js',
    files: ['src/graphql/graphql-js.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictedImports({ graphql: false, httpDepth: 1 }),
    },
  },
  {
    name: 'project/sdk',
    files: ['src/sdk/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrictedImports({ sdk: true }) },
  },
  {
    name: 'project/config',
    files: ['src/config.ts'],
    rules: {
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-restricted-imports': restrictedImports({ env: false }),
    },
  },
  {
    // Tooling run by hand or by npm scripts (tsx), never by the server: it may use devDependencies.
    name: 'project/tools',
    files: ['src/tools/**/*.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: true }],
    },
  },
  {
    // The dashboard runs in the browser, built by Vite at install (src/dashboard/build.ts): its
    // packages are build-time devDependencies, bundled, never loaded by the server.
    name: 'project/dashboard',
    files: ['src/dashboard/**/*.ts', 'src/dashboard/**/*.tsx'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: true }],
    },
  },
  {
    // Browser code: JSX attributes take handlers that start promises (they handle their own errors).
    name: 'project/dashboard-app',
    files: ['src/dashboard/app/**/*.tsx', 'src/dashboard/app/**/*.ts'],
    // Its own tsconfig (DOM types, Preact's JSX), which the root one leaves out.
    rules: {
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    name: 'project/tests-and-build',
    files: ['test/**/*.ts', 'prisma/*.ts', 'codegen.ts'],
    rules: {
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-restricted-imports': restrictedImports({ env: false }),
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: true }],
    },
  },
  {
    // Response bodies in tests are `any` on purpose (the assertions check their shape), so the no-unsafe
    // family would flag nearly every line.
    name: 'project/tests',
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
];

export default configs.map((c) => ({ basePath: root, ...c }));
