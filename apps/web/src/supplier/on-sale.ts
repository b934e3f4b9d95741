import type { ProductManageDto } from '@kameng/contracts';
import { App } from 'antd';
import { useState } from 'react';
import { errorText } from '../console/i18n.ts';
import { useInvalidate } from '../console/query.ts';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';

/** Puts a product on or off sale (no review needed); says how it went. `busyId` is the product in flight. */
export function useOnSale() {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [busyId, setBusyId] = useState<string | null>(null);
  const setOnSale = async (p: ProductManageDto, onSale: boolean) => {
    setBusyId(p.id);
    try {
      await api('PATCH', `/api/v1/supplier/products/${encodeURIComponent(p.id)}`, { onSale });
      message.success(onSale ? t('products.nowOnSale') : t('products.nowOffSale'));
      await invalidate('/api/v1/supplier/products');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusyId(null);
    }
  };
  return { busyId, setOnSale };
}
