/** Tables owned by the vault module (filled in by its migration). */
// biome-ignore lint/suspicious/noEmptyInterface: tables are added as the module grows
export interface VaultTables {}
