import { bpsOf, type CategoryNodeDto } from '@kameng/contracts';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { centsToYuanText, formatCents, yuanToCents } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { api } from '../lib/api.ts';
import { useSite } from '../lib/site.ts';
import { type SearchResult, useCategoryTree, useProductSearch } from '../storefront/catalog-data.ts';
import { useMyCosts } from './costs.ts';
import { useAgentsT } from './messages.ts';
import { type AgentSiteDto, type MarkupItem, markupText, pctToBps } from './types.ts';

type Listing = SearchResult['items'][number];
type Markup = { markupBps: number; markupCents: number };
type Source = 'product' | 'category' | 'default';

interface MarkupValues {
  pct?: number | null;
  yuan?: string;
  categoryId?: string;
}

/** Every category with its parent, and its name with the names above it. */
function flatten(tree: CategoryNodeDto[], parent: string | null = null, above = '') {
  const out: { id: string; parent: string | null; label: string }[] = [];
  for (const c of tree) {
    const label = above ? `${above} / ${c.name}` : c.name;
    out.push({ id: c.id, parent, label });
    out.push(...flatten(c.children, c.id, label));
  }
  return out;
}

/** As the server decides it (agents.sites.ts): the product's markup, else its nearest category's, else the default. */
function markupOf(
  items: readonly MarkupItem[],
  productId: string,
  path: readonly string[],
  fallback: Markup,
): { m: Markup; source: Source; sells: boolean } {
  const byProduct = items.find((i) => i.productId === productId);
  const byCategory = path.map((c) => items.find((i) => i.categoryId === c)).find((i) => i !== undefined);
  const sells = items.length === 0 || byProduct !== undefined || byCategory !== undefined;
  if (byProduct) return { m: byProduct, source: 'product', sells };
  if (byCategory) return { m: byCategory, source: 'category', sells };
  return { m: fallback, source: 'default', sells };
}

/** The price the one price function gives at this markup (contracts/pricing.ts: cost + bps of cost + fixed). */
const priceAt = (cost: number, m: Markup) => cost + bpsOf(cost, m.markupBps) + m.markupCents;

const toMarkup = (v: MarkupValues): Markup => ({
  markupBps: pctToBps(v.pct),
  markupCents: yuanToCents(v.yuan?.trim() || '0') ?? 0,
});

/**
 * /agent/products: what he sells and at which markup, per category or product (percent and/or fixed), with
 * his cost and the price it gives. Changes are collected here and saved together (PUT replaces the set).
 */
export default function Markups() {
  const t = useAgentsT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const site = useGet<AgentSiteDto>('/api/v1/agent/site');
  const saved = useGet<{ items: MarkupItem[] }>('/api/v1/agent/site/markups');
  const products = useProductSearch({ pageSize: 100 });
  const tree = useCategoryTree();
  // on a 分站's Host the catalog answers that site's prices, markups included: not this agent's cost
  const onSubsite = !!useSite().data?.agentSite;
  const [items, setItems] = useState<MarkupItem[] | null>(null);
  const [editing, setEditing] = useState<Listing | 'category' | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (saved.data) setItems(saved.data.items);
  }, [saved.data]);
  // his own cost of each listed product: the platform's price for him, or his parent's price to him
  const listedIds = (products.data?.items ?? []).map((p) => p.id);
  const { costs, byId: costOf } = useMyCosts(listedIds);
  const categories = useMemo(() => flatten(tree.data ?? []), [tree.data]);
  const byId = useMemo(() => new Map(categories.map((c) => [c.id, c])), [categories]);
  const pathOf = (id: string) => {
    const out: string[] = [];
    for (let c = byId.get(id); c && out.length < 16; c = c.parent ? byId.get(c.parent) : undefined) out.push(c.id);
    return out;
  };
  const current = items ?? [];
  const fallback: Markup = { markupBps: site.data?.markupBps ?? 0, markupCents: site.data?.markupCents ?? 0 };
  const dirty = saved.data !== undefined && JSON.stringify(saved.data.items) !== JSON.stringify(current);
  const put = (next: MarkupItem) =>
    setItems([
      ...current.filter((i) => (next.productId ? i.productId !== next.productId : i.categoryId !== next.categoryId)),
      next,
    ]);
  const save = async () => {
    setBusy(true);
    try {
      const body = current.map((i) => ({
        ...(i.productId ? { productId: i.productId } : { categoryId: i.categoryId }),
        markupBps: i.markupBps,
        markupCents: i.markupCents,
      }));
      await api('PUT', '/api/v1/agent/site/markups', { items: body });
      message.success(t('markups.saved'));
      await invalidate('/api/v1/agent/site/markups');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  const rows = (products.data?.items ?? []).map((p) => {
    const d = markupOf(current, p.id, pathOf(p.categoryId), fallback);
    // undefined: not answered yet; null: his parent does not sell it, so neither can he
    const cost = costs.data ? (costOf.get(p.id) ?? null) : undefined;
    return { p, ...d, cost, price: typeof cost === 'number' ? priceAt(cost, d.m) : null };
  });
  const categoryItems = current.filter((i) => i.categoryId);
  const editingProduct = editing !== null && editing !== 'category' ? editing : null;
  const editingItem = editingProduct ? current.find((i) => i.productId === editingProduct.id) : undefined;
  return (
    <>
      <PageHeader
        title={t('menu.products')}
        sub={t('markups.sub')}
        extra={
          <Button type="primary" disabled={!dirty} loading={busy} onClick={save}>
            {t('markups.save')}
          </Button>
        }
      />
      <ErrorAlert error={site.error ?? saved.error ?? products.error ?? tree.error ?? costs.error} />
      {onSubsite && <Alert type="warning" showIcon message={t('markups.onSubsite')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph type="secondary">
        <Tag color={current.length === 0 ? 'green' : 'orange'} data-testid="sell-scope">
          {current.length === 0 ? t('markups.sellAll') : t('markups.sellChosen')}
        </Tag>
        {t('markups.sellHint')} · {t('markups.costNote')}
      </Typography.Paragraph>
      <Card
        size="small"
        title={t('markups.categories')}
        style={{ marginBottom: 16 }}
        extra={
          <Button size="small" onClick={() => setEditing('category')}>
            {t('markups.addCategory')}
          </Button>
        }
      >
        <Flex wrap gap={8}>
          {categoryItems.length === 0 && <Typography.Text type="secondary">—</Typography.Text>}
          {categoryItems.map((i) => (
            <Tag
              key={i.categoryId}
              closable
              onClose={(e) => {
                e.preventDefault();
                setItems(current.filter((x) => x.categoryId !== i.categoryId));
              }}
            >
              {byId.get(i.categoryId ?? '')?.label ?? i.categoryId}: {markupText(i, formatCents)}
            </Tag>
          ))}
        </Flex>
      </Card>
      <Table
        size="small"
        rowKey={(r) => r.p.id}
        loading={products.isPending || saved.isPending || (listedIds.length > 0 && costs.isPending)}
        dataSource={rows}
        pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('markups.none') }}
        columns={[
          { title: t('markups.product'), key: 'title', width: 220, render: (_, r) => r.p.title },
          {
            title: t('markups.category'),
            key: 'cat',
            width: 140,
            render: (_, r) => byId.get(r.p.categoryId)?.label ?? '—',
          },
          {
            title: t('markups.cost'),
            key: 'cost',
            width: 110,
            render: (_, r) =>
              r.cost === null ? (
                <Tag>{t('markups.parentNotSelling')}</Tag>
              ) : (
                <span data-testid="agent-cost">{r.cost === undefined ? '—' : formatCents(r.cost)}</span>
              ),
          },
          {
            title: t('markups.rule'),
            key: 'rule',
            width: 150,
            render: (_, r) => (
              <span>
                {markupText(r.m, formatCents)} <Tag>{t(`markups.rule.${r.source}`)}</Tag>
              </span>
            ),
          },
          {
            title: t('markups.price'),
            key: 'price',
            width: 100,
            render: (_, r) => (
              <Typography.Text strong data-testid="agent-price">
                {r.price === null ? '—' : formatCents(r.price)}
              </Typography.Text>
            ),
          },
          {
            title: t('markups.margin'),
            key: 'margin',
            width: 100,
            render: (_, r) => (r.price === null || typeof r.cost !== 'number' ? '—' : formatCents(r.price - r.cost)),
          },
          {
            title: t('markups.sells'),
            key: 'sells',
            width: 70,
            render: (_, r) => (r.sells ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 170,
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => setEditing(r.p)}>
                  {t('markups.edit')}
                </Button>
                {r.source === 'product' && (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => setItems(current.filter((i) => i.productId !== r.p.id))}
                  >
                    {t('markups.clear')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <FormModal<MarkupValues>
        open={editing !== null}
        title={editingProduct ? t('markups.editTitle', { name: editingProduct.title }) : t('markups.addCategory')}
        okText={t('common.confirm')}
        onClose={() => setEditing(null)}
        initialValues={
          editingItem ? { pct: editingItem.markupBps / 100, yuan: centsToYuanText(editingItem.markupCents) } : {}
        }
        onSubmit={async (v) => {
          if (editingProduct) put({ productId: editingProduct.id, ...toMarkup(v) });
          else if (v.categoryId) put({ categoryId: v.categoryId, ...toMarkup(v) });
        }}
      >
        {!editingProduct && (
          <Form.Item
            name="categoryId"
            label={t('markups.chooseCategory')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              options={categories.map((c) => ({ value: c.id, label: c.label }))}
            />
          </Form.Item>
        )}
        <Form.Item name="pct" label={t('site.markupPct')}>
          <InputNumber min={0} max={1000} precision={2} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="yuan"
          label={t('site.markupYuan')}
          rules={[{ pattern: /^\d{1,7}(\.\d{1,2})?$/, message: t('common.yuanInvalid') }]}
        >
          <Input prefix="¥" inputMode="decimal" maxLength={10} />
        </Form.Item>
      </FormModal>
    </>
  );
}
