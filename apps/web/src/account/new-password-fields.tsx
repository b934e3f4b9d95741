import { passwordSchema } from '@kameng/contracts';
import { Form, Input } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { sameAsRule } from '../lib/form-rules.ts';
import { schemaRule } from './schema-rule.ts';

/** A new password (the shared length rules) and the same again in `confirm`, for any form that sets one. */
export function NewPasswordFields({ name, label }: { name: string; label: string }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item
        name={name}
        label={label}
        rules={[
          { required: true, message: t('validate.required') },
          schemaRule(passwordSchema, t('validate.passwordLength')),
        ]}
      >
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('passwordConfirm')}
        dependencies={[name]}
        rules={[{ required: true, message: t('validate.required') }, sameAsRule(name, t('validate.passwordMismatch'))]}
      >
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
    </>
  );
}
