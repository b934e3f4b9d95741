import type { FormRule } from 'antd';

/** The server's own schema decides; the message is ours so it can be translated. */
export function schemaRule(schema: { safeParse: (v: unknown) => { success: boolean } }, message: string): FormRule {
  return {
    validator: async (_, value: unknown) => {
      if (typeof value === 'string' && value !== '' && !schema.safeParse(value).success) throw new Error(message);
    },
  };
}
