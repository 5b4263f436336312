// usageAnalytics: the REST /analytics/usage report over GraphQL, from the same service. A bad range
// (`to` not after `from`, too many buckets) is an input failure: a GraphQLError VALIDATION_ERROR.
import { builder } from '../graphql/builder';
import { caller } from '../graphql/context';
import { parseInput } from '../graphql/inputs';
import { AnalyticsInput } from './analytics.schemas';
import { type UsageAnalytics, usageAnalytics } from './analytics.service';

type Interval = AnalyticsInput['interval'];
type Kind = NonNullable<AnalyticsInput['kind']>;

export const UsageIntervalEnum = builder.enumType('UsageInterval', {
  values: { HOUR: { value: 'hour' as Interval }, DAY: { value: 'day' as Interval } },
});

export const UsageKindEnum = builder.enumType('UsageKind', {
  values: {
    VALIDATE: { value: 'validate' as Kind },
    ACTIVATE: { value: 'activate' as Kind },
    DEACTIVATE: { value: 'deactivate' as Kind },
    HEARTBEAT: { value: 'heartbeat' as Kind },
  },
});

type Counts = UsageAnalytics['totals'];

const UsageCounts = builder.objectRef<Counts>('UsageCounts').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    success: t.exposeInt('success'),
    failure: t.exposeInt('failure'),
  }),
});

const UsageCodeCount = builder.objectRef<UsageAnalytics['byCode'][number]>('UsageCodeCount').implement({
  fields: (t) => ({
    kind: t.field({ type: UsageKindEnum, resolve: (c) => c.kind }),
    code: t.exposeString('code', {
      description:
        'The result code, as in the REST answer: VALID, NOT_ACTIVATED, … for validations; ACTIVATED, ' +
        'ALREADY_ACTIVATED or the refusal (ACTIVATION_LIMIT_REACHED, REVOKED, …) for activations.',
    }),
    success: t.exposeBoolean('success'),
    count: t.exposeInt('count'),
  }),
});

const UsageBucket = builder.objectRef<UsageAnalytics['series'][number]>('UsageBucket').implement({
  description: 'One hour or day (UTC) that had usage; buckets without any are left out.',
  fields: (t) => ({
    bucket: t.field({
      type: 'DateTime',
      description: 'The start of the bucket.',
      resolve: (b) => b.bucket,
    }),
    total: t.exposeInt('total'),
    success: t.exposeInt('success'),
    failure: t.exposeInt('failure'),
    byCode: t.field({
      type: [UsageCodeCount],
      description: "This bucket's counts by result code, largest first.",
      resolve: (b) => b.byCode,
    }),
  }),
});

const UsageKindCount = builder.objectRef<UsageAnalytics['byKind'][number]>('UsageKindCount').implement({
  description: 'The usage of one kind (validations, activations, …); kinds without any are left out.',
  fields: (t) => ({
    kind: t.field({ type: UsageKindEnum, resolve: (k) => k.kind }),
    total: t.exposeInt('total'),
    success: t.exposeInt('success'),
    failure: t.exposeInt('failure', {
      description: 'Refused calls (invalid validations, refused activations, …).',
    }),
  }),
});

export const UsageAnalyticsRef = builder.objectRef<UsageAnalytics>('UsageAnalytics').implement({
  description: 'Usage over a range: counts per hour or day, results by code, distinct active devices.',
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    interval: t.field({ type: UsageIntervalEnum, resolve: (u) => u.interval }),
    totals: t.field({ type: UsageCounts, resolve: (u) => u.totals }),
    series: t.field({ type: [UsageBucket], resolve: (u) => u.series }),
    byKind: t.field({ type: [UsageKindCount], resolve: (u) => u.byKind }),
    byCode: t.field({ type: [UsageCodeCount], resolve: (u) => u.byCode }),
    activeDevices: t.exposeInt('activeDevices', { description: 'Distinct machine ids seen.' }),
    consumed: t.exposeInt('consumed', { description: 'Uses consumed by validations with `consume`.' }),
  }),
});

builder.queryField('usageAnalytics', (t) =>
  t.field({
    type: UsageAnalyticsRef,
    description: 'Validations, activations, deactivations and heartbeats over a range (default: 30 days).',
    authScopes: { portal: 'read' },
    args: {
      from: t.arg({ type: 'DateTime', description: 'Defaults to 30 days before `to`.' }),
      to: t.arg({ type: 'DateTime', description: 'Defaults to now.' }),
      interval: t.arg({ type: UsageIntervalEnum, defaultValue: 'day' }),
      productId: t.arg.id(),
      licenseId: t.arg.id(),
      kind: t.arg({ type: UsageKindEnum }),
    },
    resolve: (_root, args, ctx) => usageAnalytics(ctx.deps, caller(ctx), parseInput(AnalyticsInput, args)),
  }),
);
