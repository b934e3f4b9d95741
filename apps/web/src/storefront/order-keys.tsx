import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { Button, Flex, List, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/index.ts';

function mask(key: string): string {
  if (key.length <= 6) return '•'.repeat(key.length);
  return `${key.slice(0, 3)}${'•'.repeat(Math.min(12, key.length - 6))}${key.slice(-3)}`;
}

/**
 * Delivered keys, masked until the buyer reveals them (someone may be looking over a shoulder); each can be
 * copied. Without `keys` (a registered buyer's order read with ?keys=hidden) `count` placeholders stand in
 * and showing them calls `onReveal`, the recorded reveal step.
 */
export function OrderKeys({
  keys,
  count,
  onReveal,
}: {
  keys: string[] | null;
  count: number;
  onReveal?: () => Promise<string[]>;
}) {
  const { t } = useI18n();
  const [shown, setShown] = useState(false);
  const [loading, setLoading] = useState(false);
  const toggle = async () => {
    if (!keys && onReveal) {
      setLoading(true);
      try {
        await onReveal();
      } finally {
        setLoading(false);
      }
    }
    setShown(!shown);
  };
  const rows = keys ?? Array.from({ length: count }, () => '••••••••');
  return (
    <Flex vertical gap={8}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text strong>{t('order.keys', { count: String(rows.length) })}</Typography.Text>
        <Flex gap={8}>
          <Button
            size="small"
            loading={loading}
            icon={shown ? <EyeInvisibleOutlined /> : <EyeOutlined />}
            onClick={() => void toggle()}
          >
            {shown ? t('order.hideKeys') : t('order.revealKeys')}
          </Button>
          {keys && (
            <Typography.Text copyable={{ text: keys.join('\n'), tooltips: [t('order.copyAll'), t('order.copied')] }}>
              {t('order.copyAll')}
            </Typography.Text>
          )}
        </Flex>
      </Flex>
      <List
        size="small"
        bordered
        dataSource={rows}
        renderItem={(key, i) => (
          <List.Item>
            <Typography.Text
              code
              data-testid="card-key"
              style={{ wordBreak: 'break-all' }}
              copyable={keys ? { text: key, tooltips: [t('order.copy'), t('order.copied')] } : false}
              aria-label={t('order.keyN', { n: String(i + 1) })}
            >
              {shown && keys ? key : keys ? mask(key) : key}
            </Typography.Text>
          </List.Item>
        )}
      />
    </Flex>
  );
}
