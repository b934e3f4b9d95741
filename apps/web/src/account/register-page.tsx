import { emailSchema, passwordSchema, phoneSchema, type RegisterBody } from '@kameng/contracts';
import { Alert, Button, Card, Form, type FormRule, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { errorText, type MessageKey, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { sameAsRule } from '../lib/form-rules.ts';
import type { ArrivedFromRegister } from './login-page.tsx';

type Via = 'email' | 'phone';

interface RegisterValues {
  contact: string;
  password: string;
  confirm: string;
}

/** The server's own schema decides; the message is ours so it can be translated. */
function schemaRule(schema: { safeParse: (v: unknown) => { success: boolean } }, message: string): FormRule {
  return {
    validator: async (_, value: unknown) => {
      if (typeof value === 'string' && value !== '' && !schema.safeParse(value).success) throw new Error(message);
    },
  };
}

export function RegisterPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<RegisterValues>();
  const [via, setVia] = useState<Via>('email');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const switchVia = (next: Via) => {
    setVia(next);
    form.resetFields(['contact']);
  };

  const submit = async (v: RegisterValues) => {
    setBusy(true);
    setError(null);
    const contact = v.contact.trim();
    const body: RegisterBody =
      via === 'email' ? { email: contact, password: v.password } : { phone: contact, password: v.password };
    try {
      await api('POST', '/api/v1/auth/register', body);
      const state: ArrivedFromRegister = { registered: contact };
      navigate('/login', state);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };

  const contactLabel: MessageKey = via === 'email' ? 'email' : 'phone';
  return (
    <Card title={t('register')}>
      <Segmented<Via>
        block
        value={via}
        onChange={switchVia}
        options={[
          { label: t('email'), value: 'email' },
          { label: t('phone'), value: 'phone' },
        ]}
        style={{ marginBottom: 16 }}
      />
      <Form<RegisterValues> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          key={via}
          name="contact"
          label={t(contactLabel)}
          rules={[
            { required: true, whitespace: true, message: t('validate.required') },
            via === 'email'
              ? schemaRule(emailSchema, t('validate.email'))
              : schemaRule(phoneSchema, t('validate.phone')),
          ]}
        >
          {via === 'email' ? (
            <Input type="email" autoComplete="email" maxLength={254} />
          ) : (
            <Input type="tel" inputMode="tel" autoComplete="tel" maxLength={16} />
          )}
        </Form.Item>
        <Form.Item
          name="password"
          label={t('password')}
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
          dependencies={['password']}
          rules={[
            { required: true, message: t('validate.required') },
            sameAsRule('password', t('validate.passwordMismatch')),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('registerSubmit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        {t('haveAccount')} <a {...linkTo('/login')}>{t('login')}</a>
      </Typography.Paragraph>
    </Card>
  );
}
