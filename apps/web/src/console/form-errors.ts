import type { FormInstance } from 'antd';
import { ApiFailure } from '../lib/api.ts';

/**
 * Puts the field problems of a VALIDATION_FAILED / UNPROCESSABLE answer (`details.issues[].path`) next to the
 * fields they name. Returns true when at least one landed on a field of `known`, so the caller can skip the
 * general message.
 */
export function showFieldErrors(form: FormInstance, err: unknown, known: readonly string[], label: string): boolean {
  if (!(err instanceof ApiFailure)) return false;
  const details = err.error.details;
  if (typeof details !== 'object' || details === null || !('issues' in details)) return false;
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return false;
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const issue of issues) {
    if (typeof issue !== 'object' || issue === null) continue;
    const path = (issue as { path?: unknown }).path;
    const msg = (issue as { message?: unknown }).message;
    if (!Array.isArray(path) || typeof path[0] !== 'string' || !known.includes(path[0])) continue;
    fields.push({ name: path as (string | number)[], errors: [typeof msg === 'string' ? `${label}: ${msg}` : label] });
  }
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}
