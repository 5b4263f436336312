// GraphQL Code Generator: typed documents from the printed schema, for the SDK (the operations in
// src/sdk/documents → src/sdk/gql) and for the dashboard (src/dashboard/graphql →
// src/dashboard/gql). `npm run codegen` writes both (checked in; the drift test in
// test/sdk-codegen.test.ts regenerates them and compares).
import type { CodegenConfig } from '@graphql-codegen/cli';

const typedDocuments = (documents: string) => ({
  preset: 'client' as const,
  documents,
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
});

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  // `./graphql.js`, not `./graphql`: the package is built with NodeNext resolution (src/sdk/package.json).
  emitLegacyCommonJSImports: false,
  generates: {
    'src/sdk/gql/': typedDocuments('src/sdk/documents/*.graphql'),
    'src/dashboard/gql/': typedDocuments('src/dashboard/graphql/*.graphql'),
  },
  hooks: {
    afterAllFileWrite: ['prettier --write'],
  },
};

export default config;
