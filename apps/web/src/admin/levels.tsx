import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { LevelDto } from '@kameng/contracts';
import { App, Button, Card, Col, Flex, Form, Input, Popconfirm, Row, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { centsToYuanText, formatCents, yuanRule, yuanToCents } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { api } from '../lib/api.ts';
import { bpsToPct, pctToBps, useLevelsT } from '../members/messages.ts';

interface Values {
  name: string;
  rank: number | string;
  discount?: string;
  feeDiscount?: string;
  threshold?: string;
  upgradePrice?: string;
  serviceContact?: string;
  overrides?: Array<{ kind: 'category' | 'product'; id: string; discount: string }>;
}

const LIST = '/api/v1/admin/levels';

function toValues(l: LevelDto): Values {
  return {
    name: l.name,
    rank: l.rank,
    discount: bpsToPct(l.discountBps),
    feeDiscount: bpsToPct(l.feeDiscountBps),
    threshold: l.spendThresholdCents === null ? '' : centsToYuanText(l.spendThresholdCents),
    upgradePrice: l.upgradePriceCents === null ? '' : centsToYuanText(l.upgradePriceCents),
    serviceContact: l.serviceContact ?? '',
    overrides: l.overrides.map((o) => ({
      kind: o.productId ? 'product' : 'category',
      id: (o.productId ?? o.categoryId)!,
      discount: bpsToPct(o.discountBps),
    })),
  };
}

/** What the form says, as the API's body: percent → bps, yuan → fen, empty → null. */
function toBody(v: Values) {
  return {
    name: v.name,
    rank: Number(v.rank),
    discountBps: pctToBps(v.discount) ?? 0,
    feeDiscountBps: pctToBps(v.feeDiscount) ?? 0,
    spendThresholdCents: v.threshold ? yuanToCents(v.threshold) : null,
    upgradePriceCents: v.upgradePrice ? yuanToCents(v.upgradePrice) : null,
    serviceContact: v.serviceContact ?? '',
    overrides: (v.overrides ?? []).map((o) => ({
      [o.kind === 'product' ? 'productId' : 'categoryId']: o.id.trim(),
      discountBps: pctToBps(o.discount) ?? 0,
    })),
  };
}

/** GET/POST/PUT/DELETE /admin/levels (modules/members): the levels, what reaches them, what they give. */
export default function Levels() {
  const t = useLevelsT();
  const { message } = App.useApp();
  const list = useGet<{ items: LevelDto[] }>(LIST);
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<LevelDto | 'new' | null>(null);
  const pctRule = {
    validator: (_: unknown, v: unknown) =>
      v === undefined || v === '' || pctToBps(v as string) !== null
        ? Promise.resolve()
        : Promise.reject(new Error('0–100')),
  };
  const remove = async (l: LevelDto) => {
    await api('DELETE', `${LIST}/${encodeURIComponent(l.id)}`);
    message.success(t('common.saved'));
    await invalidate(LIST);
  };
  return (
    <>
      <PageHeader
        title={t('menu.levels')}
        sub={t('levels.sub')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('levels.add')}
          </Button>
        }
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Card>
        <Table<LevelDto>
          rowKey="id"
          size="small"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: t('levels.none') }}
          columns={[
            { title: t('levels.name'), dataIndex: 'name', width: 140 },
            { title: t('levels.rank'), dataIndex: 'rank', width: 80 },
            {
              title: t('levels.discount'),
              key: 'd',
              width: 120,
              render: (_, l) => t('levels.pct', { pct: bpsToPct(l.discountBps) }),
            },
            {
              title: t('levels.feeDiscount'),
              key: 'f',
              width: 150,
              render: (_, l) => t('levels.pct', { pct: bpsToPct(l.feeDiscountBps) }),
            },
            {
              title: t('levels.threshold'),
              key: 's',
              width: 140,
              render: (_, l) =>
                l.spendThresholdCents === null ? t('levels.notReachable') : formatCents(l.spendThresholdCents),
            },
            {
              title: t('levels.upgradePrice'),
              key: 'u',
              width: 130,
              render: (_, l) =>
                l.upgradePriceCents === null ? t('levels.notForSale') : formatCents(l.upgradePriceCents),
            },
            { title: t('levels.contact'), dataIndex: 'serviceContact', width: 140 },
            {
              title: t('common.actions'),
              key: 'a',
              width: 120,
              fixed: 'right',
              render: (_, l) => (
                <Space size="small">
                  <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setEditing(l)}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm title={t('levels.deleteConfirm', { name: l.name })} onConfirm={() => remove(l)}>
                    <Button type="link" size="small" danger style={{ padding: 0 }}>
                      {t('levels.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <FormModal<Values>
        open={editing !== null}
        title={editing === 'new' ? t('levels.add') : t('levels.edit')}
        okText={t('common.confirm')}
        onClose={() => setEditing(null)}
        initialValues={editing && editing !== 'new' ? toValues(editing) : { discount: '0', feeDiscount: '0' }}
        onSubmit={async (v) => {
          if (editing === 'new') {
            await api('POST', LIST, toBody(v));
            message.success(t('levels.created'));
          } else if (editing) {
            await api('PUT', `${LIST}/${encodeURIComponent(editing.id)}`, toBody(v));
            message.success(t('common.saved'));
          }
          await invalidate(LIST);
        }}
      >
        <Row gutter={12}>
          <Col xs={24} sm={14}>
            <Form.Item
              name="name"
              label={t('levels.name')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={32} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item
              name="rank"
              label={t('levels.rank')}
              extra={t('levels.rankHint')}
              rules={[{ required: true, pattern: /^\d{1,4}$/, message: t('common.required') }]}
            >
              <Input inputMode="numeric" maxLength={4} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="discount" label={t('levels.discount')} extra={t('levels.discountHint')} rules={[pctRule]}>
              <Input inputMode="decimal" suffix="%" maxLength={6} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="feeDiscount"
              label={t('levels.feeDiscount')}
              extra={t('levels.feeDiscountHint')}
              rules={[pctRule]}
            >
              <Input inputMode="decimal" suffix="%" maxLength={6} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="threshold"
              label={t('levels.threshold')}
              extra={t('levels.thresholdHint')}
              rules={[yuanRule(t('common.yuanInvalid'), 0)]}
            >
              <Input prefix="¥" inputMode="decimal" maxLength={13} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="upgradePrice"
              label={t('levels.upgradePrice')}
              extra={t('levels.upgradeHint')}
              rules={[yuanRule(t('common.yuanInvalid'))]}
            >
              <Input prefix="¥" inputMode="decimal" maxLength={13} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="serviceContact" label={t('levels.contact')} extra={t('levels.contactHint')}>
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item label={t('levels.overrides')} extra={t('levels.overridesHint')}>
          <Form.List name="overrides">
            {(fields, { add, remove }) => (
              <Flex vertical gap={8}>
                {fields.map((f) => (
                  <Flex key={f.key} gap={8} align="start" wrap>
                    <Form.Item name={[f.name, 'kind']} noStyle initialValue="category">
                      <Select
                        style={{ width: 90 }}
                        options={(['category', 'product'] as const).map((k) => ({
                          value: k,
                          label: t(`levels.kind.${k}`),
                        }))}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'id']} noStyle rules={[{ required: true, whitespace: true }]}>
                      <Input placeholder={t('levels.overrideId')} style={{ width: 200 }} maxLength={64} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'discount']} noStyle rules={[{ required: true }, pctRule]}>
                      <Input suffix="%" inputMode="decimal" style={{ width: 90 }} maxLength={6} />
                    </Form.Item>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('levels.delete')} />
                  </Flex>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'category', id: '', discount: '' })}>
                  {t('levels.overrideAdd')}
                </Button>
              </Flex>
            )}
          </Form.List>
        </Form.Item>
      </FormModal>
    </>
  );
}
