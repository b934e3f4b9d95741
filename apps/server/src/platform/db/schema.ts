import type { ColumnType, Generated } from 'kysely';

/** Epoch milliseconds, stored as bigint on PostgreSQL and INTEGER on SQLite. */
export type Millis = number;

export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  details: string | null;
  created_at: Millis;
}

export interface JobsTable {
  id: string;
  type: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'dead';
  run_at: Millis;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: Millis | null;
  last_error: string | null;
  unique_key: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Millis;
}

export interface IdempotencyKeysTable {
  /** what kind of thing the key created: `top_up`, `withdrawal`, `refund`, `order` */
  scope: string;
  /** whose key it is: `u:<userId>`, or `guest:<email>` for a guest's order */
  owner: string;
  key: string;
  /** a keyed hash of the request the key was first used with */
  request_hash: string;
  /** the id of what the first request created */
  result_id: string;
  created_at: Millis;
}

/** The platform's own tables. */
export interface PlatformTables {
  audit_log: AuditLogTable;
  jobs: JobsTable;
  settings: SettingsTable;
  idempotency_keys: IdempotencyKeysTable;
  // test-only table created by the jobs tests; kept typed so the tests stay strict
  job_test_runs: { job_id: string; worker: string; started_at: Millis; finished_at: ColumnType<Millis | null> };
}

/**
 * Every table, as Kysely sees it. Each module adds its own tables from its `<m>.tables.ts` by augmenting
 * this interface (`declare module '…/platform/db/schema.ts' { interface DB extends XTables {} }`), so the
 * platform names no module and a module's tables are declared beside its queries.
 */
export interface DB extends PlatformTables {}

export type { Generated };
