import { Alert, Form, Input, Modal } from 'antd';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { errorMessage, useCommonT } from './i18n.ts';
import { useAction } from './use-action.ts';

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
  const [form] = Form.useForm<Values>();
  const { busy, error, run, clearError } = useAction();

  const submit = (v: Values) =>
    run(async () => {
      await api('POST', '/api/v1/auth/reauth', { password: v.password, ...(totp ? { totp: v.totp?.trim() } : {}) });
      await props.action();
      form.resetFields();
      props.onClose();
    });

  return (
    <Modal
      open={props.open}
      title={props.title ?? t('common.reauthTitle')}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        clearError();
        props.onClose();
      }}
      destroyOnHidden
    >
      <p>{totp ? t('common.reauthHint') : t('common.reauthNoTotp')}</p>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
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
        {error ? <Alert type="error" showIcon role="alert" message={errorMessage(t, error)} /> : null}
      </Form>
    </Modal>
  );
}
