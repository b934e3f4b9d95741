import type { Millis } from '../../platform/db/schema.ts';

export interface ExportJobsTable {
  id: string;
  requester_id: string;
  kind: 'orders';
  format: 'csv' | 'xlsx';
  /** the list's filters, JSON */
  filters: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'expired';
  rows_done: number;
  rows_total: number | null;
  file_bytes: number | null;
  error: string | null;
  created_at: Millis;
  updated_at: Millis;
  finished_at: Millis | null;
  expires_at: Millis | null;
}

export interface ExportsTables {
  export_jobs: ExportJobsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends ExportsTables {}
}
