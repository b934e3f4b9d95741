import { emailSchema, phoneSchema } from '@kameng/contracts';
import { Button, Input, Space } from 'antd';
import { useEffect, useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';

const RESEND_AFTER_S = 60;

/** Where the code goes: the login as typed, when it is an email address or a mainland mobile number. */
export function codeTarget(login: string | undefined): { email: string } | { phone: string } | null {
  const s = (login ?? '').trim();
  const email = emailSchema.safeParse(s);
  if (email.success) return { email: email.data };
  const phone = phoneSchema.safeParse(s);
  return phone.success ? { phone: phone.data } : null;
}

/**
 * A 6-digit code input with its "send code" button. `target` says where the code goes (or null while the
 * address is not valid yet); the server sends at most one code a minute to an address, so the button
 * waits that long before it offers to send again. A failure to send is reported through `onError`.
 */
export function CodeField({
  purpose,
  target,
  value,
  onChange,
  onError,
  id,
}: {
  /** order_lookup: a guest's code for his orders (POST /orders/lookup/code, email only) */
  purpose: 'verify' | 'reset' | 'order_lookup';
  target: { email: string } | { phone: string } | null;
  value?: string;
  onChange?: (v: string) => void;
  onError: (message: string | null) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const [wait, setWait] = useState(0);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);
  const send = async () => {
    if (!target) return;
    setSending(true);
    onError(null);
    try {
      if (purpose === 'order_lookup') await api('POST', '/api/v1/orders/lookup/code', target);
      else await api('POST', '/api/v1/auth/codes', { purpose, ...target });
      setWait(RESEND_AFTER_S);
    } catch (err) {
      onError(errorText(t, err));
    } finally {
      setSending(false);
    }
  };
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Input
        {...(id ? { id } : {})}
        value={value}
        data-testid="code-input"
        onChange={(e) => onChange?.(e.target.value.replace(/\D/g, ''))}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
      />
      <Button onClick={send} loading={sending} disabled={!target || wait > 0} style={{ minWidth: 120 }}>
        {wait > 0 ? t('code.resendIn', { s: String(wait) }) : t('code.send')}
      </Button>
    </Space.Compact>
  );
}
