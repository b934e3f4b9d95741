import { emailSchema, phoneSchema, type RegisterBody } from '@kameng/contracts';
import { Alert, App, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { errorText, type MessageKey, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo, navigate, useSearch, withQuery } from '../lib/router.ts';
import { type Me, useSession } from '../lib/session.ts';
import { CodeField, codeTarget } from './code-field.tsx';
import { PrivacyConsent } from './third-party.tsx';
import { NewPasswordFields } from './new-password-fields.tsx';
import { type ArrivedFromRegister, safeNext } from './login-page.tsx';
import { schemaRule } from './schema-rule.ts';

type Via = 'email' | 'phone';

interface RegisterValues {
  contact: string;
  code?: string;
  password: string;
  confirm: string;
}

export function RegisterPage() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const { message } = App.useApp();
  const next = safeNext(useSearch().get('next'));
  const [form] = Form.useForm<RegisterValues>();
  const [via, setVia] = useState<Via>('email');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const contact = Form.useWatch('contact', form);

  const switchVia = (next: Via) => {
    setVia(next);
    form.resetFields(['contact', 'code']);
  };

  const submit = async (v: RegisterValues) => {
    setBusy(true);
    setError(null);
    const contact = v.contact.trim();
    const body: RegisterBody = {
      ...(via === 'email' ? { email: contact } : { phone: contact }),
      password: v.password,
      ...(v.code ? { code: v.code } : {}),
    };
    try {
      await api('POST', '/api/v1/auth/register', body);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
      return;
    }
    // signed in at once with what was just typed; should that fail, the login page takes over with it filled in
    try {
      const res = await api<{ user: Me }>('POST', '/api/v1/auth/login', { login: contact, password: v.password });
      signedIn(res.user);
      message.success(t('registeredIn'));
      navigate(next);
    } catch {
      const state: ArrivedFromRegister = { registered: contact };
      navigate(withQuery('/login', { next }), state);
    }
  };

  const contactLabel: MessageKey = via === 'email' ? 'email' : 'phone';
  // a code is offered only for what the form asks for: an email on the email tab, a phone on the other
  const typedTarget = codeTarget(contact);
  const target = typedTarget && via in typedTarget ? typedTarget : null;
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
          name="code"
          label={t('code.optional')}
          extra={t('code.registerHint')}
          rules={[{ pattern: /^\d{6}$/, message: t('validate.code') }]}
        >
          <CodeField purpose="verify" target={target} onError={setError} />
        </Form.Item>
        <NewPasswordFields name="password" label={t('password')} />
        <PrivacyConsent />
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
