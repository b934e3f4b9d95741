import { Form, Input } from 'antd';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { FormModal } from './form-modal.tsx';
import { useCommonT } from './i18n.ts';

interface Values {
  password: string;
  totp?: string;
}

/**
 * Confirms the password (and a TOTP code when 2FA is on) with POST /auth/reauth, then runs `action`, which the
 * server allows for the next few minutes. An error of either step stays in the dialog, next to the fields.
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
  return (
    <FormModal<Values>
      open={props.open}
      title={props.title ?? t('common.reauthTitle')}
      okText={t('common.confirm')}
      onClose={props.onClose}
      onSubmit={async (v) => {
        await api('POST', '/api/v1/auth/reauth', { password: v.password, ...(totp ? { totp: v.totp?.trim() } : {}) });
        await props.action();
      }}
    >
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
    </FormModal>
  );
}
