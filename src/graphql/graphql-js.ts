// graphql@16 ships CJS (index.js) and ESM (index.mjs) twins without an `exports` map. Node (tsx),
// graphql-yoga and Pothos all load index.js; Vite (vitest) would resolve our own `from 'graphql'`
// to index.mjs, a second copy whose GraphQLError and GraphQLSchema fail `instanceof` against the
// first (errors get masked, printSchema throws "from another module or realm"). Importing the CJS
// entry by path keeps one copy in every runner. Import graphql values from here, not 'graphql'.
export {
  createSourceEventStream,
  execute,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isAbstractType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  lexicographicSortSchema,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  print,
  printSchema,
  valueFromASTUntyped,
  visit,
} from 'graphql/index.js';
export type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLNamedType,
  SelectionSetNode,
  ExecutionArgs,
  ExecutionResult,
  GraphQLResolveInfo,
  GraphQLSchema,
  ValueNode,
} from 'graphql';
