import type { sessionSchema, totpEnrollResponseSchema } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, List, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import { CodeField } from '../account/code-field.tsx';
import { NewPasswordFields } from '../account/new-password-fields.tsx';
import { errorText, useLocale } from '../i18n/index.ts';
import { useBuyerT } from './messages.ts';
import { PrivacyCard, ThirdPartyCard, useMyIdentities } from './third-party-card.tsx';
import { api } from '../lib/api.ts';
import { deviceName } from '../lib/device.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { type Me, useSession } from '../lib/session.ts';
import { formatTime } from '../lib/time.ts';

type SessionRow = z.infer<typeof sessionSchema>;
type Enrollment = z.infer<typeof totpEnrollResponseSchema>;

export function SecurityPage() {
  // an account made by WeChat or QQ sign-in has no password to change
  const hasPassword = useMyIdentities().data?.hasPassword ?? true;
  return (
    <Flex vertical gap={12}>
      <Contacts />
      {hasPassword ? <ChangePassword /> : <AddCredentials />}
      <TwoFactor />
      <ThirdPartyCard />
      <Sessions />
      <PrivacyCard />
    </Flex>
  );
}

/** The account's email and phone, each verified with a code sent to it. */
function Contacts() {
  const t = useBuyerT();
  const { me } = useSession();
  const contacts = [
    ...(me?.email ? [{ kind: 'email' as const, value: me.email, verified: me.emailVerified }] : []),
    ...(me?.phone ? [{ kind: 'phone' as const, value: me.phone, verified: me.phoneVerified }] : []),
  ];
  return (
    <Card size="small" title={t('security.contacts')}>
      <List
        size="small"
        dataSource={contacts}
        renderItem={(c) => <ContactRow key={c.kind} {...c} />}
        locale={{ emptyText: t('security.noContact') }}
      />
    </Card>
  );
}

function ContactRow({ kind, value, verified }: { kind: 'email' | 'phone'; value: string; verified: boolean }) {
  const t = useBuyerT();
  const { signedIn } = useSession();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const target = kind === 'email' ? { email: value } : { phone: value };
  const verify = useMutation({
    mutationFn: () => api<Me>('POST', '/api/v1/me/verify', { ...target, code }),
    onSuccess: (user) => {
      signedIn(user);
      setOpen(false);
    },
    onError: (err) => setError(errorText(t, err)),
  });
  return (
    <List.Item>
      <Flex vertical gap={8} style={{ width: '100%' }}>
        <Flex justify="space-between" align="center" gap={8} wrap>
          <Typography.Text>
            <Typography.Text type="secondary">{t(kind)}</Typography.Text> {value}
          </Typography.Text>
          {verified ? (
            <Tag color="green">{t('security.verified')}</Tag>
          ) : (
            <Flex gap={8} align="center">
              <Tag color="orange">{t('security.unverified')}</Tag>
              {!open && (
                <Button size="small" onClick={() => setOpen(true)}>
                  {t('security.verify')}
                </Button>
              )}
            </Flex>
          )}
        </Flex>
        {open && !verified && (
          <Flex vertical gap={8} style={{ maxWidth: 400 }}>
            <CodeField
              purpose="verify"
              target={target}
              value={code}
              onChange={setCode}
              onError={setError}
              id={`verify-${kind}`}
            />
            {error && <Alert type="error" showIcon role="alert" message={error} />}
            <Button
              type="primary"
              disabled={!/^\d{6}$/.test(code)}
              loading={verify.isPending}
              onClick={() => {
                setError(null);
                verify.mutate();
              }}
              style={{ alignSelf: 'flex-start' }}
            >
              {t('security.verifySubmit')}
            </Button>
          </Flex>
        )}
      </Flex>
    </List.Item>
  );
}

function ChangePassword() {
  const t = useBuyerT();
  const { signedIn } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; confirm: string }>();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (v: { currentPassword: string; newPassword: string }) =>
      api<{ user: Me }>('POST', '/api/v1/me/password', v),
    onSuccess: (r) => {
      form.resetFields();
      signedIn(r.user);
      message.success(t('security.passwordChanged'));
    },
    onError: (err) => {
      const text = errorText(t, err);
      if (!showFieldErrors(form, err, text, { currentPassword: 'currentPassword', newPassword: 'newPassword' }))
        setError(text);
    },
  });
  return (
    <Card size="small" title={t('security.changePassword')}>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        style={{ maxWidth: 400 }}
        onFinish={(v) => {
          setError(null);
          change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword });
        }}
      >
        <Form.Item
          name="currentPassword"
          label={t('security.currentPassword')}
          rules={[{ required: true, message: t('validate.required') }]}
        >
          <Input.Password autoComplete="current-password" maxLength={128} />
        </Form.Item>
        <NewPasswordFields name="newPassword" label={t('security.newPassword')} />
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
        <Typography.Paragraph type="secondary">{t('security.passwordNote')}</Typography.Paragraph>
        <Button type="primary" htmlType="submit" loading={change.isPending}>
          {t('security.changePassword')}
        </Button>
      </Form>
    </Card>
  );
}

/** An account made by WeChat/QQ sign-in sets an email or phone (proved by its code) and a password. */
function AddCredentials() {
  const t = useBuyerT();
  const { signedIn } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ contact: string; code: string; password: string }>();
  const [error, setError] = useState<string | null>(null);
  const which = (c: string) => (c.includes('@') ? { email: c.trim().toLowerCase() } : { phone: c.trim() });
  const send = async () => {
    setError(null);
    try {
      await api('POST', '/api/v1/auth/codes', { purpose: 'verify', ...which(form.getFieldValue('contact') ?? '') });
      message.success(t('security.codeSent'));
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  const add = async (v: { contact: string; code: string; password: string }) => {
    setError(null);
    try {
      const me = await api<Me>('POST', '/api/v1/me/credentials', {
        ...which(v.contact),
        code: v.code.trim(),
        password: v.password,
      });
      signedIn(me);
      message.success(t('security.credentialsAdded'));
      await refreshMe(signedIn);
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <Card size="small" title={t('security.addCredentials')}>
      <Typography.Paragraph type="secondary">{t('security.addCredentialsNote')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} style={{ maxWidth: 400 }} onFinish={add}>
        <Form.Item
          name="contact"
          label={t('security.contact')}
          rules={[{ required: true, message: t('validate.required') }]}
        >
          <Input maxLength={254} autoComplete="username" />
        </Form.Item>
        <Button onClick={send} style={{ marginBottom: 16 }}>
          {t('security.sendCode')}
        </Button>
        <Form.Item name="code" label={t('security.code')} rules={[{ required: true, message: t('validate.required') }]}>
          <Input maxLength={6} inputMode="numeric" autoComplete="one-time-code" />
        </Form.Item>
        <NewPasswordFields name="password" label={t('security.newPassword')} />
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit">
          {t('security.addCredentials')}
        </Button>
      </Form>
    </Card>
  );
}

async function refreshMe(signedIn: (me: Me) => void): Promise<void> {
  signedIn(await api<Me>('GET', '/api/v1/me'));
}

function TwoFactor() {
  const t = useBuyerT();
  const { me, signedIn } = useSession();
  const [step, setStep] = useState<'idle' | 'password' | 'scan'>('idle');
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  // enrolment is a sensitive action: the password is confirmed first, then the secret is issued
  const begin = (v: { password: string }) =>
    run(async () => {
      await api('POST', '/api/v1/auth/reauth', { password: v.password });
      setEnrollment(await api<Enrollment>('POST', '/api/v1/me/2fa/enroll'));
      setStep('scan');
    });
  const confirm = (v: { code: string }) =>
    run(async () => {
      const r = await api<{ recoveryCodes: string[] }>('POST', '/api/v1/me/2fa/confirm', { code: v.code.trim() });
      setRecovery(r.recoveryCodes);
      setEnrollment(null);
      setStep('idle');
      await refreshMe(signedIn);
    });
  const disable = (v: { password: string; code: string }) =>
    run(async () => {
      await api('POST', '/api/v1/me/2fa/disable', { password: v.password, code: v.code.trim() });
      setRecovery(null);
      await refreshMe(signedIn);
    });
  const errorBox = error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />;

  return (
    <Card
      size="small"
      title={t('security.twoFactor')}
      extra={me?.totpEnabled ? <Tag color="green">{t('security.on')}</Tag> : <Tag>{t('security.off')}</Tag>}
    >
      {recovery && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('security.recoveryTitle')}
          description={
            <Flex vertical gap={4}>
              <span>{t('security.recoveryHint')}</span>
              <Typography.Paragraph
                copyable={{ text: recovery.join('\n') }}
                code
                style={{ margin: 0 }}
                data-testid="recovery-codes"
              >
                {recovery.join('  ')}
              </Typography.Paragraph>
            </Flex>
          }
        />
      )}
      {me?.totpEnabled && me.roles.some((r) => r !== 'buyer') ? (
        // the server refuses: supplier and staff accounts keep their second factor (PROMISES #24)
        <Typography.Text type="secondary">{t('security.keepOn')}</Typography.Text>
      ) : me?.totpEnabled ? (
        <Form layout="vertical" requiredMark={false} style={{ maxWidth: 400 }} onFinish={disable}>
          <Typography.Paragraph type="secondary">{t('security.disableHint')}</Typography.Paragraph>
          <Form.Item
            name="password"
            label={t('password')}
            rules={[{ required: true, message: t('validate.required') }]}
          >
            <Input.Password autoComplete="current-password" maxLength={128} />
          </Form.Item>
          <Form.Item name="code" label={t('totp')} rules={[{ required: true, message: t('validate.required') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={32} />
          </Form.Item>
          {errorBox}
          <Button danger htmlType="submit" loading={busy}>
            {t('security.disable')}
          </Button>
        </Form>
      ) : step === 'idle' ? (
        <Flex vertical gap={8} align="flex-start">
          <Typography.Text type="secondary">{t('security.twoFactorHint')}</Typography.Text>
          <Button type="primary" onClick={() => setStep('password')}>
            {t('security.enable')}
          </Button>
        </Flex>
      ) : step === 'password' ? (
        <Form layout="vertical" requiredMark={false} style={{ maxWidth: 400 }} onFinish={begin}>
          <Form.Item
            name="password"
            label={t('security.confirmPassword')}
            rules={[{ required: true, message: t('validate.required') }]}
          >
            <Input.Password autoComplete="current-password" maxLength={128} autoFocus />
          </Form.Item>
          {errorBox}
          <Flex gap={8}>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('security.next')}
            </Button>
            <Button onClick={() => setStep('idle')}>{t('common.cancel')}</Button>
          </Flex>
        </Form>
      ) : (
        enrollment && (
          <Flex vertical gap={12} style={{ maxWidth: 400 }}>
            <Typography.Text>{t('security.scan')}</Typography.Text>
            <img
              src={enrollment.qrCodeDataUrl}
              alt={t('security.qrAlt')}
              width={200}
              height={200}
              style={{ alignSelf: 'center' }}
            />
            <Typography.Text type="secondary">
              {t('security.secret')}{' '}
              <Typography.Text code copyable data-testid="totp-secret">
                {enrollment.secret}
              </Typography.Text>
            </Typography.Text>
            <Form layout="vertical" requiredMark={false} onFinish={confirm}>
              <Form.Item
                name="code"
                label={t('totp')}
                rules={[
                  { required: true, message: t('validate.required') },
                  { pattern: /^\d{6}$/, message: t('validate.totp') },
                ]}
              >
                <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
              </Form.Item>
              {errorBox}
              <Flex gap={8}>
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('security.confirmEnable')}
                </Button>
                <Button onClick={() => setStep('idle')}>{t('common.cancel')}</Button>
              </Flex>
            </Form>
          </Flex>
        )
      )}
    </Card>
  );
}

function Sessions() {
  const t = useBuyerT();
  const { locale } = useLocale();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => api<{ items: SessionRow[] }>('GET', '/api/v1/me/sessions').then((r) => r.items),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sessions'] }),
  });
  return (
    <Card size="small" title={t('security.sessions')}>
      {revoke.isError && (
        <Alert type="error" showIcon role="alert" message={errorText(t, revoke.error)} style={{ marginBottom: 12 }} />
      )}
      {sessions.isPending ? (
        <Skeleton active />
      ) : sessions.isError ? (
        <Alert type="error" showIcon message={errorText(t, sessions.error)} />
      ) : (
        <List
          size="small"
          dataSource={sessions.data}
          renderItem={(s) => (
            <List.Item
              actions={
                s.current
                  ? [
                      <Tag key="current" color="blue">
                        {t('security.thisDevice')}
                      </Tag>,
                    ]
                  : [
                      <Popconfirm
                        key="revoke"
                        title={t('security.revokeQuestion')}
                        okText={t('security.revoke')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => revoke.mutate(s.id)}
                      >
                        <Button size="small" danger>
                          {t('security.revoke')}
                        </Button>
                      </Popconfirm>,
                    ]
              }
            >
              <List.Item.Meta
                title={
                  <Typography.Text ellipsis style={{ maxWidth: '100%' }}>
                    {deviceName(s.userAgent) ?? t('security.unknownDevice')}
                  </Typography.Text>
                }
                description={t('security.sessionSeen', { ip: s.ip ?? '—', time: formatTime(s.lastSeenAt, locale) })}
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
