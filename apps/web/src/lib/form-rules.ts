import type { FormRule } from 'antd';

/** A "type it again" field: must equal `field`, or it shows `message` under itself. */
export function sameAsRule(field: string, message: string): FormRule {
  return ({ getFieldValue }) => ({
    validator: async (_, value: unknown) => {
      if (value && value !== getFieldValue(field)) throw new Error(message);
    },
  });
}
