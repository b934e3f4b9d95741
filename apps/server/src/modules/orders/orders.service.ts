/**
 * The orders module's public face: what routes, jobs and other modules use, from the files that hold one
 * concern each. A purchase reads top to bottom in orders.checkout.ts; refunds are in orders.refunds.ts.
 */
export { getCart, setCartQuantity } from './orders.cart.ts';
export { type CreateOrderInput, createOrder, type OrderItemInput } from './orders.checkout.ts';
export {
  autoCompleteOrders,
  cancelOrder,
  confirmOrder,
  deliverManually,
  refundBySupplier,
  resendDelivery,
  deliverOrder,
  expireOrder,
  notifyDelivered,
} from './orders.lifecycle.ts';
export { exportOrdersForOperator, exportSupplierOrders } from './orders.exports.ts';
export { keysAsText, keysCsv, myMonthlyStatement, orderKeysForFile } from './orders.statements.ts';
export { platformSalesPerDay, supplierSalesPerDay } from './orders.sales.ts';
export {
  getOrderForBuyer,
  getOrderForOperator,
  listBuyerOrders,
  listSupplierOrders,
  lookupGuestOrder,
  lookupGuestOrdersByCode,
  sendGuestLookupCode,
  type OrderView,
  orderRecord,
  revealOrderKeys,
  searchOrders,
} from './orders.views.ts';
export {
  type DisputableOrder,
  deliveredCountsSince,
  deliveredOrderCount,
  sharedDevicesOf,
  disputeOrder,
  lockOrderForDispute,
  refundDisputedOrder,
  refundLeftOfOrder,
  resumeDisputedOrder,
} from './orders.disputes.ts';
