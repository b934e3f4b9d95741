import type { DisputeAction, DisputeActor, DisputeLevel, DisputeReason, DisputeStatus } from '@kameng/contracts';
import type { Millis } from '../../platform/db/schema.ts';

export interface DisputesTable {
  id: string;
  order_id: string;
  /** a second case on an item only after its first ended in a replacement (a claim on the new keys) */
  order_item_id: string;
  /** the order id while the case is open, null after: a unique index keeps one open case per order */
  open_order_id: string | null;
  buyer_id: string;
  supplier_id: string;
  /** the item as it was bought, so the case reads without the order */
  product_id: string;
  category_id: string;
  item_title: string;
  delivery_mode: 'auto' | 'manual' | 'direct';
  unit_price_cents: number;
  /** what the buyer paid for the item: no case refunds more */
  paid_cents: number;
  reason: DisputeReason;
  status: DisputeStatus;
  level: DisputeLevel;
  /** JSON arrays: the positions the buyer named and the card key ids they were at the time */
  card_key_indexes: string;
  card_key_ids: string;
  answer_action: DisputeAction | null;
  answer_amount_cents: number | null;
  ruling_action: DisputeAction | null;
  ruling_amount_cents: number | null;
  refunded_cents: number;
  replaced_count: number;
  /** where the buyer opened it from, and the first reveal of the claimed keys then: bad-faith signals */
  opened_ip: string | null;
  /** the keyed device hash it was opened from (0016): claims across accounts sharing a device */
  opened_device: string | null;
  claimed_revealed_at: Millis | null;
  /** claimed keys whose secret had been sold on another order before: the supplier re-sold used keys */
  claimed_resold: number;
  /** claimed keys that an earlier case on the item handed out as replacements */
  claimed_replacements: number;
  /** JSON array: the keys this case's replacement handed out */
  replacement_key_ids: string;
  /** 1 when the supplier let the answer deadline pass */
  supplier_late: number;
  deadline_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
  resolved_at: Millis | null;
}

export interface DisputeMessagesTable {
  id: string;
  dispute_id: string;
  /** 1, 2, 3 … per case: the thread's order, even within one millisecond */
  seq: number;
  actor: DisputeActor;
  actor_id: string | null;
  /** opened, answer, accepted, escalated, ruling, message, evidence, deadline */
  kind: string;
  action: DisputeAction | null;
  amount_cents: number | null;
  body: string;
  evidence_id: string | null;
  created_at: Millis;
}

export interface DisputeEvidenceTable {
  id: string;
  dispute_id: string;
  uploaded_by: string;
  actor: DisputeActor;
  /** decided from the bytes, never from the request */
  content_type: string;
  bytes: number;
  sha256: string;
  /** the image, base64: the same column type on both databases, and every process can serve it */
  data_b64: string;
  created_at: Millis;
}

export type StandingAction = 'fast_track' | 'warned' | 'settlement_delayed' | 'suspended';

/** An automatic action taken on a buyer or supplier for a bad-faith score; an operator may lift it. */
export interface DisputeStandingsTable {
  user_id: string;
  action: StandingAction;
  side: 'buyer' | 'supplier';
  score: number;
  /** JSON: the reasons shown to operators */
  reasons: string;
  /** JSON: what the action changed and lifting restores (products taken off sale) */
  undo: string | null;
  set_at: Millis;
  lifted_at: Millis | null;
  lifted_by: string | null;
}

/** Unrevealed keys a buyer gave back for a refund, waiting for the supplier to restock or discard them. */
export interface KeyReturnsTable {
  id: string;
  order_id: string;
  buyer_id: string;
  supplier_id: string;
  /** JSON array of card key ids */
  key_ids: string;
  refunded_cents: number;
  status: 'pending' | 'restocked' | 'discarded';
  created_at: Millis;
  decided_at: Millis | null;
}

/** Each key given back unrevealed, once (0016): a key is refunded by a return at most once. */
export interface KeyReturnKeysTable {
  key_id: string;
  return_id: string;
  order_id: string;
}

export interface DisputesTables {
  key_return_keys: KeyReturnKeysTable;
  disputes: DisputesTable;
  dispute_messages: DisputeMessagesTable;
  dispute_evidence: DisputeEvidenceTable;
  dispute_standings: DisputeStandingsTable;
  key_returns: KeyReturnsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends DisputesTables {}
}
