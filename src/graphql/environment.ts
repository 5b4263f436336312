// The Environment enum: live or test, the half of an account every tenant-owned object lives in.
// Shared by every domain's types (API keys, the viewer, …), so it lives in the kit.
import { Environment } from '../../prisma/generated/client/enums';
import { builder } from './builder';

export const EnvironmentEnum = builder.enumType(Environment, { name: 'Environment' });
