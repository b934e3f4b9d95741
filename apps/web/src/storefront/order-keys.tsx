import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { Button, Flex, List, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/index.ts';

function mask(key: string): string {
  if (key.length <= 6) return '•'.repeat(key.length);
  return `${key.slice(0, 3)}${'•'.repeat(Math.min(12, key.length - 6))}${key.slice(-3)}`;
}

/** Delivered keys, masked until the buyer reveals them (someone may be looking over a shoulder); each can be copied. */
export function OrderKeys({ keys }: { keys: string[] }) {
  const { t } = useI18n();
  const [shown, setShown] = useState(false);
  return (
    <Flex vertical gap={8}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text strong>{t('order.keys', { count: String(keys.length) })}</Typography.Text>
        <Flex gap={8}>
          <Button
            size="small"
            icon={shown ? <EyeInvisibleOutlined /> : <EyeOutlined />}
            onClick={() => setShown(!shown)}
          >
            {shown ? t('order.hideKeys') : t('order.revealKeys')}
          </Button>
          <Typography.Text copyable={{ text: keys.join('\n'), tooltips: [t('order.copyAll'), t('order.copied')] }}>
            {t('order.copyAll')}
          </Typography.Text>
        </Flex>
      </Flex>
      <List
        size="small"
        bordered
        dataSource={keys}
        renderItem={(key, i) => (
          <List.Item>
            <Typography.Text
              code
              data-testid="card-key"
              style={{ wordBreak: 'break-all' }}
              copyable={{ text: key, tooltips: [t('order.copy'), t('order.copied')] }}
              aria-label={t('order.keyN', { n: String(i + 1) })}
            >
              {shown ? key : mask(key)}
            </Typography.Text>
          </List.Item>
        )}
      />
    </Flex>
  );
}
