import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { assertMethodAvailable } from './payments.checkout.ts';
import { createPayment } from './payments.intents.ts';
import type { Provider } from './payments.tables.ts';
import { type PaymentView, toPaymentView } from './payments.views.ts';

export async function startTopUp(
  deps: Deps,
  auth: AuthContext,
  body: { amountCents: number; paymentMethod: Provider },
): Promise<{ payment: PaymentView }> {
  if (body.paymentMethod === 'balance') {
    throw new AppError('UNPROCESSABLE', 'A wallet cannot be topped up from itself', {
      issues: [{ path: ['paymentMethod'], message: 'not allowed for top-ups' }],
    });
  }
  await assertMethodAvailable(deps, body.paymentMethod);
  const payment = await deps.db.transaction().execute((tx) =>
    createPayment(tx, deps, {
      purpose: 'top_up',
      userId: auth.userId,
      provider: body.paymentMethod,
      amountCents: body.amountCents,
      expiresAt: deps.clock.now() + 2 * HOUR,
    }),
  );
  return { payment: toPaymentView(payment) };
}
