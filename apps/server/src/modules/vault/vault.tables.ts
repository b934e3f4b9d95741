import type { Millis } from '../../platform/db/schema.ts';

export type BatchSource = 'text' | 'json' | 'file' | 'generated';
export type KeyStatus = 'available' | 'reserved' | 'sold' | 'void';
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface CardKeyBatchesTable {
  id: string;
  product_id: string;
  supplier_id: string;
  /** the batch's 256-bit data key, AES-256-GCM-wrapped by a key derived from the master key (AAD = batch id) */
  wrapped_dek: string;
  source: BatchSource;
  status: 'importing' | 'done' | 'failed';
  total: number;
  imported: number;
  duplicates: number;
  rejected: number;
  created_at: Millis;
  finished_at: Millis | null;
}

export interface CardKeysTable {
  id: string;
  product_id: string;
  batch_id: string;
  /** AES-256-GCM under the batch's data key, AAD = the key's id */
  secret_enc: string;
  /** HMAC-SHA256 of the normalised secret under a derived key: de-duplication without plaintext */
  secret_hash: string;
  masked: string;
  status: KeyStatus;
  order_id: string | null;
  reserved_at: Millis | null;
  sold_at: Millis | null;
  created_at: Millis;
}

export interface ImportJobsTable {
  id: string;
  product_id: string;
  supplier_id: string;
  batch_id: string;
  kind: 'upload' | 'generate';
  /** generate: the JSON code format */
  spec: string | null;
  status: ImportStatus;
  /** lines in the upload, or codes to generate */
  total: number;
  /** upload lines already processed: a retried job resumes after them */
  lines_done: number;
  imported: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  created_at: Millis;
  updated_at: Millis;
  finished_at: Millis | null;
}

export interface ImportUploadChunksTable {
  import_id: string;
  seq: number;
  /** up to 1 MiB of the upload, AES-256-GCM under the batch's data key, AAD = `${import_id}:${seq}` */
  data_enc: string;
  created_at: Millis;
}

export interface VaultStockAlertsTable {
  product_id: string;
  supplier_id: string;
  /** when the product last rose above its threshold (or was first watched) */
  armed_at: Millis;
  /** set while the product is at or below its low-stock threshold and its supplier has been told */
  alerted_at: Millis | null;
}

/** The first time each sold key was shown to its buyer (the order page or a guest lookup). */
export interface CardKeyRevealsTable {
  key_id: string;
  order_id: string;
  revealed_at: Millis;
}

/** A card-key product's available keys, kept in step with its keys (vault.stock.ts). */
export interface KeyStockTable {
  product_id: string;
  available: number;
}

/** A product whose stock counter the recount found different from its available keys (then repaired). */
export interface KeyStockDriftsTable {
  id: string;
  product_id: string;
  /** available keys counted */
  counted: number;
  /** what the counter said */
  counter: number;
  found_at: Millis;
}

export interface VaultTables {
  card_key_batches: CardKeyBatchesTable;
  card_keys: CardKeysTable;
  import_jobs: ImportJobsTable;
  import_upload_chunks: ImportUploadChunksTable;
  vault_stock_alerts: VaultStockAlertsTable;
  card_key_reveals: CardKeyRevealsTable;
  key_stock: KeyStockTable;
  key_stock_drifts: KeyStockDriftsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends VaultTables {}
}
