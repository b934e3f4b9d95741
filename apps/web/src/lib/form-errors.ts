import type { FormInstance } from 'antd';
import { issuesOf } from './api.ts';

/**
 * Puts a failed request's error under the form field it names (the server's `details.issues[].path`), so the
 * person sees what to fix where they typed it. `fields` maps the request's field path to the form's field name.
 * Returns true when some field took the error; otherwise the caller shows it above the submit button.
 */
export function showFieldErrors(
  form: FormInstance,
  err: unknown,
  text: string,
  fields: Record<string, string | (string | number)[]>,
): boolean {
  const named = issuesOf(err)
    .map((i) => fields[i.path.join('.')] ?? fields[String(i.path.at(-1))])
    .filter((f) => f !== undefined);
  if (named.length === 0) return false;
  form.setFields(named.map((name) => ({ name, errors: [text] })));
  return true;
}
