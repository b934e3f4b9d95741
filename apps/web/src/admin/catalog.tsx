import { PlusOutlined } from '@ant-design/icons';
import type { CategoryNodeDto, GoodsType } from '@kameng/contracts';
import {
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Tabs,
  Tag,
  Tree,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { showFieldErrors } from '../console/form-errors.ts';
import { FormModal } from '../console/form-modal.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { useAction } from '../console/use-action.ts';
import { api } from '../lib/api.ts';
import { CarouselEditor } from './carousel.tsx';
import { useT } from './messages.ts';

const CATEGORIES = '/api/v1/categories';
const FIELDS = ['name', 'parentId', 'goodsType', 'game', 'denomination', 'sortOrder'] as const;

interface CategoryValues {
  name: string;
  parentId?: string | null;
  goodsType?: GoodsType | null;
  game?: string;
  denomination?: string;
  sortOrder?: number | null;
}

export default function Catalog() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('menu.catalog')} />
      <Card>
        <Tabs
          items={[
            { key: 'categories', label: t('cat.categories'), children: <CategoryEditor /> },
            { key: 'carousel', label: t('carousel.tab'), children: <CarouselEditor /> },
            { key: 'banned', label: t('cat.banned'), children: <BannedWords /> },
          ]}
        />
      </Card>
    </>
  );
}

function findNode(nodes: CategoryNodeDto[], id: string | null): CategoryNodeDto | null {
  for (const n of nodes) {
    if (n.id === id) return n;
    const found = findNode(n.children, id);
    if (found) return found;
  }
  return null;
}

function CategoryEditor() {
  const t = useT();
  const tree = useGet<{ items: CategoryNodeDto[] }>(CATEGORIES);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState<{ parentId: string | null } | null>(null);
  const nodes = tree.data?.items ?? [];
  const node = findNode(nodes, selected);
  const label = (n: CategoryNodeDto) => (
    <Space size={4} wrap>
      <span>{n.name}</span>
      {n.goodsType && <Tag color="blue">{t(`goods.${n.goodsType}`)}</Tag>}
      {n.game && <Tag>{n.game}</Tag>}
      {n.denomination && <Tag>{n.denomination}</Tag>}
    </Space>
  );
  const toTree = (ns: CategoryNodeDto[]): object[] =>
    ns.map((n) => ({ key: n.id, title: label(n), children: toTree(n.children) }));

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Space style={{ marginBottom: 12 }} wrap>
          <Button icon={<PlusOutlined />} onClick={() => setCreating({ parentId: null })}>
            {t('cat.addTop')}
          </Button>
          <Button icon={<PlusOutlined />} disabled={!node} onClick={() => setCreating({ parentId: selected })}>
            {t('cat.addChild')}
          </Button>
        </Space>
        <ErrorAlert error={tree.error} onRetry={() => tree.refetch()} />
        {nodes.length === 0 && !tree.isPending ? (
          <Empty description={t('cat.empty')} />
        ) : (
          <Tree
            showLine
            defaultExpandAll
            blockNode
            selectedKeys={selected ? [selected] : []}
            onSelect={(keys) => setSelected((keys[0] as string | undefined) ?? null)}
            treeData={toTree(nodes) as never}
          />
        )}
      </Col>
      <Col xs={24} lg={12}>
        {node ? (
          <EditCategory
            key={`${node.id}:${node.updatedAt}`}
            node={node}
            tree={nodes}
            onDeleted={() => setSelected(null)}
          />
        ) : (
          <Typography.Paragraph type="secondary">{t('cat.pick')}</Typography.Paragraph>
        )}
      </Col>
      <CreateCategory target={creating} tree={nodes} onClose={() => setCreating(null)} onCreated={setSelected} />
    </Row>
  );
}

function FacetFields({ tree, exclude }: { tree: CategoryNodeDto[]; exclude?: string }) {
  const t = useT();
  const toTreeData = (ns: CategoryNodeDto[]): object[] =>
    ns.filter((n) => n.id !== exclude).map((n) => ({ value: n.id, title: n.name, children: toTreeData(n.children) }));
  return (
    <>
      <Form.Item
        name="name"
        label={t('cat.name')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input maxLength={64} />
      </Form.Item>
      <Form.Item name="parentId" label={t('cat.parent')}>
        <TreeSelect allowClear treeDefaultExpandAll treeData={toTreeData(tree)} placeholder={t('cat.topLevel')} />
      </Form.Item>
      <Form.Item name="goodsType" label={t('cat.goodsType')} extra={t('cat.goodsTypeHint')}>
        <Select
          allowClear
          placeholder={t('cat.inherit')}
          options={(['card_key', 'direct', 'manual'] as const).map((g) => ({ value: g, label: t(`goods.${g}`) }))}
        />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="game" label={t('cat.game')}>
            <Input maxLength={64} placeholder={t('cat.gameHint')} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="denomination" label={t('cat.denomination')}>
            <Input maxLength={64} placeholder={t('cat.denominationHint')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="sortOrder" label={t('cat.sortOrder')} extra={t('cat.sortOrderHint')}>
        <InputNumber precision={0} min={-1_000_000} max={1_000_000} style={{ width: '100%' }} />
      </Form.Item>
    </>
  );
}

function CreateCategory(props: {
  target: { parentId: string | null } | null;
  tree: CategoryNodeDto[];
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<CategoryValues>();
  return (
    <FormModal<CategoryValues>
      form={form}
      open={props.target !== null}
      initialValues={{ parentId: props.target?.parentId ?? null }}
      title={t('cat.create')}
      okText={t('common.save')}
      onClose={props.onClose}
      onError={(err) => showFieldErrors(form, err, FIELDS, t('cat.refused'))}
      onSubmit={async (v) => {
        const created = await api<{ id: string }>('POST', '/api/v1/admin/categories', {
          name: v.name.trim(),
          ...(v.parentId ? { parentId: v.parentId } : {}),
          ...(v.goodsType ? { goodsType: v.goodsType } : {}),
          ...(v.game?.trim() ? { game: v.game.trim() } : {}),
          ...(v.denomination?.trim() ? { denomination: v.denomination.trim() } : {}),
          ...(typeof v.sortOrder === 'number' ? { sortOrder: v.sortOrder } : {}),
        });
        message.success(t('cat.created'));
        await invalidate(CATEGORIES);
        props.onCreated(created.id);
      }}
    >
      <FacetFields tree={props.tree} />
    </FormModal>
  );
}

function EditCategory(props: { node: CategoryNodeDto; tree: CategoryNodeDto[]; onDeleted: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<CategoryValues>();
  const { busy, error, run } = useAction();
  const n = props.node;
  const initial = useMemo<CategoryValues>(
    () => ({
      name: n.name,
      parentId: n.parentId,
      goodsType: n.goodsType,
      game: n.game ?? '',
      denomination: n.denomination ?? '',
      sortOrder: n.sortOrder,
    }),
    [n],
  );
  const submit = (v: CategoryValues) =>
    run(
      async () => {
        const next = {
          name: v.name.trim(),
          parentId: v.parentId ?? null,
          goodsType: v.goodsType ?? null,
          game: v.game?.trim() || null,
          denomination: v.denomination?.trim() || null,
          sortOrder: v.sortOrder ?? 0,
        };
        const before = { ...initial, game: n.game, denomination: n.denomination };
        const patch = Object.fromEntries(
          Object.entries(next).filter(([k, value]) => value !== before[k as keyof typeof before]),
        );
        if (Object.keys(patch).length === 0) {
          message.info(t('cat.nothing'));
          return;
        }
        await api('PATCH', `/api/v1/admin/categories/${encodeURIComponent(n.id)}`, patch);
        message.success(t('common.saved'));
        await invalidate(CATEGORIES);
      },
      (err) => showFieldErrors(form, err, FIELDS, t('cat.refused')),
    );
  const remove = () =>
    run(async () => {
      await api('DELETE', `/api/v1/admin/categories/${encodeURIComponent(n.id)}`);
      message.success(t('cat.deleted'));
      props.onDeleted();
      await invalidate(CATEGORIES);
    });
  return (
    <Card size="small" title={t('cat.edit', { name: n.name })}>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={initial} onFinish={submit}>
        <FacetFields tree={props.tree} exclude={n.id} />
        <ErrorAlert error={error} />
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
          <Popconfirm
            title={t('cat.deleteConfirm')}
            description={t('cat.deleteHint')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            onConfirm={remove}
          >
            <Button danger disabled={n.children.length > 0}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      </Form>
    </Card>
  );
}

function BannedWords() {
  const t = useT();
  const { message } = App.useApp();
  const words = useGet<{ words: string[] }>('/api/v1/admin/banned-words');
  const invalidate = useInvalidate();
  const [text, setText] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const value = text ?? words.data?.words.join('\n') ?? '';
  const list = [
    ...new Set(
      value
        .split(/\r?\n/)
        .map((w) => w.trim())
        .filter(Boolean),
    ),
  ];
  const save = () =>
    run(async () => {
      await api('PUT', '/api/v1/admin/banned-words', { words: list });
      message.success(t('cat.bannedSaved', { n: list.length }));
      setText(null);
      await invalidate('/api/v1/admin/banned-words');
    });
  return (
    <>
      <Typography.Paragraph type="secondary">{t('cat.bannedHint')}</Typography.Paragraph>
      <ErrorAlert error={words.error} onRetry={() => words.refetch()} />
      <Input.TextArea
        value={value}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 8, maxRows: 20 }}
        aria-label={t('cat.banned')}
        placeholder={t('cat.bannedPlaceholder')}
      />
      <ErrorAlert error={error} style={{ marginTop: 12 }} />
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" loading={busy} onClick={save} disabled={text === null}>
          {t('common.save')}
        </Button>
        <Typography.Text type="secondary">{t('cat.bannedCount', { n: list.length })}</Typography.Text>
      </Space>
    </>
  );
}
