import type { Millis } from '../../platform/db/schema.ts';

export interface CardKeyBatchesTable {
  id: string;
  product_id: string;
  supplier_id: string;
  /** the batch's data key, AES-256-GCM-wrapped by a key derived from the master key */
  wrapped_dek: string;
  source: string;
  imported: number;
  duplicates: number;
  rejected: number;
  created_at: Millis;
}

export interface CardKeysTable {
  id: string;
  product_id: string;
  batch_id: string;
  secret_enc: string;
  /** keyed hash of the normalised secret: de-duplication without plaintext */
  secret_hash: string;
  masked: string;
  status: 'available' | 'reserved' | 'sold' | 'void';
  order_id: string | null;
  reserved_at: Millis | null;
  sold_at: Millis | null;
  created_at: Millis;
}

export interface VaultTables {
  card_key_batches: CardKeyBatchesTable;
  card_keys: CardKeysTable;
}
