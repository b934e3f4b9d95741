import { InboxOutlined } from '@ant-design/icons';
import type {
  CardKeyItemDto,
  ImportJobDto,
  ImportQueuedDto,
  ImportResultDto,
  ProductManageDto,
} from '@kameng/contracts';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { formatTime } from '../console/format.ts';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { CardKeysExport } from './card-keys-export.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, pager } from '../console/table.tsx';
import { postRaw } from '../console/upload.ts';
import { useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { linkTo } from '../lib/router.ts';
import { useT } from './messages.ts';

// The answers of POST /supplier/products/:id/card-keys: counted at once (200), or queued as a job (202) whose
// progress GET /supplier/imports/:jobId reports.
type ImportCounts = ImportResultDto;
type ImportQueued = ImportQueuedDto;
type ImportJob = ImportJobDto;
type KeyItem = CardKeyItemDto;
type KeyStatus = KeyItem['status'];

const POLL_MS = 1000;
const KEYS_PAGE = 20;
const MAX_FILE_BYTES = 128 * 1024 * 1024;
const KEY_STATUS_COLOR: Record<KeyStatus, string> = {
  available: 'green',
  reserved: 'blue',
  sold: 'default',
  void: 'red',
};

type Run =
  | { phase: 'idle' }
  | { phase: 'uploading'; sent: number; total: number }
  | { phase: 'job'; job: ImportJob | null; jobId: string; total: number }
  | { phase: 'done'; counts: ImportCounts; error?: string | null }
  | { phase: 'failed'; error: unknown };

function isQueued(x: ImportCounts | ImportQueued): x is ImportQueued {
  return 'jobId' in x;
}

export default function CardKeys({ productId }: { productId: string }) {
  const t = useT();
  const base = `/api/v1/supplier/products/${encodeURIComponent(productId)}`;
  const product = useGet<ProductManageDto>(base);
  const invalidate = useInvalidate();
  const [run, setRun] = useState<Run>({ phase: 'idle' });
  const [tab, setTab] = useState('file');
  const busy = run.phase === 'uploading' || run.phase === 'job';

  // a queued import: ask for its progress every second until it is done or failed
  const jobId = run.phase === 'job' ? run.jobId : null;
  const stopped = useRef(false);
  useEffect(() => {
    if (!jobId) return;
    stopped.current = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const job = await api<ImportJob>('GET', `/api/v1/supplier/imports/${encodeURIComponent(jobId)}`);
        if (stopped.current) return;
        if (job.status === 'done' || job.status === 'failed') {
          setRun({ phase: 'done', counts: job, error: job.status === 'failed' ? (job.error ?? 'failed') : null });
          await invalidate(base, '/api/v1/supplier/imports');
          return;
        }
        setRun((r) => (r.phase === 'job' ? { ...r, job } : r));
      } catch (err) {
        // a blip: keep asking; anything else ends the watch and says why
        if (!(err instanceof ApiFailure && (err.code === 'NETWORK' || err.code === 'UNAVAILABLE'))) {
          setRun({ phase: 'failed', error: err });
          return;
        }
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped.current = true;
      clearTimeout(timer);
    };
  }, [jobId, base, invalidate]);

  const start = async (body: Blob | string) => {
    setRun({ phase: 'uploading', sent: 0, total: typeof body === 'string' ? body.length : body.size });
    try {
      const res = await postRaw<ImportCounts | ImportQueued>(
        `${base}/card-keys`,
        body,
        'text/plain; charset=utf-8',
        (sent, total) =>
          setRun((r) => (r.phase === 'uploading' ? { phase: 'uploading', sent, total: total || r.total } : r)),
      );
      if (isQueued(res)) setRun({ phase: 'job', jobId: res.jobId, total: res.total, job: null });
      else {
        setRun({ phase: 'done', counts: res });
        await invalidate(base, '/api/v1/supplier/imports');
      }
    } catch (err) {
      setRun({ phase: 'failed', error: err });
    }
  };

  const generate = async (count: number, format: Record<string, unknown>) => {
    setRun({ phase: 'uploading', sent: 0, total: 0 });
    try {
      const res = await api<ImportQueued>('POST', `${base}/card-keys/generate`, { count, format });
      setRun({ phase: 'job', jobId: res.jobId, total: res.total, job: null });
    } catch (err) {
      setRun({ phase: 'failed', error: err });
    }
  };

  if (product.error) return <ErrorAlert error={product.error} onRetry={() => product.refetch()} />;
  const p = product.data;
  return (
    <>
      <PageHeader
        title={t('keys.title')}
        sub={p?.title}
        extra={
          <Button {...linkTo(`/supplier/products/${encodeURIComponent(productId)}`)}>{t('keys.backToProduct')}</Button>
        }
      />
      {p && p.deliveryMode !== 'auto' && (
        <Alert type="warning" showIcon message={t('keys.notAuto')} style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('keys.import')}>
            <Tabs
              activeKey={tab}
              onChange={setTab}
              items={[
                { key: 'file', label: t('keys.byFile'), children: <FileImport disabled={busy} onStart={start} /> },
                { key: 'paste', label: t('keys.byPaste'), children: <PasteImport disabled={busy} onStart={start} /> },
                {
                  key: 'generate',
                  label: t('keys.generate'),
                  children: <GenerateForm disabled={busy} onStart={generate} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('keys.progress')}>
            <RunReport run={run} />
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col span={12}>
                <Statistic title={t('keys.inStock')} value={p?.stock ?? 0} loading={product.isPending} />
              </Col>
              <Col span={12}>
                <Statistic title={t('products.sales')} value={p?.salesCount ?? 0} loading={product.isPending} />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col span={24}>
          <KeyList productId={productId} />
        </Col>
        <Col span={24}>
          <ImportHistory productId={productId} />
        </Col>
      </Row>
    </>
  );
}

function RunReport({ run }: { run: Run }) {
  const t = useT();
  if (run.phase === 'idle') return <Typography.Paragraph type="secondary">{t('keys.idle')}</Typography.Paragraph>;
  if (run.phase === 'uploading') {
    const pct = run.total > 0 ? Math.min(100, Math.floor((run.sent * 100) / run.total)) : 0;
    return (
      <div role="status">
        <Typography.Text>{t('keys.uploading')}</Typography.Text>
        <Progress percent={pct} status="active" />
      </div>
    );
  }
  if (run.phase === 'job') {
    const done = run.job?.processed ?? 0;
    const total = run.job?.total ?? run.total;
    const pct = total > 0 ? Math.min(99, Math.floor((done * 100) / total)) : 0;
    return (
      <div role="status">
        <Typography.Text>
          {run.job?.status === 'running' ? t('keys.running', { done, total }) : t('keys.queued', { total })}
        </Typography.Text>
        <Progress percent={pct} status="active" />
        {run.job && <Counts counts={run.job} />}
      </div>
    );
  }
  if (run.phase === 'failed') return <ErrorAlert error={run.error} />;
  return (
    <div role="status">
      {run.error ? (
        <Alert type="error" showIcon message={t('keys.jobFailed')} style={{ marginBottom: 12 }} />
      ) : (
        <Alert type="success" showIcon message={t('keys.finished')} style={{ marginBottom: 12 }} />
      )}
      <Counts counts={run.counts} />
    </div>
  );
}

function Counts({ counts }: { counts: ImportCounts }) {
  const t = useT();
  return (
    <Descriptions size="small" column={3} bordered layout="vertical" style={{ marginTop: 8 }}>
      <Descriptions.Item label={t('keys.imported')}>
        <Typography.Text type="success" data-testid="imported">
          {counts.imported}
        </Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('keys.duplicates')}>
        <Typography.Text type={counts.duplicates ? 'warning' : undefined} data-testid="duplicates">
          {counts.duplicates}
        </Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('keys.rejected')}>
        <Typography.Text type={counts.rejected ? 'danger' : undefined} data-testid="rejected">
          {counts.rejected}
        </Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

function FileImport(props: { disabled: boolean; onStart: (f: Blob) => void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  return (
    <>
      <Upload.Dragger
        accept=".txt,.csv,text/plain,text/csv"
        multiple={false}
        showUploadList={false}
        disabled={props.disabled}
        beforeUpload={(f) => {
          setTooLarge(f.size > MAX_FILE_BYTES);
          setFile(f);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('keys.dropFile')}</p>
        <p className="ant-upload-hint">{t('keys.fileHint')}</p>
      </Upload.Dragger>
      {file && (
        <Space wrap style={{ marginTop: 12 }}>
          <Typography.Text data-testid="chosen-file">
            {t('keys.chosen', { name: file.name, size: (file.size / 1024).toFixed(1) })}
          </Typography.Text>
          <Button
            type="primary"
            disabled={props.disabled || tooLarge || file.size === 0}
            onClick={() => {
              props.onStart(file);
              setFile(null);
            }}
          >
            {t('keys.startImport')}
          </Button>
        </Space>
      )}
      {tooLarge && <Alert type="error" showIcon message={t('keys.fileTooLarge')} style={{ marginTop: 12 }} />}
    </>
  );
}

function PasteImport(props: { disabled: boolean; onStart: (text: string) => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
  return (
    <>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 6, maxRows: 14 }}
        placeholder={t('keys.pasteHint')}
        disabled={props.disabled}
        aria-label={t('keys.byPaste')}
        spellCheck={false}
        style={{ fontFamily: 'monospace' }}
      />
      <Space style={{ marginTop: 12 }}>
        <Button
          type="primary"
          disabled={props.disabled || lines === 0}
          onClick={() => {
            props.onStart(text);
            setText('');
          }}
        >
          {t('keys.importLines', { n: lines })}
        </Button>
      </Space>
    </>
  );
}

interface GenerateValues {
  count: number;
  prefix?: string;
  length: number;
  alphabet: 'digits' | 'upper' | 'alnum';
  groupSize?: number | null;
}

function GenerateForm(props: { disabled: boolean; onStart: (count: number, format: Record<string, unknown>) => void }) {
  const t = useT();
  return (
    <Form<GenerateValues>
      layout="vertical"
      initialValues={{ count: 100, length: 16, alphabet: 'alnum', groupSize: 4 }}
      onFinish={(v) =>
        props.onStart(v.count, {
          length: v.length,
          alphabet: v.alphabet,
          ...(v.prefix?.trim() ? { prefix: v.prefix.trim() } : {}),
          ...(v.groupSize ? { groupSize: v.groupSize } : {}),
        })
      }
      disabled={props.disabled}
    >
      <Typography.Paragraph type="secondary">{t('keys.generateHint')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Form.Item
            name="count"
            label={t('keys.genCount')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item
            name="prefix"
            label={t('keys.genPrefix')}
            rules={[{ pattern: /^[A-Za-z0-9-]*$/, message: t('keys.genPrefixRule') }]}
          >
            <Input maxLength={16} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item
            name="length"
            label={t('keys.genLength')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={6} max={64} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="groupSize" label={t('keys.genGroup')}>
            <InputNumber min={2} max={16} precision={0} style={{ width: '100%' }} placeholder={t('common.none')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="alphabet" label={t('keys.genAlphabet')}>
        <Select
          style={{ maxWidth: 240 }}
          options={(['digits', 'upper', 'alnum'] as const).map((a) => ({ value: a, label: t(`keys.alphabet.${a}`) }))}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {t('keys.genStart')}
      </Button>
    </Form>
  );
}

function KeyList({ productId }: { productId: string }) {
  const t = useT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const base = `/api/v1/supplier/products/${encodeURIComponent(productId)}`;
  const [status, setStatus] = useState<KeyStatus | undefined>();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const [voiding, setVoiding] = useState(false);
  const [revealed, setRevealed] = useState<{ id: string; secret: string } | null>(null);
  const list = useGet<{ total: number; items: KeyItem[] }>(
    withParams(`${base}/card-keys`, { status, page, pageSize: KEYS_PAGE }),
  );

  const voidSelected = async () => {
    setVoiding(true);
    try {
      const r = await api<{ voided: number }>('POST', `${base}/card-keys/void`, { ids: selected });
      message.success(t('keys.voided', { n: r.voided }));
      setSelected([]);
      await invalidate(base);
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setVoiding(false);
    }
  };
  const reveal = async (id: string) => {
    try {
      setRevealed(
        await api<{ id: string; secret: string }>(
          'POST',
          `/api/v1/supplier/card-keys/${encodeURIComponent(id)}/reveal`,
        ),
      );
    } catch (err) {
      message.error(errorText(t, err));
    }
  };

  return (
    <Card
      title={t('keys.list')}
      extra={
        <Space wrap>
          <FilterSelect<KeyStatus>
            size="small"
            width={120}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
              setSelected([]);
            }}
            options={(['available', 'reserved', 'sold', 'void'] as const).map((s) => ({
              value: s,
              label: t(`keys.status.${s}`),
            }))}
            allLabel={t('common.all')}
            label={t('common.status')}
          />
          <Popconfirm
            title={t('keys.voidConfirm', { n: selected.length })}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            onConfirm={voidSelected}
            disabled={selected.length === 0}
          >
            <Button size="small" danger disabled={selected.length === 0} loading={voiding}>
              {t('keys.voidSelected', { n: selected.length })}
            </Button>
          </Popconfirm>
        </Space>
      }
    >
      {status !== 'sold' && <CardKeysExport base={base} status={status ?? 'available'} />}
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<KeyItem>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 700 }}
        locale={{ emptyText: status ? t('keys.noneWithStatus') : t('keys.empty') }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys as string[]),
          getCheckboxProps: (k) => ({ disabled: k.status !== 'available' }),
        }}
        pagination={pager(
          t,
          page,
          (n) => {
            setPage(n);
            setSelected([]);
          },
          list.data?.total ?? 0,
          KEYS_PAGE,
        )}
        columns={[
          {
            title: t('keys.masked'),
            width: 240,
            dataIndex: 'masked',
            render: (m: string) => <Typography.Text code>{m}</Typography.Text>,
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: KeyStatus) => <Tag color={KEY_STATUS_COLOR[s]}>{t(`keys.status.${s}`)}</Tag>,
          },
          { title: t('keys.order'), dataIndex: 'orderId', width: 220, render: (o: string | null) => o ?? '—' },
          { title: t('keys.added'), dataIndex: 'createdAt', width: 170, render: (v: number) => formatTime(v, locale) },
          {
            title: t('common.actions'),
            key: 'a',
            width: 90,
            render: (_, k) => (
              <Button size="small" type="link" onClick={() => reveal(k.id)}>
                {t('keys.reveal')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={revealed !== null}
        title={t('keys.revealTitle')}
        onCancel={() => setRevealed(null)}
        footer={<Button onClick={() => setRevealed(null)}>{t('common.close')}</Button>}
      >
        <Typography.Paragraph type="secondary">{t('keys.revealNote')}</Typography.Paragraph>
        <Typography.Paragraph copyable code>
          {revealed?.secret}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

function ImportHistory({ productId }: { productId: string }) {
  const t = useT();
  const { locale } = useI18n();
  const list = useGet<{ total: number; items: ImportJob[] }>(
    withParams('/api/v1/supplier/imports', { productId, pageSize: 10 }),
    { retry: false },
  );
  // older servers import everything in the request and keep no job list: nothing to show then
  if (list.error || !list.data || list.data.items.length === 0) return null;
  return (
    <Card title={t('keys.history')} size="small">
      <Table<ImportJob>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={list.data.items}
        scroll={{ x: 700 }}
        columns={[
          { title: t('keys.started'), dataIndex: 'createdAt', render: (v: number) => formatTime(v, locale) },
          { title: t('keys.kind'), dataIndex: 'kind', render: (k: 'upload' | 'generate') => t(`keys.kind.${k}`) },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: ImportJob['status']) => (
              <Tag color={s === 'done' ? 'green' : s === 'failed' ? 'red' : 'blue'}>{t(`keys.job.${s}`)}</Tag>
            ),
          },
          { title: t('keys.imported'), dataIndex: 'imported' },
          { title: t('keys.duplicates'), dataIndex: 'duplicates' },
          { title: t('keys.rejected'), dataIndex: 'rejected' },
        ]}
      />
    </Card>
  );
}
