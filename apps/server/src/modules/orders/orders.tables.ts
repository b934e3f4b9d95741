/** Tables owned by the orders module (filled in by its migration). */
// biome-ignore lint/suspicious/noEmptyInterface: tables are added as the module grows
export interface OrdersTables {}
