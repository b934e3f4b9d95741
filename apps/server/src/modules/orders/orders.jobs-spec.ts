import { z } from 'zod';
import type { JobSpec } from '../../platform/jobs/jobs.ts';

const orderPayload = z.object({ orderId: z.string() });

export const deliverOrderJob: JobSpec<{ orderId: string }> = {
  type: 'orders.deliver',
  payload: orderPayload,
  maxAttempts: 20,
};
export const expireOrderJob: JobSpec<{ orderId: string }> = {
  type: 'orders.expire',
  payload: orderPayload,
  maxAttempts: 20,
};
export const notifyDeliveredJob: JobSpec<{ orderId: string }> = {
  type: 'orders.notify-delivered',
  payload: orderPayload,
  maxAttempts: 8,
};
