import { z } from 'zod';

/** How many days back a dashboard chart reaches, today (China Standard Time) included. */
export const daysQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(14),
});

const dateSchema = z.string().describe('a day in China Standard Time (UTC+8), YYYY-MM-DD');

export const dailySalesSchema = z
  .object({
    items: z.array(
      z.object({
        date: dateSchema,
        orders: z.number().int().describe('orders paid that day'),
        amountCents: z.number().int().describe('what those orders cost their buyers'),
      }),
    ),
  })
  .meta({ id: 'DailySales' });
export type DailySalesDto = z.infer<typeof dailySalesSchema>;

export const dailySignupsSchema = z
  .object({ items: z.array(z.object({ date: dateSchema, users: z.number().int().describe('accounts registered') })) })
  .meta({ id: 'DailySignups' });
export type DailySignupsDto = z.infer<typeof dailySignupsSchema>;
