/**
 * The payments module's public face: what routes, jobs and other modules use, from the files that hold
 * one concern each (see README.md). Other modules import from here, never from those files.
 */
export { assertMethodAvailable, availableMethods, checkoutPayment } from './payments.checkout.ts';
export {
  closePendingPayments,
  createPaidWalletPayment,
  createPayment,
  latestPaymentForOrder,
  markPaid,
  type PaidOutcome,
  paidPaymentForOrder,
  paymentRef,
  paymentTrailOfOrder,
  settlePaid,
} from './payments.intents.ts';
export {
  handleNotification,
  type NotifyResult,
  receiveChannelNotification,
  recorder,
} from './payments.notifications.ts';
export { pollDuePayments } from './payments.polling.ts';
export {
  assertWholeRefund,
  listRefunds,
  recordRefund,
  refundedCents,
  refundedCentsFor,
  refundPayment,
  retryRefund,
  sendChannelRefund,
} from './payments.refunds.ts';
export { getSandboxPayment, type SandboxBehaviour, sandboxComplete, sandboxEnabled } from './payments.sandbox.ts';
export { startTopUp } from './payments.top-ups.ts';
export { getPaymentForOperator, getPaymentForUser, type PaymentView, toPaymentView } from './payments.views.ts';
