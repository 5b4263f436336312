// Inputs of the usage counter routes (increment-usage, decrement-usage).
import { z } from 'zod';
import { optional } from '../lib/schema';

export const UsageAmountInput = z.object({
  /** Uses to add or take off; default 1. */
  amount: optional(z.number().int().min(1).max(1_000_000)),
});
export type UsageAmountInput = z.output<typeof UsageAmountInput>;
