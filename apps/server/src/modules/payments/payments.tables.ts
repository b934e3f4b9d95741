/** Tables owned by the payments module (filled in by its migration). */
// biome-ignore lint/suspicious/noEmptyInterface: tables are added as the module grows
export interface PaymentsTables {}
