import type { FormInstance } from 'antd';
import { issuesOf } from '../lib/api.ts';

/**
 * Puts the field problems of a VALIDATION_FAILED / UNPROCESSABLE answer (`details.issues[].path`) next to the
 * fields they name. Returns true when at least one landed on a field of `known`, so the caller can skip the
 * general message.
 */
export function showFieldErrors(form: FormInstance, err: unknown, known: readonly string[], label: string): boolean {
  const fields = issuesOf(err)
    .filter((i) => typeof i.path[0] === 'string' && known.includes(i.path[0]))
    .map((i) => ({ name: i.path, errors: [i.message === null ? label : `${label}: ${i.message}`] }));
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}
