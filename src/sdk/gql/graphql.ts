/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CreateLicenseInput = {
  allowedDomains?: Array<string> | null | undefined;
  customerId?: string | number | null | undefined;
  /** Links the license to this customer, creating the customer if needed. */
  email?: string | null | undefined;
  expiresAt?: string | null | undefined;
  /** Import an existing key instead of generating one. */
  key?: string | null | undefined;
  /** Seconds (floating licenses). */
  leaseDuration?: number | null | undefined;
  maxActivations?: number | null | undefined;
  /** Default: the product's maxUses; null: unlimited. */
  maxUses?: number | null | undefined;
  metadata?: unknown;
  /** Seconds. */
  offlineGracePeriod?: number | null | undefined;
  plan?: string | null | undefined;
  productId: string | number;
  renewalInterval?: RenewalInterval | null | undefined;
  /** Email the key to the license's customer (who must have an email). */
  sendEmail?: boolean | null | undefined;
  /** A pricing tier of the product: its seats, duration and entitlements are the defaults (fields given here win). Unknown: UnknownTierError. */
  tier?: string | null | undefined;
  type: LicenseType;
  /** Default: the product's. */
  usesResetInterval?: UsesResetInterval | null | undefined;
};

export type LicenseFilter = {
  customerId?: string | number | null | undefined;
  /** The customer's email, exact match, case-insensitive. */
  email?: string | null | undefined;
  /** Only licenses expiring at or after this moment. */
  expiresAfter?: string | null | undefined;
  /** Only licenses expiring before this moment. */
  expiresBefore?: string | null | undefined;
  productId?: string | number | null | undefined;
  status?: LicenseStatus | null | undefined;
  type?: LicenseType | null | undefined;
};

export type LicenseStatus = 'active' | 'expired' | 'revoked' | 'suspended';

export type LicenseType = 'floating' | 'perpetual' | 'subscription' | 'trial';

export type RenewalInterval = 'day' | 'month' | 'week' | 'year';

/** When a license's uses start again from 0 (UTC day, ISO week from Monday, month). */
export type UsesResetInterval = 'day' | 'month' | 'none' | 'week';

export type ValidateLicenseInput = {
  /** Uses to add atomically when every other check passes; USAGE_LIMIT_EXCEEDED when they do not fit. */
  consume?: number | null | undefined;
  /** DOMAIN_MISMATCH unless allowed by the license's domains. */
  domain?: string | null | undefined;
  key: string;
  /** NOT_ACTIVATED unless this device is activated. */
  machineId?: string | null | undefined;
  /** PRODUCT_MISMATCH when the license belongs to another product. */
  productId?: string | number | null | undefined;
};

/** Checks run in a fixed order and the first failing one decides the code: NOT_FOUND, REVOKED, SUSPENDED, EXPIRED, PRODUCT_MISMATCH, DOMAIN_MISMATCH, NOT_ACTIVATED (only with machineId), LEASE_EXPIRED, and last USAGE_LIMIT_EXCEEDED (only with consume: the uses would pass maxUses; nothing is added). */
export type ValidationCode =
  | 'DOMAIN_MISMATCH'
  | 'ENTITLEMENTS_MISSING'
  | 'EXPIRED'
  | 'LEASE_EXPIRED'
  | 'NOT_ACTIVATED'
  | 'NOT_FOUND'
  | 'PRODUCT_MISMATCH'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'USAGE_LIMIT_EXCEEDED'
  | 'VALID';

export type CreateLicenseMutationVariables = Exact<{
  input: CreateLicenseInput;
}>;

export type CreateLicenseMutation = {
  createLicense:
    | { __typename: 'ConflictError'; code: string; message: string }
    | {
        __typename: 'CreateLicenseSuccess';
        license: {
          id: string;
          key: string;
          type: LicenseType;
          status: LicenseStatus;
          plan: string | null;
          email: string | null;
          maxActivations: number;
          activationCount: number;
          expiresAt: string | null;
          lastValidatedAt: string | null;
          allowedDomains: Array<string>;
          metadata: unknown;
          createdAt: string;
          updatedAt: string;
          product: { id: string; name: string };
        };
      }
    | { __typename: 'NotFoundError'; code: string; message: string }
    | { __typename: 'UnknownTierError'; code: string; message: string }
    | { __typename: 'ValidationError'; code: string; message: string };
};

export type LicenseByKeyQueryVariables = Exact<{
  key: string;
}>;

export type LicenseByKeyQuery = {
  licenseByKey: {
    suspendedAt: string | null;
    revokedAt: string | null;
    id: string;
    key: string;
    type: LicenseType;
    status: LicenseStatus;
    plan: string | null;
    email: string | null;
    maxActivations: number;
    activationCount: number;
    expiresAt: string | null;
    lastValidatedAt: string | null;
    allowedDomains: Array<string>;
    metadata: unknown;
    createdAt: string;
    updatedAt: string;
    product: { id: string; name: string; leaseDuration: number; offlineGracePeriod: number };
    customer: { id: string; email: string; name: string | null } | null;
    activations: Array<{
      id: string;
      machineId: string;
      label: string | null;
      platform: string | null;
      leaseExpiresAt: string | null;
      lastHeartbeatAt: string | null;
      createdAt: string;
    }>;
  } | null;
};

export type LicenseFieldsFragment = {
  id: string;
  key: string;
  type: LicenseType;
  status: LicenseStatus;
  plan: string | null;
  email: string | null;
  maxActivations: number;
  activationCount: number;
  expiresAt: string | null;
  lastValidatedAt: string | null;
  allowedDomains: Array<string>;
  metadata: unknown;
  createdAt: string;
  updatedAt: string;
};

export type LicensesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: LicenseFilter | null | undefined;
}>;

export type LicensesQuery = {
  licenses: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Array<{
      id: string;
      key: string;
      type: LicenseType;
      status: LicenseStatus;
      plan: string | null;
      email: string | null;
      maxActivations: number;
      activationCount: number;
      expiresAt: string | null;
      lastValidatedAt: string | null;
      allowedDomains: Array<string>;
      metadata: unknown;
      createdAt: string;
      updatedAt: string;
      product: { id: string; name: string };
      customer: { id: string; email: string; name: string | null } | null;
    }>;
  };
};

export type SuspendLicenseMutationVariables = Exact<{
  id: string | number;
}>;

export type SuspendLicenseMutation = {
  suspendLicense:
    | { __typename: 'ConflictError'; code: string; message: string }
    | { __typename: 'NotFoundError'; code: string; message: string }
    | {
        __typename: 'SuspendLicenseSuccess';
        license: { id: string; status: LicenseStatus; suspendedAt: string | null };
      }
    | { __typename: 'ValidationError'; code: string; message: string };
};

export type ValidateLicenseMutationVariables = Exact<{
  input: ValidateLicenseInput;
}>;

export type ValidateLicenseMutation = {
  validateLicense: {
    valid: boolean;
    code: ValidationCode;
    validatedAt: string;
    license: {
      id: string;
      status: LicenseStatus;
      type: LicenseType;
      expiresAt: string | null;
      product: { id: string };
    } | null;
  };
};

export const LicenseFieldsFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'LicenseFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'License' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'key' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'plan' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'maxActivations' } },
          { kind: 'Field', name: { kind: 'Name', value: 'activationCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastValidatedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'allowedDomains' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metadata' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<LicenseFieldsFragment, unknown>;
export const CreateLicenseDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateLicense' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateLicenseInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createLicense' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: '__typename' } },
                {
                  kind: 'InlineFragment',
                  typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateLicenseSuccess' } },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'license' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'LicenseFields' } },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'product' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                                  { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'InlineFragment',
                  typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DomainError' } },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'LicenseFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'License' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'key' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'plan' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'maxActivations' } },
          { kind: 'Field', name: { kind: 'Name', value: 'activationCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastValidatedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'allowedDomains' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metadata' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateLicenseMutation, CreateLicenseMutationVariables>;
export const LicenseByKeyDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'LicenseByKey' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'key' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'licenseByKey' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'key' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'key' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'LicenseFields' } },
                { kind: 'Field', name: { kind: 'Name', value: 'suspendedAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'product' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'leaseDuration' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'offlineGracePeriod' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'customer' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'email' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'activations' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'machineId' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'platform' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'leaseExpiresAt' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'lastHeartbeatAt' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'LicenseFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'License' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'key' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'plan' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'maxActivations' } },
          { kind: 'Field', name: { kind: 'Name', value: 'activationCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastValidatedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'allowedDomains' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metadata' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<LicenseByKeyQuery, LicenseByKeyQueryVariables>;
export const LicensesDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Licenses' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'filter' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'LicenseFilter' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'licenses' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'filter' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'filter' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'nodes' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'FragmentSpread', name: { kind: 'Name', value: 'LicenseFields' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'product' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'customer' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'email' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'LicenseFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'License' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'key' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'plan' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'maxActivations' } },
          { kind: 'Field', name: { kind: 'Name', value: 'activationCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'lastValidatedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'allowedDomains' } },
          { kind: 'Field', name: { kind: 'Name', value: 'metadata' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<LicensesQuery, LicensesQueryVariables>;
export const SuspendLicenseDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'SuspendLicense' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'suspendLicense' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: '__typename' } },
                {
                  kind: 'InlineFragment',
                  typeCondition: {
                    kind: 'NamedType',
                    name: { kind: 'Name', value: 'SuspendLicenseSuccess' },
                  },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'license' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'suspendedAt' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'InlineFragment',
                  typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DomainError' } },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SuspendLicenseMutation, SuspendLicenseMutationVariables>;
export const ValidateLicenseDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ValidateLicense' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ValidateLicenseInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'validateLicense' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'valid' } },
                { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                { kind: 'Field', name: { kind: 'Name', value: 'validatedAt' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'license' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'type' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'product' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ValidateLicenseMutation, ValidateLicenseMutationVariables>;
