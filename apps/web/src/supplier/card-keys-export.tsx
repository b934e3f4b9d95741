import { LockOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useState } from 'react';
import { ExportButtons } from '../console/export-buttons.tsx';
import { withParams } from '../console/query.ts';
import { ReauthModal } from '../console/reauth.tsx';
import { useT } from './messages.ts';

type Unsold = 'available' | 'reserved' | 'void';

/**
 * A product's unsold keys as files: masked (导出 CSV / Excel), or in full after the password (and 2FA code) is
 * confirmed again; the server records every full export in the audit log.
 */
export function CardKeysExport(props: { base: string; status: Unsold }) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const path = `${props.base}/card-keys/export`;
  const downloadFull = async () => {
    const a = document.createElement('a');
    a.href = withParams(path, { status: props.status, reveal: true, format: 'csv' });
    a.download = '';
    a.click();
    setConfirming(false);
  };
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <ExportButtons path={path} params={{ status: props.status }} />
      <Button icon={<LockOutlined />} onClick={() => setConfirming(true)} data-testid="export-full">
        {t('keys.exportFull')}
      </Button>
      <ReauthModal
        open={confirming}
        title={t('keys.exportFullTitle')}
        onClose={() => setConfirming(false)}
        action={downloadFull}
      />
    </Space>
  );
}
