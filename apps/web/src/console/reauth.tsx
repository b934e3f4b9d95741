import { Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { ApiFailure, api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { FormModal } from './form-modal.tsx';
import { useCommonT } from './i18n.ts';

interface Values {
  password: string;
  totp?: string;
}

/** Until when (this client's clock, with a margin) the server's step-up window from the last confirmation runs. */
let stepUpUntil = 0;
const MARGIN_MS = 15_000;

/**
 * Confirms the password (and a TOTP code when 2FA is on) with POST /auth/reauth, then runs `action`, which the
 * server allows for the next few minutes. An error of either step stays in the dialog, next to the fields.
 * Within those minutes (the step-up window) it only asks to go ahead: one TOTP code cannot be used twice, so a
 * second prompt in the same 30 s could not be answered. Should the server say the window has passed after all,
 * the fields come back.
 */
export function ReauthModal(props: {
  open: boolean;
  title?: string;
  onClose: () => void;
  action: () => Promise<void>;
}) {
  const t = useCommonT();
  const { me } = useSession();
  const totp = me?.totpEnabled ?? false;
  const [ask, setAsk] = useState(true);
  useEffect(() => {
    if (props.open) setAsk(Date.now() >= stepUpUntil);
  }, [props.open]);
  const goAhead = async () => {
    try {
      await props.action();
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'REAUTH_REQUIRED') {
        stepUpUntil = 0;
        setAsk(true);
      }
      throw err;
    }
  };
  const confirm = async (v: Values) => {
    const confirmed = await api<{ stepUpSeconds: number }>('POST', '/api/v1/auth/reauth', {
      password: v.password,
      ...(totp ? { totp: v.totp?.trim() } : {}),
    });
    stepUpUntil = Date.now() + confirmed.stepUpSeconds * 1000 - MARGIN_MS;
    await props.action();
  };
  return (
    <FormModal<Values>
      open={props.open}
      title={props.title ?? t('common.reauthTitle')}
      okText={t('common.confirm')}
      onClose={props.onClose}
      onSubmit={ask ? confirm : goAhead}
    >
      {ask ? <ReauthFields totp={totp} /> : <p>{t('common.stepUpHint')}</p>}
    </FormModal>
  );
}

function ReauthFields({ totp }: { totp: boolean }) {
  const t = useCommonT();
  return (
    <>
      <p>{totp ? t('common.reauthHint') : t('common.reauthNoTotp')}</p>
      <Form.Item
        name="password"
        label={t('common.password')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password autoComplete="current-password" maxLength={128} autoFocus />
      </Form.Item>
      {totp && (
        <Form.Item
          name="totp"
          label={t('common.totp')}
          rules={[{ required: true, pattern: /^\s*\S{6,32}\s*$/, message: t('common.required') }]}
        >
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={32} />
        </Form.Item>
      )}
    </>
  );
}
