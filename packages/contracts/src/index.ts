export * from './accounts.ts';
export * from './catalog.ts';
export * from './common.ts';
export * from './ledger.ts';
export * from './orders.ts';
export * from './payments.ts';
export * from './reports.ts';
export * from './vault.ts';
