import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import type {
  CategoryNodeDto,
  CreateProductBody,
  DeliveryMode,
  GoodsType,
  ProductManageDto,
  UpdateProductBody,
} from '@kameng/contracts';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Image,
  Input,
  InputNumber,
  Radio,
  Row,
  Skeleton,
  Space,
  Switch,
  Tag,
  TreeSelect,
  Typography,
  Upload,
} from 'antd';
import { useMemo } from 'react';
import { centsToYuanText, formatTime, yuanRule, yuanToCents } from '../console/format.ts';
import { showFieldErrors } from '../console/form-errors.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { PRODUCT_STATUS_COLOR } from '../console/types.ts';
import { postRaw } from '../console/upload.ts';
import { RichTextEditor } from '../console/rich-text.tsx';
import { useAction } from '../console/use-action.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { useT } from './messages.ts';
import { useOnSale } from './on-sale.ts';

const MODE_OF: Record<GoodsType, DeliveryMode> = { card_key: 'auto', direct: 'direct', manual: 'manual' };
const FIELDS = [
  'categoryId',
  'title',
  'description',
  'priceCents',
  'deliveryMode',
  'priceTiers',
  'minPerOrder',
  'maxPerOrder',
  'lowStockThreshold',
  'recipientField',
  'stock',
] as const;

interface Values {
  categoryId?: string;
  title: string;
  description: string;
  price: string;
  deliveryMode: DeliveryMode;
  tiers: { minQuantity: number; price: string }[];
  minPerOrder: number;
  maxPerOrder: number | null;
  lowStockThreshold: number | null;
  recipientField: string;
  stock: number | null;
}

/** The nearest goods type on the way from the top to `id` (a category inherits its parent's). */
function goodsTypeOf(tree: CategoryNodeDto[], id: string | undefined): GoodsType | null {
  const walk = (nodes: CategoryNodeDto[], inherited: GoodsType | null): GoodsType | null | undefined => {
    for (const n of nodes) {
      const g = n.goodsType ?? inherited;
      if (n.id === id) return g;
      const found = walk(n.children, g);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return (id && walk(tree, null)) || null;
}

function toTreeData(nodes: CategoryNodeDto[], t: ReturnType<typeof useT>): object[] {
  return nodes.map((n) => {
    const facets = [n.goodsType ? t(`goods.${n.goodsType}`) : null, n.game, n.denomination].filter(Boolean);
    return {
      value: n.id,
      title: facets.length ? `${n.name} · ${facets.join(' · ')}` : n.name,
      children: toTreeData(n.children, t),
    };
  });
}

function toValues(p: ProductManageDto): Values {
  return {
    categoryId: p.categoryId,
    title: p.title,
    description: p.descriptionHtml,
    price: centsToYuanText(p.priceCents),
    deliveryMode: p.deliveryMode,
    tiers: p.priceTiers.map((x) => ({ minQuantity: x.minQuantity, price: centsToYuanText(x.priceCents) })),
    minPerOrder: p.minPerOrder,
    maxPerOrder: p.maxPerOrder,
    lowStockThreshold: p.lowStockThreshold,
    recipientField: p.recipientField ?? '',
    stock: p.stock,
  };
}

/** What the form says, as the API's body: yuan → fen by string, empty → null. */
function toBody(v: Values): CreateProductBody {
  const manual = v.deliveryMode !== 'auto';
  return {
    categoryId: v.categoryId ?? '',
    title: v.title.trim(),
    description: v.description,
    priceCents: yuanToCents(v.price) ?? 0,
    deliveryMode: v.deliveryMode,
    priceTiers: (v.tiers ?? []).map((x) => ({ minQuantity: x.minQuantity, priceCents: yuanToCents(x.price) ?? 0 })),
    minPerOrder: v.minPerOrder ?? 1,
    maxPerOrder: v.maxPerOrder ?? null,
    lowStockThreshold: v.lowStockThreshold ?? null,
    recipientField: v.deliveryMode === 'direct' && v.recipientField.trim() ? v.recipientField.trim() : null,
    ...(manual ? { stock: v.stock ?? null } : {}),
  };
}

/** Only what changed: an edit of title, description, price, tiers, category or mode sends the product back to review. */
function changes(before: CreateProductBody, after: CreateProductBody): UpdateProductBody | null {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after) as (keyof CreateProductBody)[]) {
    if (JSON.stringify(after[k]) !== JSON.stringify(before[k])) out[k] = after[k];
  }
  return Object.keys(out).length ? (out as UpdateProductBody) : null;
}

export default function ProductForm({ id }: { id?: string | undefined }) {
  const product = useGet<ProductManageDto>(id ? `/api/v1/supplier/products/${encodeURIComponent(id)}` : null);
  const categories = useGet<{ items: CategoryNodeDto[] }>('/api/v1/categories');
  const t = useT();
  if (id && product.isPending) return <Skeleton active />;
  if (id && product.error) return <ErrorAlert error={product.error} onRetry={() => product.refetch()} />;
  return (
    <ProductEditor
      key={`${id ?? 'new'}:${product.data?.revision ?? 0}:${product.data?.updatedAt ?? 0}`}
      product={product.data ?? null}
      tree={categories.data?.items ?? []}
      categoriesError={categories.error}
      title={id ? t('form.editTitle') : t('products.new')}
    />
  );
}

function ProductEditor(props: {
  product: ProductManageDto | null;
  tree: CategoryNodeDto[];
  categoriesError: unknown;
  title: string;
}) {
  const t = useT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<Values>();
  const { busy, error, run } = useAction();
  const p = props.product;
  const initial = useMemo<Values>(
    () =>
      p
        ? toValues(p)
        : {
            title: '',
            description: '',
            price: '',
            deliveryMode: 'auto',
            tiers: [],
            minPerOrder: 1,
            maxPerOrder: null,
            lowStockThreshold: null,
            recipientField: '',
            stock: null,
          },
    [p],
  );
  const categoryId = Form.useWatch('categoryId', form);
  const mode = Form.useWatch('deliveryMode', form) ?? initial.deliveryMode;
  const lockedMode = useMemo(() => {
    const g = goodsTypeOf(props.tree, categoryId);
    return g ? MODE_OF[g] : null;
  }, [props.tree, categoryId]);
  const treeData = useMemo(() => toTreeData(props.tree, t), [props.tree, t]);

  const submit = (v: Values) =>
    run(
      async () => {
        const body = toBody(v);
        if (!p) {
          const created = await api<ProductManageDto>('POST', '/api/v1/supplier/products', body);
          message.success(t('form.created'));
          await invalidate('/api/v1/supplier/products');
          navigate(`/supplier/products/${encodeURIComponent(created.id)}`);
          return;
        }
        const patch = changes(toBody(initial), body);
        if (!patch) {
          message.info(t('form.nothingChanged'));
          return;
        }
        await api('PATCH', `/api/v1/supplier/products/${encodeURIComponent(p.id)}`, patch);
        message.success(t('common.saved'));
        await invalidate('/api/v1/supplier/products');
      },
      (err) => showFieldErrors(form, err, FIELDS, t('form.fieldRefused')),
    );

  return (
    <>
      <PageHeader
        title={props.title}
        extra={
          p && (
            <>
              {p.deliveryMode === 'auto' && (
                <Button {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}/keys`)}>
                  {t('products.importKeys')}
                </Button>
              )}
              <Button {...linkTo('/supplier/products')}>{t('form.backToList')}</Button>
            </>
          )
        }
      />
      {p && <ReviewState product={p} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card>
            <ErrorAlert error={props.categoriesError} />
            <Form<Values>
              form={form}
              layout="vertical"
              initialValues={initial}
              onFinish={submit}
              requiredMark={false}
              scrollToFirstError
            >
              <Form.Item
                name="categoryId"
                label={t('form.category')}
                rules={[{ required: true, message: t('form.categoryRequired') }]}
                extra={lockedMode ? t('form.modeLocked', { mode: t(`delivery.${lockedMode}`) }) : undefined}
              >
                <TreeSelect
                  treeData={treeData}
                  showSearch
                  treeNodeFilterProp="title"
                  treeDefaultExpandAll
                  placeholder={t('form.categoryPick')}
                  notFoundContent={t('form.noCategories')}
                  onChange={(v: string) => {
                    const g = goodsTypeOf(props.tree, v);
                    if (g) form.setFieldValue('deliveryMode', MODE_OF[g]);
                  }}
                />
              </Form.Item>
              <Form.Item
                name="title"
                label={t('form.title')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
              >
                <Input maxLength={120} showCount />
              </Form.Item>
              <Form.Item name="description" label={t('form.description')} extra={t('form.descriptionHint')}>
                <RichTextEditor label={t('form.description')} />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item
                    name="price"
                    label={t('form.price')}
                    rules={[{ required: true, message: t('common.required') }, yuanRule(t('common.yuanInvalid'))]}
                  >
                    <Input prefix="¥" inputMode="decimal" maxLength={13} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="deliveryMode" label={t('form.deliveryMode')}>
                    <Radio.Group
                      optionType="button"
                      options={(['auto', 'manual', 'direct'] as const).map((m) => ({
                        value: m,
                        label: t(`delivery.${m}`),
                        disabled: lockedMode !== null && lockedMode !== m,
                      }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Typography.Text strong>{t('form.tiers')}</Typography.Text>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('form.tiersHint')}
              </Typography.Paragraph>
              <Form.List name="tiers">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} align="start" wrap>
                        <Form.Item
                          name={[f.name, 'minQuantity']}
                          rules={[{ required: true, message: t('common.required') }]}
                        >
                          <InputNumber min={2} max={10_000} precision={0} addonBefore={t('form.tierFrom')} />
                        </Form.Item>
                        <Form.Item
                          name={[f.name, 'price']}
                          rules={[{ required: true, message: t('common.required') }, yuanRule(t('common.yuanInvalid'))]}
                        >
                          <Input
                            prefix="¥"
                            inputMode="decimal"
                            maxLength={13}
                            style={{ width: 160 }}
                            addonBefore={t('form.tierPrice')}
                          />
                        </Form.Item>
                        <Button
                          icon={<DeleteOutlined />}
                          aria-label={t('common.delete')}
                          onClick={() => remove(f.name)}
                        />
                      </Space>
                    ))}
                    {fields.length < 10 && (
                      <Form.Item>
                        <Button icon={<PlusOutlined />} onClick={() => add({ minQuantity: undefined, price: '' })}>
                          {t('form.addTier')}
                        </Button>
                      </Form.Item>
                    )}
                  </>
                )}
              </Form.List>
              <Row gutter={16}>
                <Col xs={12} md={6}>
                  <Form.Item name="minPerOrder" label={t('form.minPerOrder')}>
                    <InputNumber min={1} max={10_000} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="maxPerOrder" label={t('form.maxPerOrder')}>
                    <InputNumber
                      min={1}
                      max={10_000}
                      precision={0}
                      style={{ width: '100%' }}
                      placeholder={t('form.noLimit')}
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="lowStockThreshold" label={t('form.lowStock')}>
                    <InputNumber
                      min={0}
                      max={1_000_000}
                      precision={0}
                      style={{ width: '100%' }}
                      placeholder={t('form.noAlert')}
                    />
                  </Form.Item>
                </Col>
                {mode !== 'auto' && (
                  <Col xs={12} md={6}>
                    <Form.Item name="stock" label={t('form.stock')}>
                      <InputNumber
                        min={0}
                        max={100_000_000}
                        precision={0}
                        style={{ width: '100%' }}
                        placeholder={t('form.uncounted')}
                      />
                    </Form.Item>
                  </Col>
                )}
              </Row>
              {mode === 'auto' && (
                <Alert type="info" showIcon message={t('form.autoStockHint')} style={{ marginBottom: 16 }} />
              )}
              {mode === 'direct' && (
                <Form.Item
                  name="recipientField"
                  label={t('form.recipientField')}
                  extra={t('form.recipientHint')}
                  rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                >
                  <Input maxLength={32} />
                </Form.Item>
              )}
              <ErrorAlert error={error} />
              <Button type="primary" htmlType="submit" loading={busy}>
                {p ? t('form.saveAndReview') : t('form.createAndReview')}
              </Button>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('form.reviewNote')}
              </Typography.Paragraph>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          {p ? (
            <Space direction="vertical" style={{ width: '100%' }} size={16}>
              <CoverCard product={p} />
              <OnSaleCard product={p} />
              <Card size="small">
                <Typography.Text type="secondary">
                  {t('form.updated', { time: formatTime(p.updatedAt, locale) })}
                </Typography.Text>
              </Card>
            </Space>
          ) : (
            <Alert type="info" showIcon message={t('form.coverLater')} />
          )}
        </Col>
      </Row>
    </>
  );
}

function ReviewState({ product: p }: { product: ProductManageDto }) {
  const t = useT();
  const { locale } = useI18n();
  const tag = <Tag color={PRODUCT_STATUS_COLOR[p.status]}>{t(`product.${p.status}`)}</Tag>;
  if (p.status === 'rejected') {
    return (
      <Alert
        type="error"
        showIcon
        style={{ marginBottom: 16 }}
        message={
          <>
            {tag} {t('form.rejected')}
          </>
        }
        description={
          <>
            <div>{t('products.rejectReason', { reason: p.rejectReason ?? t('common.none') })}</div>
            <div>{t('form.resubmit')}</div>
          </>
        }
      />
    );
  }
  if (p.status === 'pending_review') {
    return (
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        message={
          <>
            {tag} {t('form.pending')}
          </>
        }
      />
    );
  }
  return (
    <Alert
      type="success"
      showIcon
      style={{ marginBottom: 16 }}
      message={
        <>
          {tag} {t('form.approved', { time: formatTime(p.reviewedAt, locale) })}
        </>
      }
    />
  );
}

function CoverCard({ product: p }: { product: ProductManageDto }) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const { busy, error, run } = useAction();
  const upload = (file: File) =>
    run(async () => {
      await postRaw(
        `/api/v1/supplier/products/${encodeURIComponent(p.id)}/cover`,
        file,
        file.type || 'application/octet-stream',
      );
      message.success(t('form.coverDone'));
      await invalidate('/api/v1/supplier/products');
    });
  return (
    <Card size="small" title={t('form.cover')}>
      {p.coverUrl ? (
        <Image src={p.coverUrl} alt={p.title} style={{ maxWidth: '100%', maxHeight: 220, objectFit: 'contain' }} />
      ) : (
        <Typography.Paragraph type="secondary">{t('form.noCover')}</Typography.Paragraph>
      )}
      <ErrorAlert error={error} style={{ marginTop: 12 }} />
      <Upload
        accept="image/png,image/jpeg,image/webp"
        showUploadList={false}
        beforeUpload={(file) => {
          if (file.size > 2 * 1024 * 1024) message.error(t('form.coverTooLarge'));
          else void upload(file);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy} style={{ marginTop: 12 }}>
          {p.coverUrl ? t('form.coverReplace') : t('form.coverUpload')}
        </Button>
      </Upload>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('form.coverHint')}
      </Typography.Paragraph>
    </Card>
  );
}

function OnSaleCard({ product: p }: { product: ProductManageDto }) {
  const t = useT();
  const { busyId, setOnSale } = useOnSale();
  return (
    <Card size="small" title={t('products.onSale')}>
      <Space>
        <Switch
          checked={p.onSale}
          loading={busyId === p.id}
          onChange={(v) => setOnSale(p, v)}
          aria-label={t('products.onSale')}
        />
        <Typography.Text>{p.onSale ? t('form.onSaleYes') : t('form.onSaleNo')}</Typography.Text>
      </Space>
      {p.onSale && p.status !== 'approved' && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('form.onSaleAfterReview')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
