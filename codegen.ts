// GraphQL Code Generator: typed documents for dashboards, from the printed schema and the
// operations in src/sdk/documents. `npm run codegen` writes src/sdk/gql (checked in; the drift test
// in test/sdk-codegen.test.ts regenerates it and compares).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['src/sdk/documents/*.graphql'],
  ignoreNoDocuments: false,
  // `./graphql.js`, not `./graphql`: the package is built with NodeNext resolution (src/sdk/package.json).
  emitLegacyCommonJSImports: false,
  generates: {
    'src/sdk/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
  hooks: {
    afterAllFileWrite: ['prettier --write'],
  },
};

export default config;
