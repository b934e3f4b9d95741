import { App, Button, Tooltip } from 'antd';
import { useState } from 'react';
import { errorText, useCommonT } from './i18n.ts';

/**
 * A personal field as the server sends it to staff (masked), with a 显示 link that asks the server for it whole;
 * the server records each such request in the audit log, so the page holds nothing whole until asked.
 */
export function RevealText(props: { masked: string; reveal: () => Promise<string | null>; testId?: string }) {
  const t = useCommonT();
  const { message } = App.useApp();
  const [whole, setWhole] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const show = async () => {
    setBusy(true);
    try {
      setWhole((await props.reveal()) ?? props.masked);
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span data-testid={props.testId}>
      {whole ?? props.masked}
      {whole === null && (
        <Tooltip title={t('common.revealNote')}>
          <Button type="link" size="small" loading={busy} onClick={show} style={{ paddingInline: 4, height: 'auto' }}>
            {t('common.reveal')}
          </Button>
        </Tooltip>
      )}
    </span>
  );
}
