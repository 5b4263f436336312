/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  'mutation CreateLicense($input: CreateLicenseInput!) {\n  createLicense(input: $input) {\n    __typename\n    ... on CreateLicenseSuccess {\n      license {\n        ...LicenseFields\n        product {\n          id\n          name\n        }\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}': typeof types.CreateLicenseDocument;
  'query LicenseByKey($key: String!) {\n  licenseByKey(key: $key) {\n    ...LicenseFields\n    suspendedAt\n    revokedAt\n    product {\n      id\n      name\n      leaseDuration\n      offlineGracePeriod\n    }\n    customer {\n      id\n      email\n      name\n    }\n    activations {\n      id\n      machineId\n      label\n      platform\n      leaseExpiresAt\n      lastHeartbeatAt\n      createdAt\n    }\n  }\n}': typeof types.LicenseByKeyDocument;
  'fragment LicenseFields on License {\n  id\n  key\n  type\n  status\n  plan\n  email\n  maxActivations\n  activationCount\n  expiresAt\n  lastValidatedAt\n  allowedDomains\n  metadata\n  createdAt\n  updatedAt\n}': typeof types.LicenseFieldsFragmentDoc;
  'query Licenses($first: Int, $after: String, $filter: LicenseFilter) {\n  licenses(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...LicenseFields\n      product {\n        id\n        name\n      }\n      customer {\n        id\n        email\n        name\n      }\n    }\n  }\n}': typeof types.LicensesDocument;
  'mutation SuspendLicense($id: ID!) {\n  suspendLicense(id: $id) {\n    __typename\n    ... on SuspendLicenseSuccess {\n      license {\n        id\n        status\n        suspendedAt\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}': typeof types.SuspendLicenseDocument;
  'mutation ValidateLicense($input: ValidateLicenseInput!) {\n  validateLicense(input: $input) {\n    valid\n    code\n    validatedAt\n    license {\n      id\n      status\n      type\n      expiresAt\n      product {\n        id\n      }\n    }\n  }\n}': typeof types.ValidateLicenseDocument;
};
const documents: Documents = {
  'mutation CreateLicense($input: CreateLicenseInput!) {\n  createLicense(input: $input) {\n    __typename\n    ... on CreateLicenseSuccess {\n      license {\n        ...LicenseFields\n        product {\n          id\n          name\n        }\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}':
    types.CreateLicenseDocument,
  'query LicenseByKey($key: String!) {\n  licenseByKey(key: $key) {\n    ...LicenseFields\n    suspendedAt\n    revokedAt\n    product {\n      id\n      name\n      leaseDuration\n      offlineGracePeriod\n    }\n    customer {\n      id\n      email\n      name\n    }\n    activations {\n      id\n      machineId\n      label\n      platform\n      leaseExpiresAt\n      lastHeartbeatAt\n      createdAt\n    }\n  }\n}':
    types.LicenseByKeyDocument,
  'fragment LicenseFields on License {\n  id\n  key\n  type\n  status\n  plan\n  email\n  maxActivations\n  activationCount\n  expiresAt\n  lastValidatedAt\n  allowedDomains\n  metadata\n  createdAt\n  updatedAt\n}':
    types.LicenseFieldsFragmentDoc,
  'query Licenses($first: Int, $after: String, $filter: LicenseFilter) {\n  licenses(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...LicenseFields\n      product {\n        id\n        name\n      }\n      customer {\n        id\n        email\n        name\n      }\n    }\n  }\n}':
    types.LicensesDocument,
  'mutation SuspendLicense($id: ID!) {\n  suspendLicense(id: $id) {\n    __typename\n    ... on SuspendLicenseSuccess {\n      license {\n        id\n        status\n        suspendedAt\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}':
    types.SuspendLicenseDocument,
  'mutation ValidateLicense($input: ValidateLicenseInput!) {\n  validateLicense(input: $input) {\n    valid\n    code\n    validatedAt\n    license {\n      id\n      status\n      type\n      expiresAt\n      product {\n        id\n      }\n    }\n  }\n}':
    types.ValidateLicenseDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation CreateLicense($input: CreateLicenseInput!) {\n  createLicense(input: $input) {\n    __typename\n    ... on CreateLicenseSuccess {\n      license {\n        ...LicenseFields\n        product {\n          id\n          name\n        }\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}',
): (typeof documents)['mutation CreateLicense($input: CreateLicenseInput!) {\n  createLicense(input: $input) {\n    __typename\n    ... on CreateLicenseSuccess {\n      license {\n        ...LicenseFields\n        product {\n          id\n          name\n        }\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query LicenseByKey($key: String!) {\n  licenseByKey(key: $key) {\n    ...LicenseFields\n    suspendedAt\n    revokedAt\n    product {\n      id\n      name\n      leaseDuration\n      offlineGracePeriod\n    }\n    customer {\n      id\n      email\n      name\n    }\n    activations {\n      id\n      machineId\n      label\n      platform\n      leaseExpiresAt\n      lastHeartbeatAt\n      createdAt\n    }\n  }\n}',
): (typeof documents)['query LicenseByKey($key: String!) {\n  licenseByKey(key: $key) {\n    ...LicenseFields\n    suspendedAt\n    revokedAt\n    product {\n      id\n      name\n      leaseDuration\n      offlineGracePeriod\n    }\n    customer {\n      id\n      email\n      name\n    }\n    activations {\n      id\n      machineId\n      label\n      platform\n      leaseExpiresAt\n      lastHeartbeatAt\n      createdAt\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'fragment LicenseFields on License {\n  id\n  key\n  type\n  status\n  plan\n  email\n  maxActivations\n  activationCount\n  expiresAt\n  lastValidatedAt\n  allowedDomains\n  metadata\n  createdAt\n  updatedAt\n}',
): (typeof documents)['fragment LicenseFields on License {\n  id\n  key\n  type\n  status\n  plan\n  email\n  maxActivations\n  activationCount\n  expiresAt\n  lastValidatedAt\n  allowedDomains\n  metadata\n  createdAt\n  updatedAt\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'query Licenses($first: Int, $after: String, $filter: LicenseFilter) {\n  licenses(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...LicenseFields\n      product {\n        id\n        name\n      }\n      customer {\n        id\n        email\n        name\n      }\n    }\n  }\n}',
): (typeof documents)['query Licenses($first: Int, $after: String, $filter: LicenseFilter) {\n  licenses(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      ...LicenseFields\n      product {\n        id\n        name\n      }\n      customer {\n        id\n        email\n        name\n      }\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation SuspendLicense($id: ID!) {\n  suspendLicense(id: $id) {\n    __typename\n    ... on SuspendLicenseSuccess {\n      license {\n        id\n        status\n        suspendedAt\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}',
): (typeof documents)['mutation SuspendLicense($id: ID!) {\n  suspendLicense(id: $id) {\n    __typename\n    ... on SuspendLicenseSuccess {\n      license {\n        id\n        status\n        suspendedAt\n      }\n    }\n    ... on DomainError {\n      code\n      message\n    }\n  }\n}'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: 'mutation ValidateLicense($input: ValidateLicenseInput!) {\n  validateLicense(input: $input) {\n    valid\n    code\n    validatedAt\n    license {\n      id\n      status\n      type\n      expiresAt\n      product {\n        id\n      }\n    }\n  }\n}',
): (typeof documents)['mutation ValidateLicense($input: ValidateLicenseInput!) {\n  validateLicense(input: $input) {\n    valid\n    code\n    validatedAt\n    license {\n      id\n      status\n      type\n      expiresAt\n      product {\n        id\n      }\n    }\n  }\n}'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
