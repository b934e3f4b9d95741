import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { CodeField, codeTarget } from './code-field.tsx';
import { NewPasswordFields } from './new-password-fields.tsx';
import type { ArrivedFromRegister } from './login-page.tsx';

interface ResetValues {
  login: string;
  code: string;
  newPassword: string;
  confirm: string;
}

export function ResetPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<ResetValues>();
  const login = Form.useWatch('login', form);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: ResetValues) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/v1/auth/password/reset', {
        login: v.login.trim(),
        code: v.code,
        newPassword: v.newPassword,
      });
      const state: ArrivedFromRegister = { registered: v.login.trim(), reset: true };
      navigate('/login', state);
    } catch (err) {
      const text = errorText(t, err);
      if (!showFieldErrors(form, err, text, { code: 'code', newPassword: 'newPassword', login: 'login' }))
        setError(text);
      setBusy(false);
    }
  };
  return (
    <Card title={t('reset.title')}>
      <Typography.Paragraph type="secondary">{t('reset.hint')}</Typography.Paragraph>
      <Form<ResetValues> form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        <Form.Item
          name="login"
          label={t('account')}
          rules={[
            { required: true, whitespace: true, message: t('validate.required') },
            {
              validator: async (_, value: unknown) => {
                if (typeof value === 'string' && value.trim() && !codeTarget(value))
                  throw new Error(t('validate.login'));
              },
            },
          ]}
        >
          <Input autoComplete="username" maxLength={254} />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('code.label')}
          rules={[
            { required: true, message: t('validate.required') },
            { pattern: /^\d{6}$/, message: t('validate.code') },
          ]}
        >
          <CodeField purpose="reset" target={codeTarget(login)} onError={setError} />
        </Form.Item>
        <NewPasswordFields name="newPassword" label={t('security.newPassword')} />
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('reset.submit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        <a {...linkTo('/login')}>{t('reset.backToLogin')}</a>
      </Typography.Paragraph>
    </Card>
  );
}
